"""Every operation of the API, for every role: the roles it admits get through, every other
role gets 403, a caller without credentials 401, both as problem details."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from certif.api.api import api
from certif.candidates.models import Candidate
from certif.casebank.models import Draw
from certif.core.roles import JURY, Role
from certif.declarations.models import Flux
from certif.deliberations import services
from certif.deliberations.models import Deliberation, JuryMember, MemberRole, Recusal
from certif.deposits.storage import store_stream
from certif.documents.models import IssuedDocument, Kind
from certif.domain.referential.schema import Referential
from certif.grading.models import ScoreSheet
from certif.grading.services import open_sheet
from certif.imports.models import ImportBatch
from certif.referential.models import Block, ReferentialVersion
from certif.sessions import timetable
from certif.sessions.models import Assignment, Enrolment, ExamSession
from certif.submissions.models import Deposit, Subject
from certif.submissions.queries import store_folder
from tests.deposits.pdfs import pdf_bytes
from tests.support.api import Api, problem
from tests.support.casebank import opened_draw
from tests.support.deliberations import seat
from tests.support.grading import full_marks, submitted
from tests.support.partners import default_partner

pytestmark = pytest.mark.django_db

READERS = (Role.STAFF, Role.EVALUATOR, *JURY)
STAFF = (Role.STAFF,)
JURY_READERS = (Role.STAFF, *JURY)
OPENERS = (Role.STAFF,)
# Gestionnaires, and the president seated on that jury (``world.president``).
GOVERNORS = (Role.STAFF, Role.JURY_PRESIDENT)
# Gestionnaires, and the partner's own accounts (``world.partner``, whose candidate is C001).
PARTNER_READERS = (Role.STAFF, Role.PARTNER)


@dataclass(frozen=True)
class Call:
    method: str
    template: str
    allowed: tuple[Role, ...]
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # Open to anyone, without credentials (the public check of a document).
    public: bool = False
    # Path parameters other than those of ``concrete`` (the double-marked unit's).
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class World:
    version: ReferentialVersion
    assignment: Assignment
    sheet: ScoreSheet
    deliberation: Deliberation
    member: JuryMember
    recusal: Recusal
    evaluator: AbstractUser
    president: AbstractUser
    juror: AbstractUser
    candidate: Candidate
    document: IssuedDocument
    flux: Flux
    deposit: Deposit
    subject: Subject


@pytest.fixture
def world(
    session: ExamSession,
    make_user: Callable[..., AbstractUser],
    candidates: list[Candidate],
    ccab: Referential,
) -> World:
    """A session with scores and its open deliberation (a seated president and member, a
    recused one), and an evaluator's sheet in another session, where a double-marked unit
    (the evaluator its first marker) awaits its agreed sheet."""
    staff = make_user(Role.STAFF)
    evaluator = make_user(Role.EVALUATOR)
    president = make_user(Role.JURY_PRESIDENT)
    juror = make_user(Role.JURY_MEMBER)
    version = session.referential_version
    grading = ExamSession.objects.create(code="2026-09", referential_version=version)
    b1 = Block.objects.get(version=version, code="B1")
    Enrolment.objects.create(session=grading, candidate=candidates[0], block=b1)
    assignment = Assignment.objects.create(
        session=grading, candidate=candidates[0], block=b1, evaluator=evaluator
    )
    b2 = Block.objects.get(version=version, code="B2")
    Enrolment.objects.create(session=grading, candidate=candidates[0], block=b2)
    double = [
        Assignment.objects.create(
            session=grading, candidate=candidates[0], block=b2, evaluator=marked_by, marker=marker
        )
        for marker, marked_by in enumerate((evaluator, make_user(Role.EVALUATOR)), start=1)
    ]
    for marking in double:
        submitted(marking, full_marks(ccab, "B2"))
    deliberation = services.open_deliberation(session, staff, date(2026, 7, 1))
    seat(deliberation, president, MemberRole.PRESIDENT)
    seat(deliberation, juror)
    other = seat(deliberation, None, name="Sans Compte")
    recusal = services.recuse(other, candidates[1], None, "lien")
    # C001 was prepared by the partner that partner accounts are bound to.
    Candidate.objects.filter(pk=candidates[0].pk).update(partner=default_partner())
    # A convocation: shown to its candidate with no deliberation published.
    document = IssuedDocument.objects.create(
        kind=Kind.CONVOCATION,
        subject="convocation:C001",
        candidate=candidates[0],
        session=session,
        title="Convocation",
        issued_at=timezone.now(),
        sha256="0" * 64,
        pdf=b"%PDF",
        data={},
    )
    flux = Flux.objects.create(
        action="CREATION", certification_code="RNCP00000", schema_name="1.1.5",
        file_name="cdc.xml", content=b"<flux/>", sha256="0" * 64, size=7, passages=0,
        generated_at=timezone.now(),
    )  # fmt: skip
    opened_draw(grading)  # a case drawn for the double-marked B2, its épreuve started
    deposit, subject = deposit_and_subject(session, candidates[0], evaluator)
    return World(
        deposit=deposit,
        subject=subject,
        flux=flux,
        document=document,
        version=version,
        assignment=assignment,
        sheet=open_sheet(assignment, evaluator),
        deliberation=deliberation,
        member=other,
        recusal=recusal,
        evaluator=evaluator,
        president=president,
        juror=juror,
        candidate=candidates[0],
    )


def deposit_and_subject(
    session: ExamSession, candidate: Candidate, evaluator: AbstractUser
) -> tuple[Deposit, Subject]:
    """C001's B1 support in 2026-06, which the evaluator grades; her proposed subject."""
    b1 = Block.objects.get(version=session.referential_version, code="B1")
    Assignment.objects.create(session=session, candidate=candidate, block=b1, evaluator=evaluator)
    stored = store_stream([pdf_bytes(1)], store_folder(), max_bytes=2**20, shown_name="s.pdf")
    deposit = Deposit.objects.create(
        candidate=candidate, session=session, deliverable="B1Support", version=1,
        original_name="s.pdf", sha256=stored.sha256, size=stored.size, page_count=1,
        deposited_at=timezone.now(),
    )  # fmt: skip
    subject = Subject.objects.create(
        candidate=candidate, title="T", problem="P", outline="O", proposed_at=timezone.now()
    )
    return deposit, subject


