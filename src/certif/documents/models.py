"""Official documents: the certifier's settings, the timetable of épreuves, and the registry of
every document issued.

An issued document is archived as the exact PDF bytes that were handed out, with their SHA-256:
a download returns that file, never a new rendering. Once stored, its content never changes;
only its life cycle moves (valid → revoked, or valid → superseded by a reissue), once. The
guards below refuse anything else, whoever tries; the services are the only writers.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.errors import Gone, Refused
from certif.core.fields import ActorField, OptionalLink
from certif.core.roles import JURY, Role, has_role
from certif.deliberations.models import Deliberation
from certif.sessions.models import ExamSession

# The roles that may download some document; which ones: IssuedDocument.may_be_downloaded_by.
DOWNLOADERS = (Role.STAFF, Role.CANDIDATE, *JURY)
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
# 80 random bits in base32 (A-Z, 2-7): unguessable, and short enough to type.
PUBLIC_ID_LENGTH = 16


def new_public_id() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def setting_public_url() -> str:
    """CERTIF_PUBLIC_URL, read by the settings; empty when not configured."""
    return str(getattr(settings, "PUBLIC_URL", "") or "").strip()


class ImageFormat(models.TextChoices):
    PNG = "png", "PNG"
    JPEG = "jpg", "JPEG"
    SVG = "svg", "SVG"

    @property
    def media_type(self) -> str:
        return {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}[self.value]


class CertifierSettings(models.Model):
    """The certifier's identity as its documents print it: one row, edited in the admin."""

    legal_name = models.CharField(
        _("raison sociale"),
        max_length=255,
        blank=True,
        help_text=_("Dénomination légale du certificateur, telle qu'elle figure sur les documents"),
    )
    address = models.TextField(_("adresse"), blank=True)
    issue_place = models.CharField(
        _("lieu de délivrance"),
        max_length=120,
        blank=True,
        help_text=_("Ville imprimée dans « Fait à … » sur les parchemins et attestations"),
    )
    signatory_name = models.CharField(_("nom du signataire"), max_length=150, blank=True)
    signatory_title = models.CharField(
        _("qualité du signataire"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple : Directrice générale"),
    )
    signature = models.BinaryField(_("image de la signature"), null=True, blank=True)
    signature_format = models.CharField(
        _("format de la signature"), max_length=3, choices=ImageFormat.choices, blank=True
    )
    public_url = models.URLField(
        _("adresse publique de vérification"),
        blank=True,
        help_text=_(
            "Début de l'adresse imprimée sous le QR code (par exemple https://certif.example.fr) ; "
            "vide : la variable d'environnement CERTIF_PUBLIC_URL, sinon http://127.0.0.1:8000"
        ),
    )
    updated_at = models.DateTimeField(_("modifiés le"), auto_now=True)

    class Meta:
        verbose_name = _("paramètres du certificateur")
        verbose_name_plural = _("paramètres du certificateur")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="certifier_settings_singleton")
        ]

    def __str__(self) -> str:
        return self.legal_name or str(_("Paramètres du certificateur"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> CertifierSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls(pk=1)

    @property
    def configured_url(self) -> str:
        """The public address someone configured, here or in CERTIF_PUBLIC_URL; empty if none."""
        return (self.public_url.strip() or setting_public_url()).rstrip("/")

    @property
    def base_url(self) -> str:
        # Without a configured address, the development server's: `certif serve` warns of it.
        return self.configured_url or DEFAULT_PUBLIC_URL


class Kind(models.TextChoices):
    PARCHEMIN = "parchemin", _("parchemin")
    ATTESTATION = "attestation", _("attestation de validation de bloc")
    RELEVE = "releve", _("relevé de notes")
    PV = "pv", _("procès-verbal de délibération")
    CONVOCATION = "convocation", _("convocation")


class Status(models.TextChoices):
    VALID = "valid", _("valide")
    REVOKED = "revoked", _("révoqué")
    SUPERSEDED = "superseded", _("remplacé")


class DocumentArchived(Refused):
    """An archived document may not change: its content is what was handed out."""

    def __init__(self) -> None:
        super().__init__(
            "Un document délivré est archivé tel quel : son contenu ne peut plus être modifié "
            "ni supprimé. Révoquez-le ou rééditez-le."
        )


# What may still change on an archived document: its life cycle, and nothing else.
LIFE_CYCLE_FIELDS = frozenset(
    {"status", "revoked_at", "revoked_by", "revocation_reason", "superseded_by"}
)


class IssuedDocumentQuerySet(models.QuerySet["IssuedDocument"]):
    def update(self, **kwargs: Any) -> int:
        if not set(kwargs) <= LIFE_CYCLE_FIELDS:
            raise DocumentArchived()
        return super().update(**kwargs)

    def erase_personal_content(self) -> int:
        """The one exception to the archive's immutability, for data protection (certif.privacy:
        a candidate's anonymisation, the retention of convocations): the holder's name, the
        printed data and the PDF go; the number, kind, title, dates, state and SHA-256 stay, so
        that the document is still verified, and a copy the holder kept still matches."""
        return super().update(holder_name="", data={}, pdf=b"")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DocumentArchived()


class ContentErased(Gone):
    """The PDF of a document whose holder's data was erased (anonymisation, retention)."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "Le contenu de ce document a été effacé au titre de la protection des données "
                "personnelles ; son numéro se vérifie toujours, et une copie conservée par son "
                "titulaire garde son empreinte."
            )
        )


class IssuedDocument(models.Model):
    public_id = models.CharField(
        _("numéro du document"), max_length=PUBLIC_ID_LENGTH, unique=True, default=new_public_id
    )
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices)
    # The subject the document is about: one valid document per subject at a time.
    subject = models.CharField(_("objet"), max_length=128)
    candidate = OptionalLink(Candidate, _("candidat"), related_name="documents")
    session = models.ForeignKey(
        ExamSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="documents"
    )
    deliberation = OptionalLink(Deliberation, _("délibération"), related_name="documents")
    block_code = models.CharField(_("bloc"), max_length=32, blank=True)
    title = models.CharField(_("intitulé"), max_length=500)
    holder_name = models.CharField(_("titulaire"), max_length=255, blank=True)
    issued_at = models.DateTimeField(_("délivré le"))
    issued_by = ActorField(_("délivré par"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    pdf = models.BinaryField(_("fichier PDF"))
    data: models.JSONField[Any, Any] = models.JSONField(_("données imprimées"))
    status = models.CharField(
        _("état"), max_length=16, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = ActorField(_("révoqué par"))
    revocation_reason = models.TextField(_("motif de la révocation"), blank=True)
    replaces = OptionalLink("self", _("remplace"))
    superseded_by = OptionalLink("self", _("remplacé par"))

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document délivré")
        verbose_name_plural = _("documents délivrés")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(status="valid"),
                name="one_valid_document_per_subject",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked")
                | (models.Q(revoked_at__isnull=False) & ~models.Q(revocation_reason="")),
                name="revocation_is_dated_and_motivated",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "kind", "status"], name="document_session_kind"),
            models.Index(fields=["subject", "issued_at"], name="document_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= LIFE_CYCLE_FIELDS:
                raise DocumentArchived()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DocumentArchived()

    @property
    def is_valid(self) -> bool:
        return self.status == Status.VALID

    @property
    def shown_to_candidate(self) -> bool:
        """A candidate sees their convocations, and the documents of a jury's decision once
        that decision is published to them (not before, even if already produced)."""
        if self.status != Status.VALID:
            return False
        if self.kind == Kind.CONVOCATION:
            return True
        return self.deliberation is not None and self.deliberation.published_at is not None

    def pdf_bytes(self) -> bytes:
        """The archived PDF; ``ContentErased`` once data protection erased it."""
        content = bytes(self.pdf)
        if not content:
            raise ContentErased()
        return content

    def may_be_downloaded_by(self, user: Any) -> bool:
        """Gestionnaires download every document, jury members the minutes, a candidate their
        own documents as far as they are shown to them; the pages and the API share this rule."""
        if has_role(user, Role.STAFF):
            return True
        if self.kind == Kind.PV and has_role(user, *JURY):
            return True
        return (
            has_role(user, Role.CANDIDATE)
            and self.candidate is not None
            and self.candidate.user_id == user.pk
            and self.shown_to_candidate
        )

    @property
    def number(self) -> str:
        """The public id in groups of four, as printed: « ABCD-EFGH-IJKL-MNOP »."""
        return format_number(self.public_id)


# Base32 has no 0, 1 nor 8: read from paper, they can only be O, I and B.
MISREAD = str.maketrans({"0": "O", "1": "I", "8": "B"})
BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def normalise_number(text: str) -> str:
    """A document's number as a person types or prints it — « abcd-efgh ijkl–mnop », with its
    dashes, spaces, in any case — as stored: the one place where it is read."""
    kept = "".join(char for char in text if char.isalnum())
    return kept.upper().translate(MISREAD)


def is_public_id(text: str) -> bool:
    return len(text) == PUBLIC_ID_LENGTH and set(text) <= BASE32


def format_number(public_id: str) -> str:
    return "-".join(public_id[i : i + 4] for i in range(0, len(public_id), 4))
