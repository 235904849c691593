"""The pages of deposits and subjects: who gets in, and what each page does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.grading.forms import value_name
from certif.submissions.models import Deposit, Subject
from tests.deposits.pdfs import javascript_open_action, pdf_bytes
from tests.submissions.conftest import World
from tests.support.plugin import ALL_ROLES
from tests.support.submissions import SUBJECT

pytestmark = pytest.mark.django_db


def signed_in(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages(world: World) -> list[tuple[str, tuple[Role, ...]]]:
    s, c = world.session.pk, world.candidate.pk
    return [
        ("/mon-espace/depots/", (Role.CANDIDATE,)),
        ("/mon-espace/sujet/", (Role.CANDIDATE,)),
        ("/depots/sujets/", (Role.PEDAGOGY, Role.STAFF)),
        (f"/depots/sujets/{world.subject.pk}/", (Role.PEDAGOGY, Role.STAFF)),
        (f"/depots/sessions/{s}/manquants/", (Role.STAFF,)),
        (f"/depots/sessions/{s}/prolongations/{c}/B1Support/", (Role.STAFF,)),
        (f"/depots/fichiers/{world.support.pk}/accuse.pdf", (Role.STAFF,)),
        (f"/depots/fichiers/{world.support.pk}/", (Role.STAFF,)),
    ]


def test_each_page_admits_its_roles_and_refuses_the_others(
    world: World, client_for: Callable[[Role], Client]
) -> None:
    wrong = []
    for url, allowed in pages(world):
        for role in ALL_ROLES:
            status = client_for(role).get(url).status_code
            if (status == 200) != (role in allowed) or status not in (200, 403):
                wrong.append(f"{url} {role}: {status}")
    assert wrong == []


def test_anonymous_visitors_are_sent_to_the_login_page(world: World, client: Client) -> None:
    for url, _allowed in pages(world):
        assert client.get(url).status_code == 302, url


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("staff", 200),
        ("evaluator", 200),
        ("juror", 200),
        ("mem_evaluator", 403),
    ],
)
def test_a_written_support_opens_only_for_its_candidate_its_evaluator_the_jury_and_staff(
    world: World, who: str, status: int
) -> None:
    response = signed_in(getattr(world, who)).get(f"/depots/fichiers/{world.support.pk}/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == pdf_bytes(4)  # type: ignore[attr-defined]


def test_every_opening_is_journalled(world: World) -> None:
    signed_in(world.evaluator).get(f"/depots/fichiers/{world.support.pk}/")
    opened = AuditEvent.objects.get(action="submissions.deposit_opened")
    assert opened.actor == world.evaluator


def test_the_owner_gets_her_receipt_with_the_hash(world: World) -> None:
    response = signed_in(world.owner).get(f"/depots/fichiers/{world.support.pk}/accuse.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_candidate_deposits_a_new_version_from_her_space(world: World) -> None:
    url = f"/mon-espace/depots/{world.session.pk}/B1Support/"
    upload = SimpleUploadedFile("plan.pdf", pdf_bytes(6), content_type="application/pdf")
    response = signed_in(world.owner).post(url, {"file": upload})
    assert response.status_code == 302
    latest = Deposit.objects.filter(deliverable="B1Support").order_by("-version").first()
    assert latest is not None
    assert (latest.version, latest.page_count) == (2, 6)


def test_a_pdf_with_javascript_is_refused_with_a_french_message(world: World) -> None:
    url = f"/mon-espace/depots/{world.session.pk}/B1Support/"
    upload = SimpleUploadedFile("plan.pdf", pdf_bytes(1, javascript_open_action))
    response = signed_in(world.owner).post(url, {"file": upload})
    assert "contient du JavaScript" in response.content.decode()
    assert Deposit.objects.filter(deliverable="B1Support").count() == 1


def test_an_announced_body_over_the_limit_is_refused_unread(world: World) -> None:
    url = f"/mon-espace/depots/{world.session.pk}/B1Support/"
    upload = SimpleUploadedFile("plan.pdf", pdf_bytes(1))
    response = signed_in(world.owner).post(url, {"file": upload}, CONTENT_LENGTH=str(200 * 2**20))
    assert response.status_code == 413
    assert "taille maximale de 20 Mo" in response.content.decode()


def test_a_file_just_over_the_limit_is_dropped_as_it_arrives(world: World) -> None:
    url = f"/mon-espace/depots/{world.session.pk}/B1Support/"
    content = pdf_bytes(1)
    big = SimpleUploadedFile("plan.pdf", content + b"\0" * (20 * 2**20 + 1 - len(content)))
    response = signed_in(world.owner).post(url, {"file": big})
    assert "taille maximale" in response.content.decode()
    assert Deposit.objects.filter(deliverable="B1Support").count() == 1


def test_the_grid_links_the_deposits_and_starts_mempages_from_the_pdf(world: World) -> None:
    page = signed_in(world.mem_evaluator).get(f"/grilles/feuille/{world.mem_assignment.pk}/")
    text = page.content.decode()
    assert f"/depots/fichiers/{world.memoire.pk}/" in text
    assert page.context["form"][value_name("MEMPages")].value() == "32"


def test_the_candidate_proposes_and_the_direction_pedagogique_approves(
    world: World, make_user: Callable[..., AbstractUser], candidates: list[Candidate]
) -> None:
    other = make_user(Role.CANDIDATE, candidate=candidates[1])
    assert signed_in(other).post("/mon-espace/sujet/", SUBJECT).status_code == 302
    proposed = Subject.objects.get(candidate=candidates[1])
    reviewer = signed_in(make_user(Role.PEDAGOGY))
    data = {"verdict": "approved", "comment": "", "revision": proposed.revision}
    assert reviewer.post(f"/depots/sujets/{proposed.pk}/", data).status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == "approved"


def test_missing_deposits_are_listed_for_gestionnaires(world: World) -> None:
    world.memoire.delete()
    page = signed_in(world.staff).get(f"/depots/sessions/{world.session.pk}/manquants/")
    assert "MEMDocument" in page.content.decode()
