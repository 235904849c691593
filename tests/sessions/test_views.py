"""The sessions pages: who may see them, creating a session, enrolling, assigning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Assignment, Enrolment, ExamSession
from certif.sessions.services import enrol
from certif.web.dashboard import panels_for

pytestmark = pytest.mark.django_db

OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]


def pages(session: ExamSession) -> list[str]:
    return [
        reverse("sessions:list"),
        reverse("sessions:create"),
        reverse("sessions:detail", args=[session.pk]),
        reverse("sessions:edit", args=[session.pk]),
        reverse("sessions:enrol", args=[session.pk]),
        reverse("sessions:assign", args=[session.pk]),
    ]


def test_a_gestionnaire_sees_every_sessions_page(
    client_as: Callable[..., Client], session: ExamSession
) -> None:
    client = client_as(Role.STAFF)
    for url in pages(session):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_every_sessions_page(
    role: Role,
    client_as: Callable[..., Client],
    session: ExamSession,
    candidates: list[Candidate],
) -> None:
    client = client_as(role, candidate=candidates[0] if role is Role.CANDIDATE else None)
    for url in pages(session):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login_page(session: ExamSession) -> None:
    for url in pages(session):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_new_session_takes_the_referential_in_force_by_default(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    client = client_as(Role.STAFF)
    form = client.get(reverse("sessions:create")).context["form"]
    assert form["referential_version"].value() == version.pk
    response = client.post(
        reverse("sessions:create"),
        {
            "code": "2027-03",
            "title": "Printemps",
            "start_date": "2027-03-01",
            "end_date": "2027-03-05",
            "place": "Nantes",
            "referential_version": version.pk,
        },
    )
    session = ExamSession.objects.get(code="2027-03")
    assert response["Location"] == reverse("sessions:detail", args=[session.pk])
    assert AuditEvent.objects.filter(action="session.created", object_id=str(session.pk)).exists()


def test_a_session_ending_before_it_starts_is_refused(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    response = client_as(Role.STAFF).post(
        reverse("sessions:create"),
        {
            "code": "2027-03",
            "start_date": "2027-03-05",
            "end_date": "2027-03-01",
            "referential_version": version.pk,
        },
    )
    assert response.status_code == 200
    assert "précède" in response.content.decode()
    assert not ExamSession.objects.filter(code="2027-03").exists()


def test_a_session_is_edited_from_its_page(
    client_as: Callable[..., Client], session: ExamSession
) -> None:
    response = client_as(Role.STAFF).post(
        reverse("sessions:edit", args=[session.pk]),
        {
            "code": session.code,
            "title": session.title,
            "start_date": session.start_date.isoformat() if session.start_date else "",
            "end_date": "",
            "place": "Bordeaux",
            "referential_version": session.referential_version_id,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "Bordeaux"


def test_the_session_page_shows_its_counts_enrolments_and_assignments(
    client_as: Callable[..., Client],
    session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
) -> None:
    enrol(session, [c.pk for c in candidates], [("B1", ""), ("B3", "pme")])
    Assignment.objects.create(
        session=session,
        candidate=candidates[0],
        block=session.referential_version.blocks.get(code="B1"),
        evaluator=evaluator,
    )
    response = client_as(Role.STAFF).get(reverse("sessions:detail", args=[session.pk]))
    counts = response.context["counts"]
    assert (counts.candidates, counts.enrolments, counts.assigned, counts.unassigned) == (
        2,
        4,
        1,
        3,
    )
    html = response.content.decode()
    assert "B3 — PME" in html
    assert "eva" in html
    assert f"{reverse('journal:list')}?session=2026-11" in html


def test_the_session_page_filters_the_enrolments_by_unit(
    client_as: Callable[..., Client], session: ExamSession, candidates: list[Candidate]
) -> None:
    enrol(session, [candidates[0].pk], [("B1", "")])
    enrol(session, [candidates[1].pk], [("B2", "")])
    response = client_as(Role.STAFF).get(
        reverse("sessions:detail", args=[session.pk]), {"unite": "B2"}
    )
    assert [row.candidate.numero for row in response.context["rows"]] == ["C002"]


def enrol_data(**extra: object) -> dict[str, object]:
    return {"source": "filtre", "unites": ["B1", "B3:eti"], "action": "inscrire", **extra}


def test_candidates_matching_a_filter_are_enrolled_once(
    client_as: Callable[..., Client], session: ExamSession, candidates: list[Candidate]
) -> None:
    client = client_as(Role.STAFF)
    url = reverse("sessions:enrol", args=[session.pk])
    response = client.post(url, enrol_data(q="dupont"))
    assert response["Location"] == reverse("sessions:detail", args=[session.pk])
    client.post(url, enrol_data(q="dupont"))
    assert sorted(
        Enrolment.objects.filter(session=session).values_list(
            "candidate__numero", "block__code", "part"
        )
    ) == [("C001", "B1", ""), ("C001", "B3", "eti")]
    second = AuditEvent.objects.filter(action="session.enrolled").order_by("id").last()
    assert second is not None
    assert second.after["created"] == 0


def test_the_preview_counts_without_enrolling(
    client_as: Callable[..., Client], session: ExamSession, candidates: list[Candidate]
) -> None:
    response = client_as(Role.STAFF).post(
        reverse("sessions:enrol", args=[session.pk]), enrol_data(voie="", q="C00", action="apercu")
    )
    assert response.context["preview"]["count"] == 2
    assert not Enrolment.objects.exists()


def test_an_empty_filter_does_not_enrol_everybody(
    client_as: Callable[..., Client], session: ExamSession, candidates: list[Candidate]
) -> None:
    response = client_as(Role.STAFF).post(
        reverse("sessions:enrol", args=[session.pk]), enrol_data()
    )
    assert response.status_code == 200
    assert "au moins un critère" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_candidates_not_validated_in_a_block_can_be_enrolled_for_it(
    client_as: Callable[..., Client], session: ExamSession, candidates: list[Candidate]
) -> None:
    # Nobody has a sheet: every block is « non évalué ».
    client_as(Role.STAFF).post(
        reverse("sessions:enrol", args=[session.pk]),
        enrol_data(unite="B1", statut="not_assessed", unites=["B1"]),
    )
    assert Enrolment.objects.filter(session=session).count() == 2


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_file_of_numeros_enrols_its_candidates(
    client_as: Callable[..., Client], session: ExamSession, candidates: list[Candidate]
) -> None:
    client_as(Role.STAFF).post(
        reverse("sessions:enrol", args=[session.pk]),
        enrol_data(source="fichier", fichier=upload("liste.csv", "numero\nC002\n")),
    )
    assert list(Enrolment.objects.values_list("candidate__numero", flat=True).distinct()) == [
        "C002"
    ]


def test_a_file_with_an_unknown_numero_is_refused_as_a_whole(
    client_as: Callable[..., Client], session: ExamSession, candidates: list[Candidate]
) -> None:
    response = client_as(Role.STAFF).post(
        reverse("sessions:enrol", args=[session.pk]),
        enrol_data(source="fichier", fichier=upload("liste.csv", "numero\nC001\nC404\nC002\n")),
    )
    html = response.content.decode()
    assert "rien n'a été écrit" in html
    assert "C404" in html
    assert "candidat inconnu" in html
    assert "<td>« C404 »</td>" in html
    assert not Enrolment.objects.exists()


def test_an_evaluator_is_assigned_to_one_candidate(
    client_as: Callable[..., Client],
    session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
) -> None:
    enrol(session, [candidates[0].pk], [("B3", "pme")])
    response = client_as(Role.STAFF).post(
        reverse("sessions:assign", args=[session.pk]),
        {
            "mode": "un",
            "un-candidat": "C001",
            "un-unite": "B3:pme",
            "un-evaluateur": evaluator.username,
            "un-correcteur": "1",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.candidate, assignment.part, assignment.evaluator) == (
        candidates[0],
        "pme",
        evaluator,
    )
    assert assignment.assigned_by is not None


def test_a_linked_evaluator_is_refused_with_a_message_naming_both(
    client_as: Callable[..., Client],
    session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
) -> None:
    enrol(session, [candidates[0].pk], [("B1", "")])
    declare_conflict(evaluator, candidates[0], ConflictKind.RELATIVE)
    response = client_as(Role.STAFF).post(
        reverse("sessions:assign", args=[session.pk]),
        {
            "mode": "un",
            "un-candidat": "C001",
            "un-unite": "B1",
            "un-evaluateur": evaluator.username,
            "un-correcteur": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "eva a un lien d&#x27;intérêt avec C001 DUPONT Marie" in html
    assert not Assignment.objects.exists()


def test_every_enrolled_candidate_is_assigned_in_bulk_with_htmx(
    client_as: Callable[..., Client],
    session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
) -> None:
    enrol(session, [c.pk for c in candidates], [("MEM", "")])
    response = client_as(Role.STAFF).post(
        reverse("sessions:assign", args=[session.pk]),
        {
            "mode": "lot",
            "lot-unite": "MEM",
            "lot-evaluateur": evaluator.username,
            "lot-correcteur": "1",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "2 affectation(s) créée(s)" in html
    assert Assignment.objects.filter(evaluator=evaluator).count() == 2


def test_an_unknown_candidate_numero_is_a_form_error(
    client_as: Callable[..., Client], session: ExamSession, evaluator: AbstractUser
) -> None:
    response = client_as(Role.STAFF).post(
        reverse("sessions:assign", args=[session.pk]),
        {
            "mode": "un",
            "un-candidat": "C404",
            "un-unite": "B1",
            "un-evaluateur": evaluator.username,
            "un-correcteur": "1",
        },
    )
    assert "Candidat inconnu" in response.content.decode()


def test_the_dashboard_lists_sessions_with_units_without_evaluator(
    rf: RequestFactory,
    make_user: Callable[..., AbstractUser],
    session: ExamSession,
    candidates: list[Candidate],
    version: ReferentialVersion,
) -> None:
    enrol(session, [c.pk for c in candidates], [("B1", "")])
    ExamSession.objects.create(
        code="2027-01", start_date=date.today() + timedelta(days=60), referential_version=version
    )
    ExamSession.objects.create(
        code="2020-01", start_date=date(2020, 1, 1), referential_version=version
    )
    request = rf.get("/")
    request.user = make_user(Role.STAFF)
    (panel,) = [p for p in panels_for(request) if p.title == "Sessions à préparer"]
    details = {item.label: item.detail for item in panel.items}
    assert set(details) == {"2026-11", "2027-01"}
    assert "2 inscription(s) sans évaluateur" in details["2026-11"]
    assert "aucun candidat inscrit" in details["2027-01"]


def test_the_dashboard_shows_nothing_of_this_to_an_evaluator(
    rf: RequestFactory, make_user: Callable[..., AbstractUser], session: ExamSession
) -> None:
    request = rf.get("/")
    request.user = make_user(Role.EVALUATOR)
    assert not [p for p in panels_for(request) if p.title == "Sessions à préparer"]
