"""The bank's pages: who gets in (a matrix over every role and anonymous visitors), creating
a case with its PDF, drawing from a session's page, and a drawn case as each reader sees it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.casebank.models import Case, Draw
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Assignment, ExamSession
from certif.sessions.services import assign_evaluator
from tests.support.casebank import bank_of, case_session, opened_draw, pdf_upload, set_start
from tests.support.plugin import ALL_ROLES

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    session: ExamSession
    draw: Draw
    evaluator: AbstractUser
    candidate_user: AbstractUser


@pytest.fixture
def world(
    version: ReferentialVersion, candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> World:
    bank_of("B2", 3)
    session = case_session(version, "S1", candidates[:1], [("B2", "")], start=timezone.localdate())
    evaluator = make_user(Role.EVALUATOR)
    assign_evaluator(session, candidates[0], "B2", "", evaluator)
    draw = opened_draw(session)
    return World(session, draw, evaluator, make_user(Role.CANDIDATE, candidate=candidates[0]))


def _client(world: World, role: Role, make_user: Callable[..., AbstractUser]) -> Client:
    """Someone holding ``role``; the evaluator and the candidate are the draw's own."""
    client = Client()
    if role is Role.EVALUATOR:
        client.force_login(world.evaluator)
    elif role is Role.CANDIDATE:
        client.force_login(world.candidate_user)
    else:
        client.force_login(make_user(role))
    return client


def _pages(world: World) -> list[tuple[str, tuple[Role, ...]]]:
    case, draw = world.draw.case, world.draw
    staff = (Role.STAFF,)
    return [
        ("/cas/", staff),
        ("/cas/nouveau/", staff),
        (f"/cas/{case.pk}/", staff),
        (f"/cas/{case.pk}/version/", staff),
        (f"/cas/sessions/{world.session.pk}/", staff),
        (f"/cas/tirages/{draw.pk}/", (Role.STAFF, Role.EVALUATOR, Role.CANDIDATE)),
    ]


def test_every_page_admits_its_roles_and_refuses_the_others(
    world: World, make_user: Callable[..., AbstractUser]
) -> None:
    clients = {role: _client(world, role, make_user) for role in ALL_ROLES}
    wrong = []
    for url, allowed in _pages(world):
        anonymous = Client().get(url)
        if anonymous.status_code != 302:
            wrong.append(f"{url} anonyme : {anonymous.status_code}")
        for role in ALL_ROLES:
            expected = 200 if role in allowed else 403
            status = clients[role].get(url).status_code
            if status != expected:
                wrong.append(f"{url} {role} : {status}")
    assert wrong == []


def test_writes_are_for_gestionnaires_only(
    world: World, make_user: Callable[..., AbstractUser]
) -> None:
    case, draw = world.draw.case, world.draw
    posts = [
        f"/cas/{case.pk}/retirer/",
        f"/cas/sessions/{world.session.pk}/",
        f"/cas/tirages/{draw.pk}/nouveau-tirage/",
    ]
    for role in (r for r in ALL_ROLES if r is not Role.STAFF):
        client = _client(world, role, make_user)
        assert [client.post(url).status_code for url in posts] == [403, 403, 403], role
    assert all(Client().post(url).status_code == 302 for url in posts)


def test_an_evaluator_of_another_unit_does_not_see_the_case(
    world: World, client_as: Callable[..., Client]
) -> None:
    assert client_as(Role.EVALUATOR).get(f"/cas/tirages/{world.draw.pk}/").status_code == 403


def test_the_candidate_sees_the_case_but_never_the_clients_script(
    world: World, make_user: Callable[..., AbstractUser]
) -> None:
    page = _client(world, Role.CANDIDATE, make_user).get(f"/cas/tirages/{world.draw.pk}/")
    text = page.content.decode()
    assert world.draw.version.text in text
    assert world.draw.version.client_script not in text
    evaluator = _client(world, Role.EVALUATOR, make_user).get(f"/cas/tirages/{world.draw.pk}/")
    assert world.draw.version.client_script in evaluator.content.decode()


def test_before_the_epreuve_the_candidate_sees_the_reference_only(
    world: World, make_user: Callable[..., AbstractUser]
) -> None:
    set_start(world.session, ("B2", ""), timezone.now() + timedelta(hours=2))
    client = _client(world, Role.CANDIDATE, make_user)
    home = client.get("/mon-espace/").content.decode()
    assert world.draw.case.reference in home
    assert "Ouvrir le cas" not in home
    assert client.get(f"/cas/tirages/{world.draw.pk}/").status_code == 403


def test_a_gestionnaire_creates_a_case_with_a_pdf_and_downloads_it(
    version: ReferentialVersion, client_as: Callable[..., Client]
) -> None:
    client = client_as(Role.STAFF)
    data = {
        "slot": "B4Me1",
        "reference": "B4-N-01",
        "title": "Agence",
        "text": "",
        "client_script": "",
    }
    response = client.post("/cas/nouveau/", {**data, "note": "", "pdf": pdf_upload()})
    case = Case.objects.get(reference="B4-N-01")
    assert response.status_code == 302
    download = client.get(f"/cas/{case.pk}/versions/1/pdf/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_the_session_page_draws_and_refuses_in_french(
    version: ReferentialVersion, candidates: list[Candidate], client_as: Callable[..., Client]
) -> None:
    session = case_session(version, "S9", candidates, [("B3", "eti")])
    client = client_as(Role.STAFF)
    refused = client.post(f"/cas/sessions/{session.pk}/", follow=True).content.decode()
    assert "Tirage impossible" in refused
    bank_of("B3:eti", 2)
    client.post(f"/cas/sessions/{session.pk}/")
    assert Draw.objects.filter(session=session).count() == 2


def test_the_grid_names_the_drawn_case(
    world: World, make_user: Callable[..., AbstractUser]
) -> None:
    assignment = Assignment.objects.get(session=world.session)
    page = _client(world, Role.EVALUATOR, make_user).get(f"/grilles/feuille/{assignment.pk}/")
    assert world.draw.case.reference in page.content.decode()
