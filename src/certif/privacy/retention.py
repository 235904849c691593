"""What the retention periods (settings.RETENTION, docs/rgpd.md) designate today, kind by kind.

Each kind is a query, so that a dry run and the purge itself count the same rows:

- ``nir``: NIRs of holders whose every passage the Caisse des Dépôts accepted at least
  ``nir_days`` ago (nothing left to declare or correct), and of candidates never to be declared
  (nothing certified) whose last activity is older than ``identity_years``;
- ``flux``: declaration files sent to the CDC (they hold NIRs in clear), once every passage in
  them has its answer since ``nir_days``;
- ``identity``: candidates who validated nothing (no unit validated by a closed jury, nothing
  declared), inactive for ``identity_years``: anonymised;
- ``sheets``: score sheets unchanged for ``sheets_years``, once no deliberation of their
  session is open (the jury's decisions keep the scores they decided on);
- ``deposits``: files candidates deposited (mémoires, written supports), ``deposits_years``
  after the later of their deposit and the last closure of a deliberation of their session,
  once none is open (the file is the evidence of what the jury judged); the records stay, as on
  anonymisation (``certif.privacy.deposit_files``);
- ``documents``: contents of convocations issued ``documents_years`` ago (the proofs of a
  certification — parchemins, attestations, relevés, minutes — are kept for life);
- ``journal``: journal entries older than ``journal_years``.

Never touched: a document's number, title, dates, state and SHA-256 (the verification of any
issued document answers as before), the jury's decisions, the statistics' rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import DateTimeField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from certif.candidates.models import Candidate
from certif.config import Retention
from certif.core.models import AuditEvent
from certif.declarations.models import Flux, FluxEntry, Outcome
from certif.declarations.models import Status as DeclarationStatus
from certif.deliberations.models import Deliberation, State, UnitStatus
from certif.documents.models import IssuedDocument, Kind
from certif.grading.models import ScoreSheet
from certif.sessions.models import Enrolment
from certif.submissions.models import Deposit

KINDS = ("nir", "flux", "identity", "sheets", "deposits", "documents", "journal")
KIND_LABELS = {
    "nir": "NIR effacés",
    "flux": "fichiers de déclaration à la CDC vidés",
    "identity": "candidats anonymisés",
    "sheets": "grilles d'évaluation supprimées (avec leurs notes et leur historique)",
    "deposits": "fichiers déposés effacés (mémoires, supports écrits ; leur trace gardée)",
    "documents": "convocations vidées de leur contenu (numéro et empreinte gardés)",
    "journal": "entrées du journal supprimées",
}
# Declarations the CDC has not settled yet: their holder's NIR is still needed.
UNSETTLED = (
    DeclarationStatus.PENDING,
    DeclarationStatus.GENERATED,
    DeclarationStatus.DEPOSITED,
    DeclarationStatus.REJECTED,
)
YEAR = timedelta(days=365)


def years_before(now: datetime, years: int) -> datetime:
    return now - years * YEAR


def _last_activity() -> Greatest:
    """A candidate's last trace: their creation, latest enrolment or latest sheet change."""
    enrolled = Enrolment.objects.filter(candidate=OuterRef("pk")).order_by("-created_at")
    graded = ScoreSheet.objects.filter(candidate=OuterRef("pk")).order_by("-updated_at")
    return Greatest(
        "created_at",
        Coalesce(Subquery(enrolled.values("created_at")[:1]), "created_at"),
        Coalesce(Subquery(graded.values("updated_at")[:1]), "created_at"),
        output_field=DateTimeField(),
    )


def _holding_something() -> Q:
    """Candidates whose identity is kept for life: a unit validated by a closed jury, a
    certification, or a declaration to the CDC."""
    return (
        Q(
            jury_decisions__status=UnitStatus.VALIDATED,
            jury_decisions__deliberation__status=State.CLOSED,
        )
        | Q(result__certified=True)
        | Q(declarations__isnull=False)
    )


def _in_open_deliberation() -> Q:
    return Q(jury_decisions__deliberation__status=State.OPEN)


