"""The deliberation pages: who gets in, what they show, and the actions they offer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations import presenting, services
from certif.deliberations.models import (
    Deliberation,
    JuryMember,
    Kind,
    MemberRole,
    Resolution,
    State,
    UnitStatus,
)
from certif.domain.referential.schema import Referential
from certif.sessions.models import ExamSession
from tests.support.builders import score_rows
from tests.support.deliberations import (
    DECEMBER,
    DECEMBER_DAYS,
    closed,
    decision,
    held,
    import_rows,
    many_candidates,
    seat,
    threshold,
)

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Le jury retient la qualité du dossier professionnel présenté."


def signed_in(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- access: role × seat ------------------------------------------------------------------------

# Who asks: a role, and whether they sit on this jury.
SEATED_PRESIDENT = "président siégeant"
UNSEATED_PRESIDENT = "président d'un autre jury"
SEATED_MEMBER = "membre siégeant"
UNSEATED_MEMBER = "membre d'un autre jury"
STAFF = "gestionnaire"
EVALUATOR = "évaluateur"
CANDIDATE = "candidat"
PEOPLE = [
    SEATED_PRESIDENT,
    UNSEATED_PRESIDENT,
    SEATED_MEMBER,
    UNSEATED_MEMBER,
    STAFF,
    EVALUATOR,
    CANDIDATE,
]
READERS = {STAFF, SEATED_PRESIDENT, SEATED_MEMBER}
GOVERNORS = {STAFF, SEATED_PRESIDENT}
DECIDERS = {SEATED_PRESIDENT, SEATED_MEMBER}


@pytest.fixture
def people(
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
    client_for: Callable[[Role], Client],
) -> dict[str, Callable[[], Client]]:
    """A signed-in client for each kind of person; the seated ones sit on the ``jury``."""
    return {
        SEATED_PRESIDENT: lambda: signed_in(president),
        UNSEATED_PRESIDENT: lambda: client_for(Role.JURY_PRESIDENT),
        SEATED_MEMBER: lambda: signed_in(member),
        UNSEATED_MEMBER: lambda: client_for(Role.JURY_MEMBER),
        STAFF: lambda: client_for(Role.STAFF),
        EVALUATOR: lambda: client_for(Role.EVALUATOR),
        CANDIDATE: lambda: client_for(Role.CANDIDATE),
    }


def get_views(deliberation: Deliberation) -> dict[str, tuple[str, set[str]]]:
    session = deliberation.session_id
    return {
        "list": (
            reverse("deliberations:list"),
            {STAFF, SEATED_PRESIDENT, UNSEATED_PRESIDENT, SEATED_MEMBER, UNSEATED_MEMBER},
        ),
        "detail": (reverse("deliberations:detail", args=[deliberation.pk]), READERS),
        "open": (reverse("deliberations:open", args=[session]), {STAFF}),
        "amend": (reverse("deliberations:amend", args=[session]), {STAFF}),
    }


def post_views(deliberation: Deliberation, member: JuryMember) -> dict[str, tuple[str, set[str]]]:
    pk, candidate = deliberation.pk, decision(deliberation, "C002", "B1").candidate_id
    recusal = services.recuse(member, Candidate.objects.get(pk=candidate), None)
    return {
        "confirm": (reverse("deliberations:confirm", args=[pk, candidate]), DECIDERS),
        "override": (reverse("deliberations:override", args=[pk, candidate]), DECIDERS),
        "confirm_all": (reverse("deliberations:confirm_all", args=[pk]), DECIDERS),
        "add_member": (reverse("deliberations:add_member", args=[pk]), GOVERNORS),
        "presence": (reverse("deliberations:presence", args=[pk, member.pk]), GOVERNORS),
        "remove_member": (reverse("deliberations:remove_member", args=[pk, member.pk]), GOVERNORS),
        "recuse": (reverse("deliberations:recuse", args=[pk, member.pk]), GOVERNORS),
        "withdraw_recusal": (
            reverse("deliberations:withdraw_recusal", args=[pk, recusal.pk]),
            GOVERNORS,
        ),
        "close": (reverse("deliberations:close", args=[pk]), {SEATED_PRESIDENT}),
        "publish": (reverse("deliberations:publish", args=[pk]), {STAFF}),
    }


@pytest.mark.parametrize("view", ["list", "detail", "open", "amend"])
def test_each_page_lets_in_its_people_only(
    deliberation: Deliberation, people: dict[str, Callable[[], Client]], view: str
) -> None:
    url, allowed = get_views(deliberation)[view]
    for person in PEOPLE:
        expected = 200 if person in allowed else 403
        assert people[person]().get(url).status_code == expected, person


@pytest.mark.parametrize("view", ["list", "detail", "open", "amend"])
def test_each_page_sends_anonymous_visitors_to_the_login_page(
    deliberation: Deliberation, client: Client, view: str
) -> None:
    url, _allowed = get_views(deliberation)[view]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


ACTIONS = [
    "confirm",
    "override",
    "confirm_all",
    "add_member",
    "presence",
    "remove_member",
    "recuse",
    "withdraw_recusal",
    "close",
    "publish",
]


@pytest.mark.parametrize("view", ACTIONS)
def test_each_action_lets_in_its_people_only(
    deliberation: Deliberation, people: dict[str, Callable[[], Client]], view: str
) -> None:
    for person in PEOPLE:
        member = seat(deliberation, None, name=f"Sans compte {person}")
        url, allowed = post_views(deliberation, member)[view]
        response = people[person]().post(url, {}, HTTP_HX_REQUEST="true")
        if person in allowed:
            assert response.status_code in (200, 302), person
        else:
            assert response.status_code == 403, person


@pytest.mark.parametrize("view", ACTIONS)
def test_each_action_sends_anonymous_visitors_to_the_login_page(
    deliberation: Deliberation, client: Client, view: str
) -> None:
    member = seat(deliberation, None, name="Sans compte")
    url, _allowed = post_views(deliberation, member)[view]
    response = client.post(url, {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_president_of_another_jury_cannot_seat_herself_through_the_page(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    make_user: Callable[..., AbstractUser],
) -> None:
    intruder = make_user(Role.JURY_PRESIDENT)
    response = signed_in(intruder).post(
        reverse("deliberations:add_member", args=[deliberation.pk]),
        {
            "full_name": "Présidente Intruse",
            "role": "president",
            "affiliation": "external",
            "user": intruder.pk,
            "present": "on",
        },
    )
    assert response.status_code == 403
    assert not deliberation.members.filter(user=intruder).exists()


def test_a_jury_member_sees_in_the_list_only_the_deliberations_they_sit_on(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    staff: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    import_rows(tmp_path, score_rows(ccab, "C002", "B2", threshold(ccab, "B2"), DECEMBER), "d.csv")
    other = services.open_deliberation(held(DECEMBER, *DECEMBER_DAYS), staff, DECEMBER_DAYS[1])
    client = signed_in(member)
    page = client.get(reverse("deliberations:list")).content.decode()
    assert reverse("deliberations:detail", args=[deliberation.pk]) in page
    assert reverse("deliberations:detail", args=[other.pk]) not in page
    assert DECEMBER not in page
    assert client.get(reverse("deliberations:detail", args=[other.pk])).status_code == 403
    everything = signed_in(staff).get(reverse("deliberations:list")).content.decode()
    assert reverse("deliberations:detail", args=[other.pk]) in everything


def test_a_jury_member_seated_nowhere_sees_an_empty_list(
    deliberation: Deliberation, client_for: Callable[[Role], Client]
) -> None:
    page = client_for(Role.JURY_MEMBER).get(reverse("deliberations:list")).content.decode()
    assert reverse("deliberations:detail", args=[deliberation.pk]) not in page


# -- the list and opening ---------------------------------------------------------------------


def test_the_list_shows_sessions_with_their_deliberations(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    page = signed_in(president).get(reverse("deliberations:list")).content.decode()
    assert "2026-06" in page
    assert reverse("deliberations:detail", args=[deliberation.pk]) in page
    assert "ouverte" in page


def test_staff_opens_a_deliberation_from_the_list(
    session: ExamSession, staff: AbstractUser
) -> None:
    client = signed_in(staff)
    page = client.get(reverse("deliberations:list")).content.decode()
    url = reverse("deliberations:open", args=[session.pk])
    assert url in page
    response = client.post(url, {"date": "2026-07-01", "place": "Paris"})
    deliberation = Deliberation.objects.get()
    assert response["Location"] == reverse("deliberations:detail", args=[deliberation.pk])
    assert (deliberation.place, deliberation.opened_by) == ("Paris", staff)


def test_opening_twice_shows_the_refusal_in_the_form(
    deliberation: Deliberation, staff: AbstractUser
) -> None:
    response = signed_in(staff).post(
        reverse("deliberations:open", args=[deliberation.session_id]), {"date": "2026-07-02"}
    )
    assert response.status_code == 200
    assert "acte modificatif" in response.content.decode()
    assert Deliberation.objects.count() == 1


def test_an_amendment_opened_from_its_page_needs_a_reason(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
) -> None:
    closed(deliberation, president)
    url = reverse("deliberations:amend", args=[deliberation.session_id])
    client = signed_in(staff)
    refused = client.post(url, {"date": "2026-09-01", "reason": "", "candidates": "C002"})
    assert refused.status_code == 200
    assert not Deliberation.objects.filter(kind=Kind.AMENDMENT).exists()
    response = client.post(
        url,
        {
            "date": "2026-09-01",
            "reason": "Correction de la note de B1 après recours.",
            "candidates": "C002",
        },
    )
    amendment = Deliberation.objects.get(kind=Kind.AMENDMENT)
    assert response["Location"] == reverse("deliberations:detail", args=[amendment.pk])


def test_an_amendment_for_an_unknown_candidate_is_refused(
    deliberation: Deliberation, staff: AbstractUser
) -> None:
    response = signed_in(staff).post(
        reverse("deliberations:amend", args=[deliberation.session_id]),
        {"date": "2026-09-01", "reason": "Une raison largement suffisante.", "candidates": "X9"},
    )
    assert "Numéro(s) inconnu(s) : X9" in response.content.decode()


# -- the deliberation page --------------------------------------------------------------------


def test_the_table_has_the_blocks_of_the_referential_then_the_certification(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    ccab: Referential,
) -> None:
    response = signed_in(member).get(reverse("deliberations:detail", args=[deliberation.pk]))
    headers = [column.code for column in response.context["columns"]]
    assert headers == [block.code for block in ccab.blocks] + ["CERT"]
    page = response.content.decode()
    assert decision(deliberation, "C002", "B1").proposed_score in page
    assert "non validé" in page
    # C002's blocks not presented are said so, with no decision to take.
    assert "non présenté" in page


def test_the_page_lists_every_composition_problem_and_disables_closing(
    deliberation: Deliberation, president: AbstractUser
) -> None:
    seat(deliberation, president, role=MemberRole.PRESIDENT)
    page = (
        signed_in(president)
        .get(reverse("deliberations:detail", args=[deliberation.pk]))
        .content.decode()
    )
    assert "Le jury doit compter au moins deux membres présents (1 présent(s))." in page
    assert 'disabled aria-describedby="composition-problems"' in page


def test_the_page_shows_the_counts(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    response = signed_in(member).get(reverse("deliberations:detail", args=[deliberation.pk]))
    counts = response.context["counts"]
    assert (counts.certified, counts.partial, counts.refused, counts.without_decision) == (
        1,
        0,
        1,
        0,
    )


@pytest.mark.parametrize(
    ("filter_key", "expected"),
    [("tous", ["C001", "C002"]), ("modifies", ["C002"]), ("a-decider", ["C001"])],
)
def test_the_filters_narrow_the_table(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    filter_key: str,
    expected: list[str],
) -> None:
    services.override(
        decision(deliberation, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    services.confirm_row(deliberation, decision(deliberation, "C002", "B1").candidate, member)
    response = signed_in(member).get(
        reverse("deliberations:detail", args=[deliberation.pk]), {"filtre": filter_key}
    )
    assert [row.candidate.numero for row in response.context["rows"]] == expected


def test_the_incomplete_filter_lists_candidates_with_an_incomplete_proposal(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    response = signed_in(member).get(
        reverse("deliberations:detail", args=[deliberation.pk]), {"filtre": "incomplets"}
    )
    assert response.context["rows"] == []


def test_the_without_decision_filter_lists_candidates_with_units_not_presented(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    response = signed_in(member).get(
        reverse("deliberations:detail", args=[deliberation.pk]), {"filtre": "sans-decision"}
    )
    assert [row.candidate.numero for row in response.context["rows"]] == ["C002"]


def test_an_override_posted_without_javascript_comes_back_to_the_same_view(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    target = decision(deliberation, "C002", "B1")
    response = signed_in(member).post(
        reverse("deliberations:override", args=[deliberation.pk, target.candidate_id]),
        {"unit": "B1", "status": "validated", "justification": JUSTIFICATION, "filtre": "limites"},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("deliberations:detail", args=[deliberation.pk])
        + f"?filtre=limites#row-{target.candidate_id}"
    )
    assert decision(deliberation, "C002", "B1").resolution == Resolution.OVERRIDDEN


def test_an_override_without_justification_is_refused_with_its_reason(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    target = decision(deliberation, "C002", "B1")
    client = signed_in(member)
    response = client.post(
        reverse("deliberations:override", args=[deliberation.pk, target.candidate_id]),
        {"unit": "B1", "status": "validated", "justification": ""},
        follow=True,
    )
    assert "doit être justifiée par écrit" in response.content.decode()
    assert decision(deliberation, "C002", "B1").resolution == Resolution.PENDING


def test_with_htmx_an_override_returns_the_row_and_the_panels_that_depend_on_it(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    target = decision(deliberation, "C002", "B1")
    response = signed_in(member).post(
        reverse("deliberations:override", args=[deliberation.pk, target.candidate_id]),
        {"unit": "B1", "status": "validated", "justification": JUSTIFICATION},
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(f'<tr id="row-{target.candidate_id}">')
    assert JUSTIFICATION in fragment
    assert 'id="composition" hx-swap-oob="true"' in fragment
    assert 'id="counts"' in fragment
    assert "<html" not in fragment


def test_with_htmx_a_refused_override_shows_the_error_in_the_row(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    target = decision(deliberation, "C002", "B1")
    response = signed_in(member).post(
        reverse("deliberations:override", args=[deliberation.pk, target.candidate_id]),
        {"unit": "B1", "status": "validated", "justification": "non"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'role="alert">' in fragment
    assert "Une décision qui s&#x27;écarte de la proposition doit être justifiée" in fragment
    assert decision(deliberation, "C002", "B1").resolution == Resolution.PENDING


def test_confirming_a_row_with_htmx_returns_the_row(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    target = decision(deliberation, "C001", "B1")
    response = signed_in(member).post(
        reverse("deliberations:confirm", args=[deliberation.pk, target.candidate_id]),
        HTTP_HX_REQUEST="true",
    )
    assert "6 propositions confirmées pour C001." in response.content.decode()
    assert decision(deliberation, "C001", "CERT").resolution == Resolution.CONFIRMED


def test_the_president_confirms_every_remaining_proposal(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    signed_in(president).post(
        reverse("deliberations:confirm_all", args=[deliberation.pk]), {"confirmed": "1"}
    )
    assert not deliberation.decisions.filter(resolution=Resolution.PENDING).exists()


def test_a_member_is_added_with_htmx_and_the_panel_comes_back(
    deliberation: Deliberation, staff: AbstractUser, member: AbstractUser
) -> None:
    response = signed_in(staff).post(
        reverse("deliberations:add_member", args=[deliberation.pk]),
        {
            "full_name": "Claire Experte",
            "role": "member",
            "affiliation": "external",
            "occupation": "Directrice d'agence",
            "user": member.pk,
            "present": "on",
        },
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="composition"')
    assert "Claire Experte" in fragment
    added = deliberation.members.get()
    assert (added.user, added.present, added.occupation) == (member, True, "Directrice d'agence")


def test_an_invalid_member_form_without_javascript_shows_the_page_with_its_errors(
    deliberation: Deliberation, staff: AbstractUser
) -> None:
    response = signed_in(staff).post(
        reverse("deliberations:add_member", args=[deliberation.pk]),
        {"full_name": "", "role": "member", "affiliation": "external"},
    )
    assert response.status_code == 200
    assert 'class="errorlist" role="alert"' in response.content.decode()
    assert not deliberation.members.exists()


def test_presence_is_toggled_from_the_members_panel(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], staff: AbstractUser
) -> None:
    url = reverse("deliberations:presence", args=[deliberation.pk, jury[1].pk])
    signed_in(staff).post(url, {"present": ""})
    jury[1].refresh_from_db()
    assert jury[1].present is False


def test_a_linked_member_is_recused_from_the_check_panel(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    staff: AbstractUser,
    candidates: list[Candidate],
) -> None:
    declare_conflict(member, candidates[0], ConflictKind.TRAINER)
    client = signed_in(staff)
    page = client.get(reverse("deliberations:detail", args=[deliberation.pk])).content.decode()
    url = reverse("deliberations:recuse", args=[deliberation.pk, jury[1].pk])
    assert url in page
    client.post(url, {"candidate": candidates[0].pk, "reason": "formateur"})
    assert jury[1].recusals.get().candidate == candidates[0]


def test_a_member_recuses_themselves_through_the_page(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    url = reverse("deliberations:recuse", args=[deliberation.pk, jury[1].pk])
    signed_in(member).post(url, {"candidate": candidates[0].pk, "reason": "ancien collègue"})
    assert jury[1].recusals.get().candidate == candidates[0]


def test_a_member_cannot_recuse_another_member_through_the_page(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    url = reverse("deliberations:recuse", args=[deliberation.pk, jury[0].pk])
    response = signed_in(member).post(url, {"candidate": candidates[0].pk})
    assert response.status_code == 403
    assert not jury[0].recusals.exists()


def test_the_president_closes_and_the_page_becomes_read_only_with_the_digest(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    services.confirm_all_pending(deliberation, president)
    signed_in(president).post(
        reverse("deliberations:close", args=[deliberation.pk]), {"confirmed": "1"}
    )
    deliberation.refresh_from_db()
    assert deliberation.status == State.CLOSED
    page = (
        signed_in(member)
        .get(reverse("deliberations:detail", args=[deliberation.pk]))
        .content.decode()
    )
    assert deliberation.digest in page
    assert "Confirmer les propositions" not in page
    assert "Modifier une décision" not in page
    assert "Ajouter au jury" not in page
    assert "Clore la délibération" not in page


def test_with_htmx_an_action_on_a_closed_deliberation_reloads_the_whole_page(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    closed(deliberation, president)
    target = decision(deliberation, "C002", "B1")
    client = signed_in(member)
    response = client.post(
        reverse("deliberations:override", args=[deliberation.pk, target.candidate_id]),
        {"unit": "B1", "status": "validated", "justification": JUSTIFICATION},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Refresh"] == "true"
    page = client.get(reverse("deliberations:detail", args=[deliberation.pk])).content.decode()
    assert "est close : elle ne peut plus être modifiée" in page


def test_closing_refused_shows_the_problems(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    response = signed_in(president).post(
        reverse("deliberations:close", args=[deliberation.pk]), {"confirmed": "1"}, follow=True
    )
    pending = deliberation.decisions.filter(resolution=Resolution.PENDING).count()
    assert f"{pending} décision(s) restent à prendre" in response.content.decode()
    deliberation.refresh_from_db()
    assert deliberation.status == State.OPEN


def test_staff_publishes_a_closed_deliberation(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
) -> None:
    closed(deliberation, president)
    client = signed_in(staff)
    assert (
        "Publier les résultats"
        in client.get(reverse("deliberations:detail", args=[deliberation.pk])).content.decode()
    )
    client.post(reverse("deliberations:publish", args=[deliberation.pk]), {"confirmed": "1"})
    deliberation.refresh_from_db()
    assert deliberation.published_by == staff


def test_the_page_for_many_candidates_costs_a_bounded_number_of_queries(
    session: ExamSession,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
    django_assert_max_num_queries: Any,
) -> None:
    many_candidates(tmp_path, 150, ccab)
    deliberation = services.open_deliberation(session, staff, session.created_at.date())
    seat(deliberation, president, role=MemberRole.PRESIDENT)
    seat(deliberation, member)
    url = reverse("deliberations:detail", args=[deliberation.pk])
    client = signed_in(member)
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert len(response.context["rows"]) == presenting.PAGE_SIZE
    assert response.context["page"].paginator.count == 152
    with django_assert_max_num_queries(25):
        assert client.get(url, {"filtre": "a-decider", "page": "2"}).status_code == 200


def test_an_amendment_shows_its_reason_and_the_earlier_decisions(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
    candidates: list[Candidate],
) -> None:
    closed(deliberation, president)
    amendment = services.open_amendment(
        deliberation.session, staff, "Correction de la note de B1 après recours.", candidates[1:]
    )
    # The president sat on the first act, not (yet) on this one: a gestionnaire reads it.
    assert (
        signed_in(president).get(reverse("deliberations:detail", args=[amendment.pk])).status_code
        == 403
    )
    page = (
        signed_in(staff).get(reverse("deliberations:detail", args=[amendment.pk])).content.decode()
    )
    assert "Correction de la note de B1 après recours." in page
    assert "Décision antérieure : délibération n° 1 : non validé" in page
