"""Irreversible acts ask first: posted without ``confirmed``, the page says what will happen and
to how many candidates, and changes nothing; posted again with ``confirmed=1``, the act is done.
No JavaScript needed: the confirmation is a page with a form."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.deliberations import services
from certif.deliberations.checks import counts
from certif.deliberations.models import Deliberation, JuryMember, Resolution, State
from tests.support.deliberations import closed, seat

pytestmark = pytest.mark.django_db

CONFIRM_TEMPLATE = "certif/confirm.html"


def signed_in(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def templates(response: object) -> list[str]:
    return [template.name for template in getattr(response, "templates", []) if template.name]


def pending(deliberation: Deliberation) -> int:
    return deliberation.decisions.filter(resolution=Resolution.PENDING).count()


# -- confirming every proposal ------------------------------------------------------------------


def test_confirm_all_first_says_how_many_decisions_and_candidates_and_changes_nothing(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    left = pending(deliberation)
    candidates = (
        deliberation.decisions.filter(resolution=Resolution.PENDING)
        .values("candidate_id")
        .distinct()
        .count()
    )
    response = signed_in(president).post(
        reverse("deliberations:confirm_all", args=[deliberation.pk])
    )
    assert response.status_code == 200
    assert CONFIRM_TEMPLATE in templates(response)
    page = response.content.decode()
    assert (
        f"{left} décisions restant à prendre seront confirmées telles que proposées, pour "
        f"{candidates} candidat(s)." in page
    )
    assert '<input type="hidden" name="confirmed" value="1">' in page
    assert pending(deliberation) == left


def test_confirm_all_confirmed_confirms_every_remaining_proposal(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    response = signed_in(member).post(
        reverse("deliberations:confirm_all", args=[deliberation.pk]), {"confirmed": "1"}
    )
    assert response.status_code == 302
    assert pending(deliberation) == 0


def test_the_confirmation_page_posts_again_what_was_posted_and_offers_to_cancel(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    url = reverse("deliberations:confirm_all", args=[deliberation.pk])
    page = signed_in(president).post(url, {"filtre": "limites"}).content.decode()
    assert f'action="{url}"' in page
    assert '<input type="hidden" name="filtre" value="limites">' in page
    detail = reverse("deliberations:detail", args=[deliberation.pk])
    assert f'href="{detail}?filtre=limites"' in page


def test_with_htmx_the_confirmation_replaces_the_whole_page(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    response = signed_in(president).post(
        reverse("deliberations:confirm_all", args=[deliberation.pk]), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Retarget"] == "body"
    assert CONFIRM_TEMPLATE in templates(response)
    assert pending(deliberation) > 0


# -- closing ------------------------------------------------------------------------------------


def test_closing_first_says_what_becomes_final_for_how_many_candidates(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    services.confirm_all_pending(deliberation, president)
    tallied = counts(deliberation)
    response = signed_in(president).post(reverse("deliberations:close", args=[deliberation.pk]))
    assert response.status_code == 200
    assert CONFIRM_TEMPLATE in templates(response)
    page = response.content.decode()
    assert (
        f"Les décisions sur {tallied.candidates} candidat(s) deviennent définitives : "
        f"{tallied.certified} certifié(s), {tallied.partial} validation(s) partielle(s), "
        f"{tallied.refused} non validé(s), {tallied.without_decision} sans décision." in page
    )
    assert "Cette action est définitive." in page
    deliberation.refresh_from_db()
    assert deliberation.status == State.OPEN


def test_closing_confirmed_closes(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    services.confirm_all_pending(deliberation, president)
    response = signed_in(president).post(
        reverse("deliberations:close", args=[deliberation.pk]), {"confirmed": "1"}
    )
    assert response.status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.status == State.CLOSED


# -- publishing ---------------------------------------------------------------------------------


def test_publishing_first_says_how_many_candidates_will_see_their_decisions(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
) -> None:
    closed(deliberation, president)
    tallied = counts(deliberation)
    response = signed_in(staff).post(reverse("deliberations:publish", args=[deliberation.pk]))
    assert CONFIRM_TEMPLATE in templates(response)
    assert (
        f"{tallied.candidates} candidat(s) verront leurs décisions dans leur espace "
        f"({tallied.certified} certifié(s))" in response.content.decode()
    )
    deliberation.refresh_from_db()
    assert deliberation.published_at is None


def test_publishing_confirmed_publishes(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
) -> None:
    closed(deliberation, president)
    signed_in(staff).post(
        reverse("deliberations:publish", args=[deliberation.pk]), {"confirmed": "1"}
    )
    deliberation.refresh_from_db()
    assert deliberation.published_by == staff


# -- removing a member --------------------------------------------------------------------------


def test_removing_a_member_first_names_them_and_suggests_an_absence_instead(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], staff: AbstractUser
) -> None:
    guest = seat(deliberation, None, name="Invitée Sans Compte")
    response = signed_in(staff).post(
        reverse("deliberations:remove_member", args=[deliberation.pk, guest.pk])
    )
    assert CONFIRM_TEMPLATE in templates(response)
    page = response.content.decode()
    assert "Invitée Sans Compte" in page
    assert "enregistrez plutôt son absence" in page
    assert deliberation.members.filter(pk=guest.pk).exists()


def test_removing_a_member_confirmed_removes_them(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    guest = seat(deliberation, None, name="Invitée Sans Compte")
    signed_in(president).post(
        reverse("deliberations:remove_member", args=[deliberation.pk, guest.pk]),
        {"confirmed": "1"},
    )
    assert not deliberation.members.filter(pk=guest.pk).exists()
