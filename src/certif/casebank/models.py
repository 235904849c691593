"""The bank of cases: the cases handed to candidates at their épreuves, their versions, and
which case (at which version) was drawn for whom in which session.

A case is filed under a référentiel's code and one of its *case slots* (« B2 », « B3:pme »,
« B4Me1 »: ``Referential.case_slots()``), so that the modalities that take a case come from
the référentiel file, never from a list written here. A case's content is never changed in
place: a new version is added, and a draw keeps the version it was made at. A case once drawn
is never deleted, only retired (no longer drawn).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.fields import ActorField
from certif.sessions.models import ExamSession

REFERENCE_MAX = 40
SLOT_MAX = 80


class Case(models.Model):
    referential_code = models.CharField(_("certification"), max_length=32)
    slot = models.CharField(_("épreuve"), max_length=SLOT_MAX)
    reference = models.CharField(_("référence"), max_length=REFERENCE_MAX, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = ActorField(on_delete=models.SET_NULL)
    retired_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    retired_reason = models.TextField(_("motif du retrait"), blank=True)

    class Meta:
        verbose_name = _("cas")
        verbose_name_plural = _("cas")
        ordering = ["referential_code", "slot", "reference"]
        indexes = [models.Index(fields=["referential_code", "slot"], name="case_slot")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


class CaseVersion(models.Model):
    """One state of a case's content: text, the client's script, a PDF, or several."""

    case = models.ForeignKey(
        Case, verbose_name=_("cas"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("texte remis au candidat"), blank=True)
    client_script = models.TextField(_("script de la personne qui joue le client"), blank=True)
    attachment_sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64, blank=True)
    attachment_name = models.CharField(_("nom du PDF"), max_length=200, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("taille du PDF"), null=True, blank=True)
    attachment_pages = models.PositiveIntegerField(_("pages du PDF"), null=True, blank=True)
    note = models.CharField(_("ce qui change"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = ActorField(on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("version de cas")
        verbose_name_plural = _("versions de cas")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="case_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} v{self.number}"

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment_sha256)


class Draw(models.Model):
    """A case drawn for a candidate in a session, at one version. A re-draw before the épreuve
    keeps the replaced draw (``current`` false, with the reason): the usage history."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidat"), on_delete=models.PROTECT, related_name="+"
    )
    slot = models.CharField(_("épreuve"), max_length=SLOT_MAX)
    block_code = models.CharField(_("bloc"), max_length=32)
    part = models.CharField(_("partie"), max_length=32, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("cas"), on_delete=models.PROTECT, related_name="draws"
    )
    version = models.ForeignKey(
        CaseVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="draws"
    )
    current = models.BooleanField(_("en vigueur"), default=True)
    drawn_at = models.DateTimeField(_("tiré le"), auto_now_add=True)
    drawn_by = ActorField(on_delete=models.SET_NULL)
    replaced_at = models.DateTimeField(_("remplacé le"), null=True, blank=True)
    replaced_reason = models.TextField(_("motif du nouveau tirage"), blank=True)

    class Meta:
        verbose_name = _("tirage de cas")
        verbose_name_plural = _("tirages de cas")
        ordering = ["session", "candidate", "slot", "-drawn_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "candidate", "slot"],
                condition=models.Q(current=True),
                name="one_current_draw",
            )
        ]
        indexes = [models.Index(fields=["candidate", "case"], name="draw_candidate_case")]

    def __str__(self) -> str:
        return (
            f"{self.session.code} — {self.candidate.numero} — {self.slot} — {self.case.reference}"
        )
