"""Demo data for a local trial (``certif init --demo``, used by ``make run``).

The cohort comes from the seeded generator and goes in through the same importers and
services as real data, so a demo exercises the real paths: one account per role, two graded
sessions — the first one deliberated, closed, published and its documents issued, the second
one's deliberation open — and a retake session with sheets to grade (one of them
double-marked) and its convocations.

The built-in référentiel leaves the registration mentions empty (the source gives none); a
parchemin cannot be issued without them, so the demo loads a second version carrying invented
ones (« RNCP00000 » exists nowhere) and an invented certifier.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from certif.accounts.models import ConflictKind
from certif.accounts.services import create_user, declare_conflict
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.declarations.models import CdcSettings
from certif.declarations.services import update_settings as update_cdc_settings
from certif.deliberations.models import Affiliation, Deliberation, MemberRole
from certif.deliberations.services import (
    close_deliberation,
    confirm_all_pending,
    open_deliberation,
    publish_results,
    record_member,
    recuse,
)
from certif.demo.cases import draw_demo_cases, install_case_bank
from certif.demo.deposits import install_deposits
from certif.demo.generator import DEMO_SESSIONS, DemoCohort, generate_cohort, write_csv
from certif.demo.insertion import install_answers
from certif.demo.partners import PARTNER_ACCOUNT_SIRET, install_partners
from certif.documents.models import CertifierSettings, Kind
from certif.documents.services import SettingsValues, generate, update_certifier_settings
from certif.domain.nir import with_key
from certif.domain.referential.loading import load_builtin_referential, parse_referential
from certif.domain.referential.schema import CriterionKind
from certif.domain.units import sittings
from certif.grading.forms import grid_data
from certif.grading.services import open_sheet, submit_sheet
from certif.imports.candidates import import_candidates
from certif.imports.models import ImportBatch
from certif.imports.reverting import revert_import
from certif.imports.scores import import_scores
from certif.partners.models import Partner
from certif.referential.models import Criterion, ReferentialVersion
from certif.referential.services import load_referential
from certif.results.models import CandidateResult
from certif.sessions.models import Assignment, ExamSession
from certif.sessions.services import assign_evaluator, enrol
from certif.sessions.timetable import Slot, set_timetable

# The registration mentions a certifier fills in its copy of the référentiel: invented here.
DEMO_MENTIONS = {
    'rncp_code: ""': 'rncp_code: "RNCP00000"',
    'level: ""': 'level: "5"',
    'nsf_code: ""': 'nsf_code: "313"',
    'certifier: ""': 'certifier: "Organisme certificateur de démonstration"',
    "registration_decision_date: null": "registration_decision_date: 2024-03-12",
    "registration_duration_years: null": "registration_duration_years: 5",
}
DEMO_CERTIFIER = {
    "legal_name": "Organisme certificateur de démonstration",
    "address": "1 rue de l'Exemple, 75002 Paris",
    "issue_place": "Paris",
    "signatory_name": "Claire Martin",
    "signatory_title": "Directrice de la certification",
}
DEMO_PASSWORD = "certif-demo"
DEMO_COHORT_SIZE = 60
DEMO_SEED = 2026
RETAKE_SESSION = "2027-06"
# What the demo issues for its deliberated session (the minutes come with the closing).
DELIBERATED = (Kind.PARCHEMIN, Kind.ATTESTATION, Kind.RELEVE)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    roles: tuple[Role, ...]
    first_name: str
    last_name: str
    candidate: str | None = None
    partner: str | None = None


ACCOUNTS = (
    DemoAccount("gestion", (Role.STAFF,), "Gaëlle", "Gestion"),
    DemoAccount("evaluateur", (Role.EVALUATOR,), "Étienne", "Valuateur"),
    DemoAccount("evaluatrice", (Role.EVALUATOR,), "Eva", "Second"),
    DemoAccount("presidente", (Role.JURY_PRESIDENT,), "Paule", "Président"),
    DemoAccount("jury1", (Role.JURY_MEMBER,), "Jules", "Externe"),
    DemoAccount("jury2", (Role.JURY_MEMBER,), "Inès", "Interne"),
    DemoAccount("pedagogie", (Role.PEDAGOGY,), "Pascale", "Pédagogie"),
    # The demo's certified candidate (see certif.demo.generator's borderline cases).
    DemoAccount("candidat", (Role.CANDIDATE,), "", "", candidate="C000008"),
    # The staff of the demo's first partner (certif.demo.partners).
    DemoAccount("partenaire", (Role.PARTNER,), "Claire", "Martin", partner=PARTNER_ACCOUNT_SIRET),
)


def _create_sessions(cohort: DemoCohort, version: ReferentialVersion) -> None:
    for session in cohort.sessions:
        ExamSession.objects.get_or_create(
            code=session.code,
            defaults={
                "title": f"Session {session.code}",
                "start_date": session.start,
                "end_date": session.end,
                "place": session.place,
                "referential_version": version,
            },
        )


def install_cohort(
    version: ReferentialVersion, size: int = DEMO_COHORT_SIZE, seed: int = DEMO_SEED
) -> list[str]:
    """Load a seeded cohort unless candidates already exist; return what was done."""
    if Candidate.objects.exists():
        return ["Cohorte de démonstration : déjà présente, rien à faire"]
    cohort = generate_cohort(version.referential, size, seed=seed)
    _create_sessions(cohort, version)
    with tempfile.TemporaryDirectory() as folder:
        candidates_file, scores_file = Path(folder) / "candidats.csv", Path(folder) / "notes.csv"
        write_csv(with_demo_nirs(cohort.candidates), candidates_file)
        write_csv(cohort.scores, scores_file)
        import_candidates(candidates_file)
        report = import_scores(scores_file)
    sessions = ", ".join(s.code for s in cohort.sessions)
    return [
        f"Cohorte de démonstration : {size} candidats, {report.created} notes, sessions {sessions}"
    ]


# INSEE's codes of the demo's countries of birth (the last three digits of 99xxx).
COUNTRY_CODES = {
    "Maroc": "350", "Algérie": "352", "Tunisie": "351", "Portugal": "139", "Sénégal": "341",
    "Belgique": "131", "Côte d'Ivoire": "326", "Espagne": "134", "Italie": "127",
    "Allemagne": "109", "Cameroun": "322", "Roumanie": "114",
}  # fmt: skip
# Invented identifiers at the Caisse des Dépôts, of the lengths its schema wants.
DEMO_CDC = {"emitter_id": "DEMO0001", "certifier_id": "DEMO0002", "contract_id": "DEMO2026"}


def demo_nir(numero: str, sex: str, born: str, commune_code: str | None, country: str) -> str:
    """An invented NIR that agrees with the demo identity (sex, year and month of birth,
    département and commune, or country abroad), its order number drawn from the numero, its
    key computed: valid, and nobody's."""
    _day, month, year = born.split("/")
    place = commune_code or "99" + COUNTRY_CODES.get(country, "990")
    order = int(hashlib.sha256(numero.encode()).hexdigest(), 16) % 999 + 1
    body = f"{'1' if sex == 'M' else '2'}{year[2:]}{month}{place}{order:03d}"
    return with_key(body).value


