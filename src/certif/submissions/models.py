"""What candidates hand in: mémoire subjects, deposited files (every version), extensions.

A deposit row describes one version of one deliverable (a référentiel ``Deliverable`` code) of
a candidate in a session; the file itself lives in the content-addressed store of
``certif.deposits.storage`` under the data folder (or an S3-compatible bucket), named by its
SHA-256, and so does its receipt, kept as it was first issued.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.fields import ActorField, OptionalLink
from certif.domain.codes import CODE_MAX
from certif.sessions.models import ExamSession


class SubjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposé")
    CHANGES_REQUESTED = "changes_requested", _("à reprendre")
    APPROVED = "approved", _("validé")
    REFUSED = "refused", _("refusé")


class Verdict(models.TextChoices):
    """What a reviewer of the Direction pédagogique answers to a proposed subject."""

    APPROVE = "approved", _("valider")
    REQUEST_CHANGES = "changes_requested", _("demander des modifications")
    REFUSE = "refused", _("refuser")


class Subject(models.Model):
    """A mémoire subject proposed by a candidate, validated by the Direction pédagogique."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidat"), on_delete=models.CASCADE, related_name="subjects"
    )
    title = models.CharField(_("titre"), max_length=255)
    problem = models.TextField(_("problématique"), max_length=4000)
    outline = models.TextField(_("plan sommaire"), max_length=4000)
    status = models.CharField(
        _("état"), max_length=24, choices=SubjectStatus.choices, default=SubjectStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposé le"))
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    reviewed_by = ActorField(_("examiné par"), on_delete=models.SET_NULL)
    comment = models.TextField(_("commentaire de la Direction pédagogique"), blank=True)
    revision = models.PositiveIntegerField(_("révision"), default=0)

    class Meta:
        verbose_name = _("sujet de mémoire")
        verbose_name_plural = _("sujets de mémoire")
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.candidate.numero} — {self.title}"


class SubjectReview(models.Model):
    """One answer of the Direction pédagogique to a subject, kept as its history."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("sujet"), on_delete=models.CASCADE, related_name="reviews"
    )
    verdict = models.CharField(_("décision"), max_length=24, choices=Verdict.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    reviewer = ActorField(_("examinateur"), on_delete=models.SET_NULL)
    reviewed_at = models.DateTimeField(_("examiné le"))

    class Meta:
        verbose_name = _("examen de sujet")
        verbose_name_plural = _("examens de sujet")
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.subject} — {self.get_verdict_display()}"


class Deposit(models.Model):
    """One version of a deliverable deposited by a candidate for a session."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidat"), on_delete=models.CASCADE, related_name="deposits"
    )
    session = models.ForeignKey(
        ExamSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="deposits"
    )
    deliverable = models.CharField(_("livrable"), max_length=CODE_MAX)
    version = models.PositiveIntegerField(_("version"))
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.BigIntegerField(_("taille (octets)"))
    page_count = models.PositiveIntegerField(_("nombre de pages"))
    annexes_start_page = models.PositiveIntegerField(
        _("page où commencent les annexes"), null=True, blank=True
    )
    counted_pages = models.PositiveIntegerField(_("pages hors annexes"), null=True, blank=True)
    subject = OptionalLink(Subject, _("sujet"), related_name="deposits")
    receipt_sha256 = models.CharField(
        _("empreinte SHA-256 de l'accusé de dépôt"), max_length=64, blank=True
    )
    due_date = models.DateField(_("date limite"), null=True, blank=True)
    under_extension = models.BooleanField(_("déposé sous prolongation"), default=False)
    deposited_at = models.DateTimeField(_("déposé le"))
    deposited_by = ActorField(_("déposé par"), on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("dépôt")
        verbose_name_plural = _("dépôts")
        ordering = ["session", "candidate", "deliverable", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "session", "deliverable", "version"], name="deposit_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate.numero} — {self.session.code} — {self.deliverable} v{self.version}"


class Extension(models.Model):
    """A later due date granted by a gestionnaire for one deliverable of one candidate."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidat"), on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(
        ExamSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )
    deliverable = models.CharField(_("livrable"), max_length=CODE_MAX)
    until = models.DateField(_("jusqu'au"))
    reason = models.TextField(_("motif"))
    granted_by = ActorField(_("accordée par"), on_delete=models.SET_NULL)
    granted_at = models.DateTimeField(_("accordée le"))

    class Meta:
        verbose_name = _("prolongation de dépôt")
        verbose_name_plural = _("prolongations de dépôt")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "session", "deliverable"], name="one_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate.numero} — {self.session.code} — {self.deliverable}"
