"""Partners (organismes de formation habilités), their habilitations and the life of each,
the exports of the list owed to France compétences, the controls (audits) of a partner, and
the accounts of a partner's staff.

The rules are the domain's (``certif.domain.partners``): a stored habilitation is turned into
the domain's immutable :class:`~certif.domain.partners.habilitations.Habilitation` by
``to_domain`` and every change is checked there before it is recorded here.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.core.fields import ActorField
from certif.core.vocabulary import choices
from certif.domain.partners.habilitations import (
    ACTION_LABELS,
    NATURE_LABELS,
    STATE_LABELS,
    Action,
    Amendment,
    Nature,
    Scope,
    State,
    Terms,
    Transition,
)
from certif.domain.partners.habilitations import (
    Habilitation as DomainHabilitation,
)
from certif.domain.partners.partner import LEGAL_NAME_MAX
from certif.domain.partners.registrations import QUALIOPI_MAX
from certif.domain.partners.siret import SIRET_LENGTH

NATURE_CHOICES = choices((code.value, label) for code, label in NATURE_LABELS.items())
ACTION_CHOICES = choices((code.value, label) for code, label in ACTION_LABELS.items())
STATE_CHOICES = choices((code.value, label) for code, label in STATE_LABELS.items())
# Days before a Qualiopi certificate's expiry from which the dashboard warns.
QUALIOPI_WARNING_DAYS = 90


class Partner(models.Model):
    siret = models.CharField(_("SIRET"), max_length=SIRET_LENGTH, unique=True)
    legal_name = models.CharField(_("raison sociale"), max_length=LEGAL_NAME_MAX)
    nda = models.CharField(_("numéro de déclaration d'activité"), max_length=11, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    qualiopi_number = models.CharField(
        _("certificat Qualiopi"), max_length=QUALIOPI_MAX, blank=True
    )
    qualiopi_expires_on = models.DateField(_("échéance Qualiopi"), null=True, blank=True)
    qualiopi_scope = models.CharField(
        _("périmètre Qualiopi"),
        max_length=200,
        blank=True,
        help_text=_("Actions de formation, VAE, apprentissage…"),
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("organisme partenaire")
        verbose_name_plural = _("organismes partenaires")
        ordering = ["legal_name", "siret"]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.siret})"

    def qualiopi_days_left(self, today: date) -> int | None:
        if self.qualiopi_expires_on is None:
            return None
        return (self.qualiopi_expires_on - today).days


class Habilitation(models.Model):
    """The act as signed: its initial terms. Changes are :class:`HabilitationChange` rows."""

    reference = models.CharField(_("référence"), max_length=32, unique=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="habilitations",
    )
    certification = models.CharField(_("certification"), max_length=32)
    nature = models.CharField(_("nature"), max_length=20, choices=NATURE_CHOICES)
    # Block codes separated by spaces; empty for the whole certification.
    blocks = models.CharField(_("blocs"), max_length=200, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    obligations = models.TextField(_("obligations"), blank=True)
    document_name = models.CharField(_("acte signé"), max_length=200, blank=True)
    document_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    document_size = models.PositiveIntegerField(_("taille"), null=True, blank=True)
    created_by = ActorField(on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("habilitation")
        verbose_name_plural = _("habilitations")
        ordering = ["partner__legal_name", "certification", "starts_on", "reference"]

    def __str__(self) -> str:
        return self.reference

    @property
    def block_list(self) -> list[str]:
        return self.blocks.split()

    def to_domain(self) -> DomainHabilitation:
        """The domain's habilitation, replayed from the recorded changes (prefetch
        ``changes`` and ``partner`` when reading many)."""
        terms = terms_of(self.nature, self.certification, self.blocks, self.starts_on, self.ends_on)
        transitions: list[Transition] = []
        amendments: list[Amendment] = []
        for change in self.changes.all():
            author = change.author_name or "système"
            if change.action:
                transitions.append(
                    Transition(
                        Action(change.action),
                        change.effective_on,
                        author,
                        change.reason,
                        change.recorded_on,
                    )
                )
            else:
                amended = terms_of(
                    change.nature,
                    self.certification,
                    change.blocks,
                    change.starts_on or self.starts_on,
                    change.ends_on or self.ends_on,
                )
                amendments.append(
                    Amendment(
                        amended, change.effective_on, author, change.reason, change.recorded_on
                    )
                )
        return DomainHabilitation(
            self.reference, self.partner.siret, terms, tuple(transitions), tuple(amendments)
        )

    def state_on(self, day: date) -> State:
        return self.to_domain().state_on(day)


def terms_of(nature: str, certification: str, blocks: str, starts_on: date, ends_on: date) -> Terms:
    codes = blocks.split()
    scope = Scope.of_blocks(certification, codes) if codes else Scope.whole(certification)
    return Terms(Nature(nature), scope, starts_on, ends_on)


class HabilitationChange(models.Model):
    """A change of a habilitation: a transition (``action`` set) or an avenant (``action``
    empty, the new terms in ``nature``, ``blocks``, ``starts_on``, ``ends_on``)."""

    habilitation = models.ForeignKey(Habilitation, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("changement"), max_length=20, choices=ACTION_CHOICES, blank=True)
    effective_on = models.DateField(_("date d'effet"))
    recorded_on = models.DateField(_("saisi le"))
    reason = models.TextField(_("motif"), blank=True)
    author = ActorField(on_delete=models.SET_NULL)
    author_name = models.CharField(_("auteur"), max_length=150)
    nature = models.CharField(_("nature"), max_length=20, choices=NATURE_CHOICES, blank=True)
    blocks = models.CharField(_("blocs"), max_length=200, blank=True)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("changement d'habilitation")
        verbose_name_plural = _("changements d'habilitation")
        ordering = ["habilitation", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.habilitation_id} {self.action or 'avenant'} {self.effective_on}"


class DeclarationExport(models.Model):
    """An export of the list for France compétences; once sent, marked « transmise » on the
    day it was sent, which declares the changes it could show."""

    created_at = models.DateTimeField(_("exportée le"), auto_now_add=True)
    created_by = ActorField(on_delete=models.SET_NULL)
    listed_on = models.DateField(_("liste au"))
    rows = models.PositiveIntegerField(_("lignes"))
    file_format = models.CharField(_("format"), max_length=8)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    transmitted_on = models.DateField(_("transmise le"), null=True, blank=True)
    transmitted_by = ActorField(on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("export de la liste des habilitations")
        verbose_name_plural = _("exports de la liste des habilitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.listed_on} ({self.rows})"


class PartnerMember(models.Model):
    """A person working for a partner: a partner account (role ``partenaire``) sees that
    partner's candidates only; an evaluator bound to a partner grades its delegated sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_member"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="members")

    class Meta:
        verbose_name = _("membre d'un organisme")
        verbose_name_plural = _("membres d'un organisme")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.partner_id}"


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("prévu")
    DONE = "done", _("réalisé")


class PartnerAudit(models.Model):
    """A control of a partner: planned, then done with its findings."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="audits")
    planned_on = models.DateField(_("date prévue"))
    done_on = models.DateField(_("réalisé le"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    auditor = models.CharField(_("auditeur ou auditrice"), max_length=150)
    scope = models.TextField(_("périmètre"))
    findings = models.TextField(_("constats"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contrôle")
        verbose_name_plural = _("contrôles")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.planned_on}"


class AuditAction(models.Model):
    """An action a control requires of the partner, with its due date and its follow-up."""

    audit = models.ForeignKey(PartnerAudit, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action requise"))
    due_on = models.DateField(_("échéance"))
    done_on = models.DateField(_("faite le"), null=True, blank=True)
    follow_up = models.TextField(_("suivi"), blank=True)

    class Meta:
        verbose_name = _("action requise")
        verbose_name_plural = _("actions requises")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.description[:40]} ({self.due_on})"