def with_demo_nirs(candidates: pl.DataFrame) -> pl.DataFrame:
    nirs = [
        demo_nir(numero, sex, born, code, country)
        for numero, sex, born, code, country in candidates.select(
            "numero", "sexe", "date_naissance", "code_commune_naissance", "pays_naissance"
        ).iter_rows()
    ]
    return candidates.with_columns(pl.Series("nir", nirs, dtype=pl.String))


def configure_demo_cdc() -> None:
    """The demo's identifiers at the CDC, unless someone already set them."""
    if CdcSettings.load().emitter_id:
        return
    update_cdc_settings(DEMO_CDC)


def install_accounts() -> dict[str, Any]:
    """One account per role (and the superuser ``admin``), created once."""
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.org", DEMO_PASSWORD)
    users: dict[str, Any] = {}
    for account in ACCOUNTS:
        user: Any = User.objects.filter(username=account.username).first()
        if user is None:
            candidate = (
                Candidate.objects.filter(numero=account.candidate).first()
                if account.candidate
                else None
            )
            if account.candidate and candidate is None:
                continue
            partner = (
                Partner.objects.filter(siret=account.partner).first() if account.partner else None
            )
            if account.partner and partner is None:
                continue
            user = create_user(
                account.username,
                password=DEMO_PASSWORD,
                roles=account.roles,
                email=f"{account.username}@example.org",
                first_name=account.first_name,
                last_name=account.last_name,
                candidate=candidate,
                partner=partner,
            )
        users[account.username] = user
    return users


