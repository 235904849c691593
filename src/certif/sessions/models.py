"""Evaluation sessions: their enrolments, the evaluators assigned and the timetable of épreuves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.codes import addressable_code
from certif.core.fields import ActorField, OptionalLink, RowIdField
from certif.domain.codes import CODE_MAX
from certif.referential.models import Block, ReferentialVersion


class ExamSession(models.Model):
    code = models.CharField(
        _("code"),
        max_length=CODE_MAX,
        unique=True,
        validators=[addressable_code],
        help_text=_("Par exemple 2026-06 : lettres, chiffres, « . », « _ » et « - »"),
    )
    title = models.CharField(_("intitulé"), max_length=255, blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    referential_version = models.ForeignKey(
        ReferentialVersion,
        verbose_name=_("version du référentiel"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    # A session delegated to a partner habilitated to evaluate: its evaluators grade it.
    partner = OptionalLink("partners.Partner", _("déléguée à"), related_name="sessions")
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # The scores import that created the session, if one did: its revert removes it, if empty.
    batch = OptionalLink("imports.ImportBatch", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-start_date", "-code"]

    def __str__(self) -> str:
        return self.code


class Enrolment(models.Model):
    """A candidate enrolled in a session for one block (and one part of a block with parts)."""

    id = RowIdField(primary_key=True)

    # The unique (candidate, session, block, part) serves lookups by candidate.
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidat"),
        on_delete=models.CASCADE,
        related_name="enrolments",
        db_index=False,
    )
    session = models.ForeignKey(
        ExamSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="enrolments"
    )
    block = models.ForeignKey(
        Block, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.CharField(_("partie"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    # The scores import that created the enrolment, if one did: its revert removes it.
    batch = OptionalLink("imports.ImportBatch", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "session", "block", "part"], name="enrolment_unit"
            )
        ]

    def __str__(self) -> str:
        unit = self.block.unit_label(self.part)
        return f"{self.candidate.numero} — {self.session.code} — {unit}"


class Assignment(models.Model):
    """An evaluator asked to grade a candidate's unit in a session; a second one for double marking."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="assignments"
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidat"),
        on_delete=models.CASCADE,
        related_name="assignments",
        db_index=False,
    )
    block = models.ForeignKey(
        Block, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    part = models.CharField(_("partie"), max_length=32, blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluateur"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    marker = models.PositiveSmallIntegerField(
        _("correcteur"), default=1, help_text=_("1, ou 2 pour une double correction")
    )
    assigned_by = ActorField(on_delete=models.SET_NULL)
    assigned_at = models.DateTimeField(_("affecté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "session", "block", "part", "marker"], name="assignment_marker"
            ),
            models.UniqueConstraint(
                fields=["candidate", "session", "block", "part", "evaluator"],
                name="assignment_evaluator",
            ),
        ]

    def __str__(self) -> str:
        unit = self.block.unit_label(self.part)
        return f"{self.candidate.numero} — {self.session.code} — {unit} — {self.evaluator}"


class Sitting(models.Model):
    """When and where a unit's épreuve takes place in a session (optional: the convocation
    falls back to the session's dates and place)."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="sittings"
    )
    block = models.ForeignKey(
        Block, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.CharField(_("partie"), max_length=32, blank=True)
    # The modality's code where the block sits its modalities apart (B4Me1, B4Me2); empty for
    # the unit's only épreuve.
    modality = models.CharField(_("modalité"), max_length=32, blank=True)
    starts_at = models.DateTimeField(_("date et heure de début"))
    room = models.CharField(_("salle ou adresse"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("horaire d'épreuve")
        verbose_name_plural = _("horaires d'épreuve")
        ordering = ["session", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "block", "part", "modality"], name="one_sitting_per_epreuve"
            )
        ]

    def __str__(self) -> str:
        epreuve = self.block.unit_label(self.part)
        if self.modality:
            epreuve = f"{epreuve} — {self.modality}"
        return f"{self.session.code} — {epreuve} — {self.starts_at:%Y-%m-%d %H:%M}"


SESSION_FIELDS = (
    "code", "title", "start_date", "end_date", "place", "referential_version", "partner",
)  # fmt: skip