REASON = "Une erreur dans le nom de naissance."


def calls(world: World) -> list[Call]:
    sheet_tag = {"If-Match": f'"{world.sheet.revision}"'}
    planned = timetable.timetable(ExamSession.objects.get(code="2026-06"))
    timetable_tag = {"If-Match": f'"{planned.fingerprint}"'}
    d = "/deliberations/{deliberation_id}"
    unit = "/sessions/{code}/candidates/{numero}/blocks/{block}"
    double = {"code": "2026-09", "block": "B2"}
    markers = (Role.STAFF, Role.EVALUATOR)
    return [
        Call("GET", "/referential/versions", READERS),
        Call("GET", "/referential/current", READERS),
        Call("GET", "/referential/versions/{version_id}", READERS),
        Call("GET", "/candidates", STAFF),
        Call(
            "POST",
            "/candidates",
            STAFF,
            {"numero": "C900", "birth_name": "N", "first_name": "P", "birth_date": "1990-01-01"},
        ),
        Call(
            "POST",
            "/candidates:bulk",
            STAFF,
            {
                "rows": [
                    {
                        "numero": "C901",
                        "nom_naissance": "N",
                        "prenoms": "P",
                        "date_naissance": "1990-01-01",
                    }
                ]
            },
        ),
        Call("GET", "/candidates/{numero}", STAFF),
        Call("PATCH", "/candidates/{numero}", STAFF, {"usage_name": "Durand"}),
        Call("GET", "/candidates/{numero}/result", STAFF),
        Call("POST", "/candidates/{numero}/nir", STAFF),
        Call("GET", "/sessions", STAFF),
        Call("POST", "/sessions", STAFF, {"code": "2027-01"}),
        Call("GET", "/sessions/{code}", STAFF),
        Call("PATCH", "/sessions/{code}", STAFF, {"place": "Lyon"}),
        Call("GET", "/sessions/{code}/enrolments", STAFF),
        Call(
            "POST",
            "/sessions/{code}/enrolments",
            STAFF,
            {"candidates": ["C001"], "units": [{"block": "B2"}]},
        ),
        Call("GET", "/sessions/{code}/units", STAFF),
        Call("GET", "/sessions/{code}/timetable", STAFF),
        Call("PUT", "/sessions/{code}/timetable", STAFF, {"epreuves": []}, timetable_tag),
        Call("GET", "/sessions/{code}/assignments", STAFF),
        Call(
            "POST",
            "/sessions/{code}/assignments",
            STAFF,
            {"candidate": "C001", "block": "B1", "evaluator": world.evaluator.get_username()},
        ),
        Call("GET", "/sessions/{code}/results", STAFF),
        Call("GET", "/assignments/mine", (Role.EVALUATOR,)),
        Call("POST", "/assignments/{assignment_id}/sheet", (Role.EVALUATOR,)),
        Call("GET", "/sheets", STAFF),
        Call("GET", "/sheets/{sheet_id}", (Role.STAFF, Role.EVALUATOR)),
        Call("PUT", "/sheets/{sheet_id}", (Role.EVALUATOR,), {"values": {}}, sheet_tag),
        Call("POST", "/sheets/{sheet_id}/submit", (Role.EVALUATOR,), None, sheet_tag),
        Call("POST", "/sheets/{sheet_id}/reopen", STAFF, {"reason": "Erreur"}),
        Call("GET", "/reconciliations", markers),
        Call("GET", unit + "/comparison", markers, params=double),
        # Nothing agreed: refused as incomplete (409), the unit stays pending for every role.
        Call("PUT", unit + "/agreed", markers, {"values": {}}, {"If-Match": '"0"'}, params=double),
        Call(
            "POST",
            "/scores:bulk",
            STAFF,
            {
                "rows": [
                    {
                        "candidat": "C002",
                        "session": "2026-06",
                        "bloc": "B2",
                        "critere": "B2Cr1",
                        "valeur": "1",
                    }
                ]
            },
        ),
        Call("GET", "/imports/{batch_id}", STAFF),
        Call("POST", "/imports/{batch_id}/revert", STAFF, {"reason": "Fichier importé par erreur"}),
        Call("GET", "/deliberations", JURY_READERS),
        Call("GET", d, JURY_READERS),
        Call("GET", d + "/decisions", JURY_READERS),
        Call("GET", d + "/minutes", JURY_READERS),
        Call("POST", "/sessions/{code}/deliberations", OPENERS, {"date": "2026-07-02"}),
        Call(
            "POST",
            "/sessions/{code}/amendments",
            OPENERS,
            {"date": "2026-07-02", "reason": "Une erreur matérielle.", "candidates": ["C001"]},
        ),
        Call(
            "POST",
            d + "/members",
            GOVERNORS,
            {"full_name": "Nouveau Membre", "affiliation": "external"},
        ),
        Call("PATCH", d + "/members/{member_id}", GOVERNORS, {"present": True}),
        Call("POST", d + "/members/{member_id}/recusals", GOVERNORS, {"candidate": "C001"}),
        Call("DELETE", d + "/recusals/{recusal_id}", GOVERNORS),
        Call("DELETE", d + "/members/{member_id}", GOVERNORS),
        Call("POST", d + "/candidates/{numero}/confirm", JURY),
        Call("POST", d + "/candidates/{numero}/decisions/{unit}/confirm", JURY),
        Call(
            "POST",
            d + "/candidates/{numero}/decisions/{unit}/override",
            JURY,
            {"status": "not_validated", "justification": "Le jury en décide autrement."},
        ),
        Call("POST", d + "/confirm-all", JURY),
        Call("POST", d + "/close", (Role.JURY_PRESIDENT,)),
        Call("POST", d + "/publish", STAFF),
        Call("GET", "/documents", STAFF),
        Call("GET", "/me/documents", (Role.CANDIDATE,)),
        Call("GET", "/documents/{public_id}", (Role.STAFF, Role.CANDIDATE)),
        Call("GET", "/documents/{public_id}/pdf", (Role.STAFF, Role.CANDIDATE)),
        Call("GET", "/documents/{public_id}/verification", tuple(Role), public=True),
        Call("POST", "/sessions/{code}/documents", STAFF, {"kind": "convocation"}),
        Call("POST", "/documents/{public_id}/revoke", STAFF, {"reason": REASON}),
        Call("POST", "/documents/{public_id}/reissue", STAFF, {"reason": REASON}),
        Call("GET", "/cdc/readiness", STAFF),
        Call("POST", "/cdc/flux", STAFF, {}),
        Call("GET", "/cdc/flux", STAFF),
        Call("GET", "/cdc/flux/{flux_id}/xml", STAFF),
        Call("POST", "/cdc/flux/{flux_id}/deposited", STAFF),
        Call("POST", "/cdc/reports", STAFF, {"xml": "<rapport/>"}),
        Call("GET", "/cdc/status", STAFF),
        Call("GET", "/cases", (Role.STAFF, Role.EVALUATOR)),
        Call("GET", "/cases/{case_id}", (Role.STAFF, Role.EVALUATOR)),
        Call("GET", "/cases/drawn", (Role.CANDIDATE,)),
        Call("GET", "/cases/drawn/{draw_id}", (Role.STAFF, Role.EVALUATOR, Role.CANDIDATE)),
        Call("POST", "/cases:draw", STAFF, {"session": "2026-09"}),
        Call("GET", "/me/deliverables", (Role.CANDIDATE,)),
        Call(
            "POST",
            "/me/sessions/{code}/deliverables/{deliverable}/deposits",
            (Role.CANDIDATE,),
        ),
        Call(
            "GET",
            "/deposits/{deposit_id}/file",
            (Role.CANDIDATE, Role.STAFF, Role.EVALUATOR, *JURY),
        ),
        Call("GET", "/deposits/{deposit_id}/receipt", (Role.CANDIDATE, Role.STAFF)),
        Call("GET", "/me/subject", (Role.CANDIDATE,)),
        Call(
            "POST", "/me/subject", (Role.CANDIDATE,), {"title": "T", "problem": "P", "outline": "O"}
        ),
        Call("GET", "/subjects", (Role.PEDAGOGY, Role.STAFF)),
        Call(
            "POST",
            "/subjects/{subject_id}/review",
            (Role.PEDAGOGY,),
            {"verdict": "approved", "comment": ""},
            {"If-Match": '"0"'},
        ),
        Call("GET", "/sessions/{code}/missing-deposits", STAFF),
        Call(
            "PUT",
            "/sessions/{code}/candidates/{numero}/extensions/{deliverable}",
            STAFF,
            {"until": "2030-01-01", "reason": "Hospitalisation."},
        ),
        Call("GET", "/me", tuple(Role)),
        Call("GET", "/partners", STAFF),
        Call("GET", "/partners/{siret}", PARTNER_READERS),
        Call("GET", "/partners/{siret}/habilitations", PARTNER_READERS),
        Call("GET", "/partners/{siret}/candidates", PARTNER_READERS),
        Call("GET", "/partners/{siret}/candidates/{numero}", PARTNER_READERS),
        Call("GET", "/me/result", (Role.CANDIDATE,)),
    ]