def _demo_sessions() -> tuple[ExamSession, ExamSession]:
    """The cohort's two sessions, by their codes: never whatever session an import or a
    person added since, which may have no dates."""
    first, second = (ExamSession.objects.get(code=code) for code in DEMO_SESSIONS)
    return first, second


def _jury_day(session: ExamSession) -> date:
    """Two weeks after the session's last day — or today, if that is sooner and the session
    is over: a jury meets once the session is held, and closes on or after its own date."""
    assert session.end_date is not None, "the demo's sessions have their dates"
    planned = session.end_date + timedelta(days=14)
    today = timezone.localdate()
    return min(planned, today) if today >= session.end_date else planned


def _open_with_jury(session: ExamSession, users: dict[str, Any]) -> Deliberation:
    """The session's deliberation, opened by the gestionnaire, with its three members present."""
    staff = users["gestion"]
    deliberation = open_deliberation(session, staff, _jury_day(session), session.place)
    for username, role, affiliation in (
        ("presidente", MemberRole.PRESIDENT, Affiliation.EXTERNAL),
        ("jury1", MemberRole.MEMBER, Affiliation.EXTERNAL),
        ("jury2", MemberRole.MEMBER, Affiliation.INTERNAL),
    ):
        user = users[username]
        record_member(
            deliberation, staff, full_name=user.get_full_name(), role=role, affiliation=affiliation,
            user=user, occupation="Chargé(e) de clientèle confirmé(e)",
        )  # fmt: skip
    return deliberation


def _trainee(deliberation: Deliberation) -> Candidate:
    """The candidate the demo's internal jury member tutored: the second one deliberated on."""
    return (
        Candidate.objects.filter(jury_decisions__deliberation=deliberation)
        .distinct()
        .order_by("numero")[1]
    )


def _hold_first_deliberation(session: ExamSession, users: dict[str, Any]) -> None:
    """The first session deliberated to the end: the tutor of a candidate steps aside for
    them, the president confirms the proposals, closes (the minutes are archived) and the
    results are published."""
    if Deliberation.objects.filter(session=session).exists():
        return
    deliberation = _open_with_jury(session, users)
    trainee = _trainee(deliberation)
    declare_conflict(users["jury2"], trainee, ConflictKind.TRAINER, "tutrice en entreprise")
    tutor = deliberation.members.get(user=users["jury2"])
    recuse(tutor, trainee, users["gestion"], "tutrice en entreprise du candidat")
    confirm_all_pending(deliberation, users["presidente"])
    close_deliberation(deliberation, users["presidente"])
    publish_results(deliberation, users["gestion"])


def _open_second_deliberation(session: ExamSession, users: dict[str, Any]) -> None:
    """The second session's deliberation, open, with its jury present and a link of interest
    the composition check will point out (a recusal resolves it)."""
    if Deliberation.objects.filter(session=session).exists():
        return
    deliberation = _open_with_jury(session, users)
    trainee = _trainee(deliberation)
    declare_conflict(users["jury2"], trainee, ConflictKind.TRAINER, "tutrice en entreprise")


def configure_demo_certifier() -> None:
    """The certifier's identity on its documents, unless someone already set it."""
    if CertifierSettings.load().legal_name:
        return
    update_certifier_settings(SettingsValues(texts=DEMO_CERTIFIER), None)


def registered_demo_text() -> str:
    """The built-in référentiel with the demo's registration mentions filled in."""
    text = load_builtin_referential().text
    for blank, filled in DEMO_MENTIONS.items():
        if blank not in text:
            raise ValueError(f"Le référentiel livré n'a plus la mention vide « {blank} ».")
        text = text.replace(blank, filled, 1)
    return text


def load_demo_version() -> ReferentialVersion:
    loaded = parse_referential(registered_demo_text(), "ccab.yaml (démonstration)")
    return load_referential(loaded).version


