"""A candidate's space: their identity, and the jury's decisions once closed and published."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import Deliberation, JuryMember, UnitStatus
from tests.support.deliberations import closed, decision
from tests.support.plugin import ALL_ROLES

pytestmark = pytest.mark.django_db

URL = "/mon-espace/"
JUSTIFICATION = "Le jury valide le bloc au vu de l'expérience professionnelle attestée."


def as_candidate(make_user: Callable[..., AbstractUser], candidate: Candidate) -> Client:
    client = Client()
    client.force_login(make_user(Role.CANDIDATE, candidate=candidate))
    return client


def test_the_space_is_at_its_address() -> None:
    assert reverse("myspace:home") == URL


def test_only_candidates_get_in(
    candidates: list[Candidate], client_for: Callable[[Role], Client]
) -> None:
    for role in ALL_ROLES:
        expected = 200 if role == Role.CANDIDATE else 403
        assert client_for(role).get(URL).status_code == expected, role


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_candidate_sees_their_identity(
    candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> None:
    page = as_candidate(make_user, candidates[1]).get(URL).content.decode()
    assert "C002" in page
    assert candidates[1].display_name in page


def test_before_any_deliberation_results_are_not_published(
    deliberation: Deliberation, candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> None:
    response = as_candidate(make_user, candidates[1]).get(URL)
    page = response.content.decode()
    assert "Les résultats de la session 2026-06 ne sont pas encore publiés" in page
    assert response.context["result"] is None
    assert decision(deliberation, "C002", "B1").explanation not in page


@pytest.fixture
def done(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
) -> Deliberation:
    services.override(
        decision(deliberation, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    return closed(deliberation, president)


def test_a_closed_deliberation_stays_hidden_until_it_is_published(
    done: Deliberation, candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> None:
    response = as_candidate(make_user, candidates[1]).get(URL)
    assert response.context["result"] is None
    assert JUSTIFICATION not in response.content.decode()


def test_once_published_the_candidate_sees_the_jury_decisions_with_their_explanation(
    done: Deliberation,
    staff: AbstractUser,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
) -> None:
    services.publish_results(done, staff)
    response = as_candidate(make_user, candidates[1]).get(URL)
    result = response.context["result"]
    b1 = result.blocks[0]
    assert (b1.unit, b1.status, b1.overridden) == ("B1", UnitStatus.VALIDATED, True)
    page = response.content.decode()
    assert "Le jury valide le bloc au vu de l&#x27;expérience professionnelle attestée." in page
    assert decision(done, "C002", "B1").explanation in page
    assert "certification non obtenue" in page
    assert "ne sont pas encore publiés" not in page


def test_the_certification_is_explained_from_the_jury_decisions_not_the_proposals(
    done: Deliberation,
    staff: AbstractUser,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
) -> None:
    services.publish_results(done, staff)
    certification = as_candidate(make_user, candidates[1]).get(URL).context["result"].certification
    assert certification.explanation.startswith("Certification non obtenue : B2 non évalué ;")
    assert "B1" not in certification.explanation


def test_a_candidate_never_sees_another_candidate_s_results(
    done: Deliberation,
    staff: AbstractUser,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
) -> None:
    services.publish_results(done, staff)
    page = as_candidate(make_user, candidates[0]).get(URL).content.decode()
    assert "C001" in page
    assert "C002" not in page
    assert "expérience professionnelle attestée" not in page
    assert decision(done, "C001", "CERT").explanation in page


def test_the_explanations_follow_the_reader_s_language(
    done: Deliberation,
    staff: AbstractUser,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
) -> None:
    services.publish_results(done, staff)
    client = as_candidate(make_user, candidates[0])
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    page = client.get(URL).content.decode()
    assert "Certification granted: B1, B2, B3, B4 and" in page
    assert "My results" in page


def test_the_dashboard_tells_the_candidate_whether_results_are_published(
    done: Deliberation,
    staff: AbstractUser,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
) -> None:
    client = as_candidate(make_user, candidates[0])
    assert "résultats pas encore publiés" in client.get("/").content.decode()
    services.publish_results(done, staff)
    page = client.get("/").content.decode()
    assert "Session 2026-06 : certification obtenue" in page


def test_an_account_without_a_candidate_record_is_told_so(
    make_user: Callable[..., AbstractUser], version: object
) -> None:
    user = make_user(Role.STAFF)
    user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    assert "est relié à aucun dossier de candidat" in client.get(URL).content.decode()
