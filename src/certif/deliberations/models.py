"""Jury deliberations: who sat, what the engine proposed, what the jury decided.

The engine's decisions are only proposals; the jury is sovereign. A deliberation copies
the proposals when it opens (they never move afterwards, whatever happens to the scores),
records each decision of the jury and, once closed, is immutable: a later change is a new
act (an amendment) with its own written reason.

Services (``certif.deliberations.services``) are the only writers. The guards below are a
second line of defence: saving, updating or deleting anything that belongs to a closed
deliberation raises ``DeliberationClosed``, whoever tries.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.errors import Forbidden, Refused
from certif.core.fields import ActorField, OptionalLink
from certif.core.vocabulary import lazy_label
from certif.domain.rules.explain import STATUS_LABELS
from certif.domain.rules.results import Status
from certif.domain.units import CERTIFICATION as UNIT_CERTIFICATION
from certif.sessions.models import ExamSession

# The unit of a decision on the certification itself (the other units are block codes).
CERTIFICATION = UNIT_CERTIFICATION


class DeliberationError(Refused):
    """A refused operation on a deliberation; the message says why, in French."""


class DeliberationForbidden(Forbidden, DeliberationError):
    """The person may not do this to this jury (a policy of ``deliberations.policies``)."""


class DeliberationClosed(DeliberationError):
    def __init__(self, deliberation: Deliberation | None = None) -> None:
        which = f" n° {deliberation.number}" if deliberation is not None else ""
        super().__init__(
            f"La délibération{which} est close : elle ne peut plus être modifiée. "
            "Toute modification passe par un acte modificatif motivé."
        )


class Kind(models.TextChoices):
    INITIAL = "initial", _("délibération initiale")
    AMENDMENT = "amendment", _("acte modificatif")


class State(models.TextChoices):
    OPEN = "open", _("ouverte")
    CLOSED = "closed", _("close")


class UnitStatus(models.TextChoices):
    """The engine's statuses (``certif.domain.rules.results.Status``), with their French names."""

    VALIDATED = Status.VALIDATED.value, lazy_label(STATUS_LABELS[Status.VALIDATED])
    NOT_VALIDATED = Status.NOT_VALIDATED.value, lazy_label(STATUS_LABELS[Status.NOT_VALIDATED])
    INCOMPLETE = Status.INCOMPLETE.value, lazy_label(STATUS_LABELS[Status.INCOMPLETE])
    NOT_ASSESSED = Status.NOT_ASSESSED.value, lazy_label(STATUS_LABELS[Status.NOT_ASSESSED])


# What the jury may decide when it does not follow the proposal.
JURY_STATUSES = (UnitStatus.VALIDATED, UnitStatus.NOT_VALIDATED)


class Resolution(models.TextChoices):
    PENDING = "pending", _("à décider")
    CONFIRMED = "confirmed", _("proposition confirmée")
    OVERRIDDEN = "overridden", _("décision modifiée par le jury")
    # Validated by the closed act of an earlier session: acquired for life, not decided again.
    ACQUIRED = "acquired", _("acquis")
    # Not assessed, or waiting for its marks: a jury decides « validé » or « non validé » only.
    WITHOUT_DECISION = "without", _("sans décision")


# Resolutions that leave nothing for this jury to decide.
SETTLED = (Resolution.ACQUIRED, Resolution.WITHOUT_DECISION)
# What a unit without decision reads, by what was proposed.
WITHOUT_DECISION_LABELS = {
    Status.NOT_ASSESSED.value: _("non présenté"),
    Status.INCOMPLETE.value: _("en attente de notes"),
}


class MemberRole(models.TextChoices):
    PRESIDENT = "president", _("président ou présidente")
    MEMBER = "member", _("membre")


class Affiliation(models.TextChoices):
    INTERNAL = "internal", _("interne au certificateur")
    EXTERNAL = "external", _("extérieur au certificateur")


# The only fields a closed deliberation may still receive, once: its publication.
PUBLICATION_FIELDS = frozenset({"published_at", "published_by"})