def _issue_documents(session: ExamSession, kinds: tuple[Kind, ...], actor: Any) -> list[str]:
    lines = []
    for kind in kinds:
        outcome = generate(session, kind, actor)
        lines.append(
            f"  {session.code} — {kind.label} : {len(outcome.documents)}"
            + (f" ({len(outcome.refused)} refusé(s))" if outcome.refused else "")
        )
    return lines


def _plan_retake_timetable(session: ExamSession, actor: Any) -> None:
    """Two épreuves a day from the session's first day, at 9:00 and 14:00, so that the
    convocations print a time and a room."""
    if session.start_date is None:
        return
    epreuves = sittings(session.referential_version.referential)
    slots = {}
    for index, epreuve in enumerate(epreuves):
        day = session.start_date + timedelta(days=index // 2)
        starts = datetime.combine(day, time(9 if index % 2 == 0 else 14))
        slots[epreuve] = Slot(timezone.make_aware(starts), f"Salle {index % 3 + 1}")
    set_timetable(session, slots, actor)


def _prepare_retake_session(version: ReferentialVersion, users: dict[str, Any]) -> None:
    """A coming session for candidates who have a block left to validate, assigned to the
    evaluators; the first unit is double-marked."""
    if ExamSession.objects.filter(code=RETAKE_SESSION).exists():
        return
    start = _demo_sessions()[1].start_date
    session = ExamSession.objects.create(
        code=RETAKE_SESSION,
        title=f"Session {RETAKE_SESSION} (rattrapage)",
        start_date=start and start.replace(year=start.year + 1),
        end_date=start and start.replace(year=start.year + 1) + timedelta(days=4),
        place="Lyon",
        referential_version=version,
    )
    retakes: list[tuple[Candidate, list[tuple[str, str]]]] = []
    for result in CandidateResult.objects.select_related("candidate").filter(certified=False):
        units = []
        for code, block in result.decision.blocks.items():
            if block.parts:
                units += [(code, p) for p, part in block.parts.items() if not part.validated]
            elif not block.validated:
                units.append((code, ""))
        if units:
            retakes.append((result.candidate, units))
        if len(retakes) == 6:
            break
    for candidate, units in retakes:
        enrol(session, [candidate.pk], units, actor=users["gestion"])
        for block_code, part_code in units:
            assign_evaluator(
                session,
                candidate,
                block_code,
                part_code,
                users["evaluateur"],
                1,
                actor=users["gestion"],
            )
    _plan_retake_timetable(session, users["gestion"])
    if retakes:
        candidate, units = retakes[0]
        block_code, part_code = units[0]
        assign_evaluator(
            session,
            candidate,
            block_code,
            part_code,
            users["evaluatrice"],
            2,
            actor=users["gestion"],
        )
    _double_mark(session, retakes[1:], users)


# Shares of each criterion's maximum the two evaluators give on the double-marked units: the
# first a little more lenient, so the statistics page shows a severity and an alpha.
DOUBLE_MARKS = (
    (Fraction(7, 10), Fraction(6, 10)),
    (Fraction(1, 2), Fraction(1, 2)),
    (Fraction(8, 10), Fraction(65, 100)),
    (Fraction(6, 10), Fraction(55, 100)),
)


def _double_mark(
    session: ExamSession,
    retakes: list[tuple[Candidate, list[tuple[str, str]]]],
    users: dict[str, Any],
) -> None:
    """A few units of the retake double-marked and both sheets submitted: a reconciliation
    awaits, and the statistics compare the two evaluators."""
    evaluators = (users["evaluateur"], users["evaluatrice"])
    units = [(candidate, unit) for candidate, found in retakes for unit in found[:1]]
    for (candidate, (block_code, part_code)), shares in zip(units, DOUBLE_MARKS, strict=False):
        block = session.referential_version.referential.block(block_code)
        assign_evaluator(
            session, candidate, block_code, part_code, evaluators[1], 2, actor=users["gestion"]
        )
        for marker, (evaluator, share) in enumerate(zip(evaluators, shares, strict=True), 1):
            assignment = Assignment.objects.get(
                session=session,
                candidate=candidate,
                block__code=block_code,
                part=part_code,
                marker=marker,
            )
            sheet = open_sheet(assignment, actor=evaluator)
            values = {c.code: _share_of(c, share) for c in block.criteria}
            submit_sheet(sheet.pk, grid_data(values, revision=sheet.revision), actor=evaluator)


def _share_of(criterion: Any, share: Fraction) -> Any:
    """``share`` of a points criterion's maximum, to the quarter point below; « oui » for an
    oui/non criterion unless the share is under one half; the thesis' pages above its minimum."""
    if criterion.kind == CriterionKind.POINTS:
        return Decimal(math.floor(Fraction(criterion.max_points) * share * 4)) / 4
    if criterion.kind == CriterionKind.YES_NO:
        return share >= Fraction(1, 2)
    return 40


def install_demo() -> list[str]:
    """The demo, played once, on a database without candidates. Afterwards it only makes sure
    its accounts exist: what people imported, changed or deleted since is theirs, neither
    recreated nor relied upon, so a second ``make run`` starts whatever was done in between."""
    if Candidate.objects.exists():
        with transaction.atomic():
            users = install_accounts()
        return ["Démonstration déjà installée : rien n'est recréé ni modifié.", *_logins(users)]
    version = load_demo_version()
    lines = [f"Référentiel de la démonstration : {version} (mentions d'enregistrement fictives)"]
    lines += install_cohort(version)
    configure_demo_certifier()
    configure_demo_cdc()
    with transaction.atomic():
        users = install_accounts()
        first, second = _demo_sessions()
        _hold_first_deliberation(first, users)
        answers = install_answers(users["gestion"])
        _open_second_deliberation(second, users)
        _prepare_retake_session(version, users)
        lines += install_case_bank(users["gestion"])
        retake = ExamSession.objects.get(code=RETAKE_SESSION)
        lines += draw_demo_cases([second, retake], users["gestion"])
        lines += install_deposits(retake, users["pedagogie"], DEMO_PASSWORD)
        lines += install_partners(users["gestion"])
        users = install_accounts()
    lines.append(f"Enquête d'insertion : {answers} réponse(s) des titulaires à 6 mois")
    lines.append("Documents de démonstration :")
    lines += _issue_documents(first, DELIBERATED, users["gestion"])
    lines += _issue_documents(retake, (Kind.CONVOCATION,), users["gestion"])
    lines += _revert_a_typo_import(version, users["gestion"])
    return lines + _logins(users)


TYPO_SESSION = "2027-21"


def _revert_a_typo_import(version: ReferentialVersion, staff: Any) -> list[str]:
    """A scores file whose session was mistyped, imported with the box ticked, then reverted:
    the imports page lists it as reverted, and its candidate's journal tells the story."""
    criterion = (
        Criterion.objects.filter(block__version=version, kind=CriterionKind.POINTS)
        .select_related("block")
        .order_by("block__code", "code")
        .first()
    )
    candidate = Candidate.objects.order_by("numero").first()
    if criterion is None or candidate is None:
        return []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notes-decembre.csv"
        path.write_text(
            "candidat;session;bloc;partie;critere;valeur\n"
            f"{candidate.numero};{TYPO_SESSION};{criterion.block.code};;{criterion.code};1\n",
            encoding="utf-8",
        )
        report = import_scores(path, create_sessions=True, include_validated=True, actor=staff)
    if report.batch_id is None:  # nothing written: the value was already there
        return []
    batch = ImportBatch.objects.get(pk=report.batch_id)
    revert_import(
        batch, {"motif": f"Session mal saisie : {TYPO_SESSION} au lieu de 2027-12"}, staff
    )
    return [f"Import n° {batch.pk} dans une session mal saisie ({TYPO_SESSION}), annulé"]


def _logins(users: dict[str, Any]) -> list[str]:
    lines = [f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} » pour tous) :"]
    lines.append("  admin — administrateur (toutes les fonctions et l'administration Django)")
    for account in ACCOUNTS:
        if account.username in users:
            roles = ", ".join(role.label for role in account.roles)
            detail = (
                f" ({account.candidate or account.partner})"
                if account.candidate or account.partner
                else ""
            )
            lines.append(f"  {account.username} — {roles}{detail}")
    return lines