def concrete(template: str, world: World, **params: str) -> str:
    defaults: dict[str, Any] = dict(
        version_id=world.version.pk,
        numero="C001",
        code="2026-06",
        assignment_id=world.assignment.pk,
        sheet_id=world.sheet.pk,
        deliberation_id=world.deliberation.pk,
        member_id=world.member.pk,
        recusal_id=world.recusal.pk,
        unit="B1",
        public_id=world.document.public_id,
        flux_id=str(world.flux.pk),
        deposit_id=world.deposit.pk,
        subject_id=world.subject.pk,
        deliverable="B1Support",
        siret=default_partner().siret,
        # The candidates' file the fixtures imported: read by all allowed, its revert refused.
        batch_id=ImportBatch.objects.order_by("pk").values_list("pk", flat=True).first(),
    )
    if "{case_id}" in template or "{draw_id}" in template:
        draw = Draw.objects.get(session__code="2026-09", candidate=world.candidate)
        defaults |= {"case_id": draw.case_id, "draw_id": draw.pk}
    return template.format(**{**defaults, **params})


def caller(
    role: Role, world: World, api_for: Callable[..., Api], api_as: Callable[[AbstractUser], Api]
) -> Api:
    """Someone holding ``role``; for the roles that act on their own objects, their owner."""
    if role is Role.EVALUATOR:
        return api_as(world.evaluator)
    if role is Role.JURY_PRESIDENT:
        return api_as(world.president)
    if role is Role.JURY_MEMBER:
        return api_as(world.juror)
    if role is Role.CANDIDATE:
        return api_for(role, candidate=world.candidate)
    return api_for(role)