def nirs(retention: Retention, now: datetime) -> QuerySet[Candidate]:
    settled_before = now - timedelta(days=retention.nir_days)
    accepted = (
        FluxEntry.objects.filter(
            declaration__candidate=OuterRef("pk"),
            outcome=Outcome.ACCEPTED,
            flux__report_imported_at__isnull=False,
        )
        .order_by("-flux__report_imported_at")
        .values("flux__report_imported_at")[:1]
    )
    declared = (
        Candidate.objects.exclude(nir="")
        .filter(declarations__isnull=False)
        .exclude(declarations__status__in=UNSETTLED)
        .annotate(accepted_at=Subquery(accepted))
        .filter(accepted_at__lte=settled_before)
    )
    never_declared = inactive(retention, now).exclude(nir="")
    ids = set(declared.values_list("pk", flat=True)) | set(
        never_declared.values_list("pk", flat=True)
    )
    return Candidate.objects.filter(pk__in=ids)


def fluxes(retention: Retention, now: datetime) -> QuerySet[Flux]:
    answered_before = now - timedelta(days=retention.nir_days)
    return (
        Flux.objects.filter(report_imported_at__lte=answered_before)
        .exclude(content=b"")
        .exclude(entries__outcome=Outcome.WAITING)
        .order_by()
    )


def inactive(retention: Retention, now: datetime) -> QuerySet[Candidate]:
    """Candidates who validated nothing and have left no trace for ``identity_years``, not
    yet anonymised."""
    holding = Candidate.objects.filter(_holding_something() | _in_open_deliberation())
    return (
        Candidate.objects.filter(anonymisation__isnull=True)
        .exclude(pk__in=holding.values("pk"))
        .annotate(last_activity=_last_activity())
        .filter(last_activity__lte=years_before(now, retention.identity_years))
    )


def sheets(retention: Retention, now: datetime) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.filter(
        updated_at__lte=years_before(now, retention.sheets_years)
    ).exclude(session__deliberations__status=State.OPEN)


def _judged_at() -> Greatest:
    """When a deposit was last judged: the latest closure of a deliberation of its session
    (an amendment closed later counts), or its deposit if later or if no jury closed yet."""
    closed = (
        Deliberation.objects.filter(session=OuterRef("session"), status=State.CLOSED)
        .order_by("-closed_at")
        .values("closed_at")[:1]
    )
    return Greatest(
        "deposited_at",
        Coalesce(Subquery(closed), "deposited_at"),
        output_field=DateTimeField(),
    )


def deposits(retention: Retention, now: datetime) -> QuerySet[Deposit]:
    """Deposits whose file is still held (anonymisation and the purge clear the file's name
    with the file) and whose period is over, no deliberation of their session being open."""
    return (
        Deposit.objects.exclude(original_name="")
        .exclude(session__deliberations__status=State.OPEN)
        .annotate(judged_at=_judged_at())
        .filter(judged_at__lte=years_before(now, retention.deposits_years))
    )


def documents(retention: Retention, now: datetime) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(
        kind=Kind.CONVOCATION,
        issued_at__lte=years_before(now, retention.documents_years),
    ).exclude(holder_name="")


def journal(retention: Retention, now: datetime) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(at__lte=years_before(now, retention.journal_years))


def counts(retention: Retention, now: datetime) -> dict[str, int]:
    """How many rows of each kind a purge would delete or anonymise at ``now``; a candidate
    anonymised loses their NIR and deposited files with the rest, and is counted once, as an
    identity."""
    anonymised = set(inactive(retention, now).values_list("pk", flat=True))
    return {
        "nir": nirs(retention, now).exclude(pk__in=anonymised).count(),
        "flux": fluxes(retention, now).count(),
        "identity": len(anonymised),
        "sheets": sheets(retention, now).count(),
        "deposits": deposits(retention, now).exclude(candidate_id__in=anonymised).count(),
        "documents": documents(retention, now).count(),
        "journal": journal(retention, now).count(),
    }