class DeliberationQuerySet(models.QuerySet["Deliberation"]):
    def update(self, **kwargs: Any) -> int:
        if set(kwargs) <= PUBLICATION_FIELDS:
            if self.filter(status=State.CLOSED, published_at__isnull=False).exists():
                raise DeliberationClosed()
        elif self.filter(status=State.CLOSED).exists():
            raise DeliberationClosed()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status=State.CLOSED).exists():
            raise DeliberationClosed()
        return super().delete()


class Deliberation(models.Model):
    session = models.ForeignKey(
        ExamSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="deliberations",
    )
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices, default=Kind.INITIAL)
    number = models.PositiveSmallIntegerField(_("numéro"))
    status = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.OPEN)
    date = models.DateField(_("date de la délibération"))
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    reason = models.TextField(_("motif de l'acte modificatif"), blank=True)
    opened_by = ActorField(_("ouverte par"))
    opened_at = models.DateTimeField(_("ouverte le"))
    closed_by = ActorField(_("close par"))
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    published_by = ActorField(_("résultats publiés par"))
    published_at = models.DateTimeField(_("résultats publiés le"), null=True, blank=True)
    digest = models.CharField(
        _("empreinte SHA-256 du procès-verbal"),
        max_length=64,
        blank=True,
        help_text=_("Calculée à la clôture sur le contenu du procès-verbal"),
    )

    objects = DeliberationQuerySet.as_manager()

    class Meta:
        verbose_name = _("délibération")
        verbose_name_plural = _("délibérations")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="deliberation_number"),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(kind="initial"),
                name="one_initial_deliberation_per_session",
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(status="open"),
                name="one_open_deliberation_per_session",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (models.Q(closed_at__isnull=False) & ~models.Q(digest="")),
                name="closed_deliberation_has_date_and_digest",
            ),
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(status="closed"),
                name="only_closed_deliberations_are_published",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="initial") | ~models.Q(reason=""),
                name="amendment_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session.code} — {self.get_kind_display()} n° {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = (
                type(self).objects.filter(pk=self.pk).values_list("status", "published_at").first()
            )
            if stored is not None and stored[0] == State.CLOSED:
                update_fields = kwargs.get("update_fields")
                publishing = update_fields is not None and set(update_fields) <= PUBLICATION_FIELDS
                if not publishing or stored[1] is not None:
                    raise DeliberationClosed(self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if type(self).objects.filter(pk=self.pk, status=State.CLOSED).exists():
            raise DeliberationClosed(self)
        return super().delete(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == State.CLOSED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class _Part(models.Model):
    """A part of a deliberation (a member, a decision, a recusal): saving or deleting one of a
    closed deliberation is refused."""

    deliberation_id: int | None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refuse_if_closed()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self.refuse_if_closed()
        return super().delete(*args, **kwargs)

    def refuse_if_closed(self) -> None:
        if self.deliberation_id is not None and (
            Deliberation.objects.filter(pk=self.deliberation_id, status=State.CLOSED).exists()
        ):
            raise DeliberationClosed()


class _PartQuerySet(models.QuerySet[Any]):
    """Updates and deletes of the parts of a closed deliberation are refused."""

    closed_lookup = "deliberation__status"

    def update(self, **kwargs: Any) -> int:
        if self.filter(**{self.closed_lookup: State.CLOSED}).exists():
            raise DeliberationClosed()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(**{self.closed_lookup: State.CLOSED}).exists():
            raise DeliberationClosed()
        return super().delete()


class JuryMemberQuerySet(_PartQuerySet):
    pass


class DecisionQuerySet(_PartQuerySet):
    pass


class RecusalQuerySet(_PartQuerySet):
    closed_lookup = "member__deliberation__status"


class JuryMember(_Part):
    deliberation = models.ForeignKey(
        Deliberation,
        verbose_name=_("délibération"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    user = OptionalLink(settings.AUTH_USER_MODEL, _("compte"), related_name="jury_seats")
    full_name = models.CharField(_("nom et prénom"), max_length=150)
    role = models.CharField(
        _("rôle dans le jury"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    affiliation = models.CharField(_("rattachement"), max_length=16, choices=Affiliation.choices)
    occupation = models.CharField(
        _("qualité"),
        max_length=255,
        blank=True,
        help_text=_("Fonction ou qualité professionnelle, telle qu'elle figurera au procès-verbal"),
    )
    present = models.BooleanField(_("présent"), default=True)
    added_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    objects = JuryMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre du jury")
        verbose_name_plural = _("membres du jury")
        # "president" sorts after "member": descending puts the president first.
        ordering = ["deliberation", "-role", "full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "user"],
                condition=models.Q(user__isnull=False),
                name="one_seat_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    @property
    def is_president(self) -> bool:
        return self.role == MemberRole.PRESIDENT

    @property
    def is_external(self) -> bool:
        return self.affiliation == Affiliation.EXTERNAL


class Recusal(_Part):
    """A member who does not deliberate on one candidate (a link of interest, or by choice)."""

    member = models.ForeignKey(
        JuryMember, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="recusals"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidat"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("récusé le"), auto_now_add=True)

    objects = RecusalQuerySet.as_manager()

    class Meta:
        verbose_name = _("récusation")
        verbose_name_plural = _("récusations")
        constraints = [
            models.UniqueConstraint(fields=["member", "candidate"], name="one_recusal_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.member.full_name} — {self.candidate.numero}"

    def refuse_if_closed(self) -> None:
        if Deliberation.objects.filter(members=self.member_id, status=State.CLOSED).exists():
            raise DeliberationClosed()


class Decision(_Part):
    """The jury's decision on one unit (a block, or the certification) of one candidate.

    The ``proposed_*`` fields, ``explanation``, ``snapshot`` and ``borderline`` are the engine's
    proposal copied when the deliberation opened: they never change afterwards.
    """

    deliberation = models.ForeignKey(
        Deliberation,
        verbose_name=_("délibération"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidat"),
        on_delete=models.PROTECT,
        related_name="jury_decisions",
    )
    unit = models.CharField(
        _("objet"), max_length=32, help_text=_("Code du bloc, ou CERT pour la certification")
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    proposed_status = models.CharField(_("proposition"), max_length=16, choices=UnitStatus.choices)
    proposed_score = models.CharField(_("note proposée"), max_length=255, blank=True)
    explanation = models.TextField(_("explication de la proposition"), blank=True)
    snapshot: models.JSONField[Any, Any] = models.JSONField(
        _("décision du moteur à l'ouverture"), default=dict
    )
    borderline = models.BooleanField(_("note limite"), default=False)
    previous = OptionalLink("self", _("décision antérieure"))
    acquired_from = OptionalLink(
        "self",
        _("acquis par la décision"),
        help_text=_("La décision d'un jury antérieur qui a validé cette unité, acquise à vie"),
    )
    resolution = models.CharField(
        _("suite donnée"), max_length=16, choices=Resolution.choices, default=Resolution.PENDING
    )
    status = models.CharField(
        _("décision du jury"), max_length=16, choices=UnitStatus.choices, blank=True
    )
    justification = models.TextField(_("justification"), blank=True)
    decided_by = ActorField(_("décidée par"))
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision du jury")
        verbose_name_plural = _("décisions du jury")
        ordering = ["deliberation", "candidate", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "candidate", "unit"], name="one_decision_per_unit"
            ),
            models.CheckConstraint(
                condition=~models.Q(resolution="overridden") | ~models.Q(justification=""),
                name="override_is_justified",
            ),
            models.CheckConstraint(
                condition=models.Q(resolution__in=["pending", "without"]) | ~models.Q(status=""),
                name="decided_has_a_status",
            ),
            models.CheckConstraint(
                condition=~models.Q(resolution="acquired")
                | (models.Q(acquired_from__isnull=False) & models.Q(status="validated")),
                name="acquired_is_validated_by_an_earlier_act",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate.numero} — {self.unit} — {self.get_resolution_display()}"

    @property
    def is_certification(self) -> bool:
        return self.unit == CERTIFICATION

    @property
    def is_decided(self) -> bool:
        return self.resolution != Resolution.PENDING

    @property
    def is_settled(self) -> bool:
        """Acquired from an earlier act, or without a decision: nothing to decide here."""
        return self.resolution in SETTLED

    @property
    def effective_status(self) -> str:
        """The jury's decision once taken, the proposal until then (and for a unit without
        decision, what was proposed: not assessed, or incomplete)."""
        if self.resolution in (Resolution.PENDING, Resolution.WITHOUT_DECISION):
            return self.proposed_status
        return self.status