def test_the_table_below_covers_every_operation_of_the_schema(world: World) -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    documented = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert {(c.method, c.template) for c in calls(world)} == documented


def test_every_operation_admits_its_roles_and_refuses_the_others(
    world: World,
    anonymous: Api,
    api_for: Callable[..., Api],
    api_as_user: Callable[[AbstractUser], Api],
) -> None:
    callers = {role: caller(role, world, api_for, api_as_user) for role in Role}
    wrong: list[str] = []
    for call in calls(world):
        path = concrete(call.template, world, **call.params)
        unauthenticated = anonymous.send(call.method, path, call.body, call.headers)
        if call.public:
            if unauthenticated.status_code != 200:
                wrong.append(f"{call.method} {path} anonyme : {unauthenticated.status_code}")
        elif unauthenticated.status_code != 401 or problem(unauthenticated)["status"] != 401:
            wrong.append(f"{call.method} {path} anonyme : {unauthenticated.status_code}")
        for role in (r for r in Role if r not in call.allowed):
            refused = callers[role].send(call.method, path, call.body, call.headers)
            if refused.status_code != 403 or problem(refused)["status"] != 403:
                wrong.append(f"{call.method} {path} {role} : {refused.status_code}")
        for role in call.allowed:
            answer = callers[role].send(call.method, path, call.body, call.headers)
            admitted = answer.status_code < 400 or answer.status_code in (404, 409, 412, 422)
            if not admitted or (call.method == "GET" and answer.status_code != 200):
                wrong.append(f"{call.method} {path} {role} : {answer.status_code}")
    assert wrong == []
