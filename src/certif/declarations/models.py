"""The declaration of certified holders to the Caisse des Dépôts (CDC).

- ``Declaration``: one holder's certification, granted by a closed jury act, to declare within
  three months of the jury (Code du travail R6113-17-2); its ``technical_id`` (« idTechnique »)
  is stable: a passage rejected is sent again under the same id, an accepted one never.
- ``Flux``: one XML file as generated (validated against its schema before anyone may download
  it), then marked deposited, then answered by the CDC's processing report.
- ``FluxEntry``: a declaration in a flux, with the CDC's answer for it.
- ``CorrectionRequest``: a correction the CDC asked for (three months to answer, decree
  2024-1236).
- ``CdcSettings``: the certifier's identifiers at the CDC and the schema chosen.

Services (``certif.declarations.services``) are the only writers.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.fields import ActorField
from certif.deliberations.models import Decision

# The CDC's identifiers: 8 characters for a client, 1 to 20 for a contract (the XSD's lengths).
CLIENT_ID = RegexValidator(r"^[A-Za-z0-9]{8}$", _("8 lettres ou chiffres."))
CONTRACT_ID = RegexValidator(r"^[A-Za-z0-9]{1,20}$", _("De 1 à 20 lettres ou chiffres."))
DEFAULT_MAX_PASSAGES = 10_000
# The portal's limit per file (200,000 passages or 200 MB).
PORTAL_MAX_PASSAGES = 200_000
# Months within which a certification is declared, and a correction request answered.
DEPOSIT_MONTHS = 3


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has none (31 → 30)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


class SchemaVersion(models.TextChoices):
    V115 = "1.1.5", _("1.1.5 (reconstitué, livré avec Certif)")
    V112 = "1.1.2", _("1.1.2 (officiel)")


class CdcSettings(models.Model):
    """One row: the certifier's identifiers at the CDC and how flux are written."""

    emitter_id = models.CharField(
        _("identifiant client de l'émetteur"),
        max_length=8,
        blank=True,
        validators=[CLIENT_ID],
        help_text=_(
            "« idClient » de l'émetteur du flux : le certificateur, ou son tiers de confiance"
        ),
    )
    certifier_id = models.CharField(
        _("identifiant client du certificateur"), max_length=8, blank=True, validators=[CLIENT_ID]
    )
    contract_id = models.CharField(
        _("numéro de contrat"), max_length=20, blank=True, validators=[CONTRACT_ID]
    )
    schema = models.CharField(
        _("version du schéma"),
        max_length=8,
        choices=SchemaVersion.choices,
        default=SchemaVersion.V115,
        help_text=_(
            "Le fichier XSD du kit officiel, s'il est déposé sur le serveur et désigné par "
            "CERTIF_CDC_XSD, l'emporte."
        ),
    )
    max_passages = models.PositiveIntegerField(
        _("passages par fichier au plus"),
        default=DEFAULT_MAX_PASSAGES,
        validators=[MinValueValidator(1), MaxValueValidator(PORTAL_MAX_PASSAGES)],
    )
    updated_at = models.DateTimeField(_("modifiés le"), auto_now=True)

    class Meta:
        verbose_name = _("paramètres de la déclaration CDC")
        verbose_name_plural = _("paramètres de la déclaration CDC")

    def __str__(self) -> str:
        return str(_("Paramètres de la déclaration CDC"))

    @classmethod
    def load(cls) -> CdcSettings:
        found, _created = cls.objects.get_or_create(pk=1)
        return found

    def missing(self) -> list[str]:
        """What must be set before a flux can be generated, in French."""
        labels = {
            "emitter_id": _("identifiant client de l'émetteur"),
            "certifier_id": _("identifiant client du certificateur"),
            "contract_id": _("numéro de contrat"),
        }
        return [str(label) for name, label in labels.items() if not getattr(self, name)]


class Status(models.TextChoices):
    PENDING = "pending", _("à déclarer")
    GENERATED = "generated", _("dans un flux généré")
    DEPOSITED = "deposited", _("déposée")
    ACCEPTED = "accepted", _("acceptée")
    REJECTED = "rejected", _("rejetée")
    DELETED = "deleted", _("supprimée")


class Action(models.TextChoices):
    CREATION = "CREATION", _("création")
    SUPPRESSION = "SUPPRESSION", _("suppression")


class Declaration(models.Model):
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidat"), on_delete=models.PROTECT, related_name="declarations"
    )
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("décision du jury"),
        on_delete=models.PROTECT,
        related_name="declaration",
        help_text=_("La décision close qui a délivré la certification"),
    )
    certification_code = models.CharField(_("code de la certification"), max_length=100)
    technical_id = models.CharField(_("identifiant technique"), max_length=255, unique=True)
    granted_on = models.DateField(_("date du jury"))
    due_on = models.DateField(_("à déclarer avant le"))
    status = models.CharField(
        _("état"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    message = models.TextField(_("message de la CDC"), blank=True)
    # Superseded by a later act of the same session (an amendment): deleted at the CDC if it
    # was accepted there.
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("déclaration")
        verbose_name_plural = _("déclarations")
        ordering = ["due_on", "technical_id"]
        indexes = [models.Index(fields=["status", "due_on"], name="declaration_status_due")]

    def __str__(self) -> str:
        return self.technical_id


class Flux(models.Model):
    id = models.UUIDField(_("identifiant du flux"), primary_key=True, default=uuid.uuid4)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    certification_code = models.CharField(_("code de la certification"), max_length=100)
    schema_name = models.CharField(_("schéma"), max_length=255)
    file_name = models.CharField(_("fichier"), max_length=255)
    content = models.BinaryField(_("contenu"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    passages = models.PositiveIntegerField(_("passages"))
    generated_by = ActorField(_("généré par"))
    generated_at = models.DateTimeField(_("généré le"))
    deposited_by = ActorField(_("déposé par"))
    deposited_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    report_id = models.CharField(_("identifiant du traitement"), max_length=255, blank=True)
    report_imported_at = models.DateTimeField(_("rapport importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("flux")
        verbose_name_plural = _("flux")
        ordering = ["-generated_at", "file_name"]

    def __str__(self) -> str:
        return self.file_name


class Outcome(models.TextChoices):
    WAITING = "", _("en attente du rapport")
    ACCEPTED = "accepted", _("accepté")
    REJECTED = "rejected", _("rejeté")


class FluxEntry(models.Model):
    flux = models.ForeignKey(Flux, on_delete=models.CASCADE, related_name="entries")
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="entries")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    outcome = models.CharField(
        _("réponse de la CDC"), max_length=8, choices=Outcome.choices, blank=True
    )
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("passage d'un flux")
        verbose_name_plural = _("passages des flux")
        constraints = [
            models.UniqueConstraint(fields=["flux", "declaration"], name="one_entry_per_flux")
        ]

    def __str__(self) -> str:
        return f"{self.flux} — {self.declaration}"


class CorrectionRequest(models.Model):
    """A correction the CDC asked for on a declared holder."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("déclaration"), on_delete=models.PROTECT,
        related_name="corrections",
    )  # fmt: skip
    received_on = models.DateField(_("reçue le"))
    due_on = models.DateField(_("réponse avant le"))
    subject = models.TextField(_("objet"))
    answered_on = models.DateField(_("répondue le"), null=True, blank=True)
    recorded_by = ActorField()
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("demande de correction")
        verbose_name_plural = _("demandes de correction")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.declaration} — {self.received_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.due_on:
            self.due_on = months_after(self.received_on, DEPOSIT_MONTHS)
        super().save(*args, **kwargs)
