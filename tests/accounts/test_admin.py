"""People, roles and links of interest in the Django admin."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, User
from django.test import Client
from django.urls import reverse

from certif.accounts.models import ConflictKind, ConflictOfInterest
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import ROLE_LABELS, Role, roles_of

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., AbstractUser]
CHANGELIST = "admin:auth_user_changelist"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw"))
    return client


def listed(client: Client, **query: str) -> set[str]:
    response = client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    return {user.username for user in response.context["cl"].result_list}


def held(user: AbstractUser) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def change_form_data(user: AbstractUser, **overrides: Any) -> dict[str, Any]:
    """What the admin's change form posts for ``user``, with no link of interest."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "roles": sorted(held(user)),
        "conflicts-TOTAL_FORMS": "0",
        "conflicts-INITIAL_FORMS": "0",
        "conflicts-MIN_NUM_FORMS": "0",
        "conflicts-MAX_NUM_FORMS": "1000",
        "_save": "Enregistrer",
    }
    data.update(overrides)
    return data


def change_url(user: AbstractUser) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


# -- the list --------------------------------------------------------------------------------


def test_the_user_list_filters_by_role(admin_client: Client, make_user: MakeUser) -> None:
    make_user(Role.EVALUATOR, username="alice-evaluation")
    make_user(Role.STAFF, username="bruno-gestion")
    make_user(Role.JURY_MEMBER, Role.EVALUATOR, username="chloe-jury")

    evaluators = listed(admin_client, role=Role.EVALUATOR.value)

    assert {"alice-evaluation", "chloe-jury"} <= evaluators
    assert "bruno-gestion" not in evaluators
    assert listed(admin_client, role=Role.STAFF.value) == {"bruno-gestion", "admin"}


def test_the_role_filter_offers_every_role_by_its_label(admin_client: Client) -> None:
    content = admin_client.get(reverse(CHANGELIST)).content.decode()
    for role in Role:
        assert f"?role={role.value}" in content
        assert str(ROLE_LABELS[role]) in content


def test_the_user_list_shows_roles_and_the_linked_candidate(
    admin_client: Client, make_user: MakeUser, candidates: list[Candidate]
) -> None:
    candidate = candidates[0]
    make_user(Role.CANDIDATE, candidate=candidate, username="marie-candidate")
    make_user(Role.EVALUATOR, username="alice-evaluation")

    response = admin_client.get(reverse(CHANGELIST), {"candidat": "oui"})

    content = response.content.decode()
    assert {u.username for u in response.context["cl"].result_list} == {"marie-candidate"}
    assert reverse("admin:candidates_candidate_change", args=[candidate.pk]) in content
    assert candidate.numero in content
    assert str(ROLE_LABELS[Role.CANDIDATE]) in content


def test_the_user_list_finds_a_person_by_candidate_number(
    admin_client: Client, make_user: MakeUser, candidates: list[Candidate]
) -> None:
    make_user(Role.CANDIDATE, candidate=candidates[1], username="eloise")
    assert listed(admin_client, q=candidates[1].numero) == {"eloise"}


def test_people_without_admin_access_are_refused_the_user_list(
    client_as: Callable[..., Client],
) -> None:
    response = client_as(Role.STAFF).get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# -- giving and removing roles ---------------------------------------------------------------


def run_action(client: Client, action: str, users: list[AbstractUser], role: str) -> str:
    response = client.post(
        reverse(CHANGELIST),
        {"action": action, "role": role, "_selected_action": [u.pk for u in users]},
        follow=True,
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_an_admin_action_gives_a_role_and_journals_it(
    admin_client: Client, make_user: MakeUser
) -> None:
    first = make_user(Role.EVALUATOR)
    second = make_user()

    content = run_action(admin_client, "grant_role", [first, second], Role.JURY_MEMBER.value)

    assert held(first) == {Role.EVALUATOR.value, Role.JURY_MEMBER.value}
    assert held(second) == {Role.JURY_MEMBER.value}
    assert "donné à 2 personnes" in content
    events = AuditEvent.objects.filter(action="user.roles", object_id__in=[first.pk, second.pk])
    assert events.count() == 2
    assert all(event.actor_label == "admin" for event in events)


def test_an_admin_action_removes_a_role_and_leaves_the_others(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR, Role.JURY_PRESIDENT)

    run_action(admin_client, "remove_role", [person], Role.JURY_PRESIDENT.value)

    assert held(person) == {Role.EVALUATOR.value}
    assert AuditEvent.objects.filter(action="user.roles", object_id=str(person.pk)).exists()


def test_giving_the_candidate_role_to_an_account_without_a_candidate_is_refused(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR, username="sans-candidat")

    content = run_action(admin_client, "grant_role", [person], Role.CANDIDATE.value)

    assert held(person) == {Role.EVALUATOR.value}
    assert "sans-candidat" in content
    assert "doit être relié à un candidat" in content


def test_a_role_action_without_a_chosen_role_changes_nothing(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR)

    content = run_action(admin_client, "grant_role", [person], "")

    assert held(person) == {Role.EVALUATOR.value}
    assert "Choisissez d'abord un rôle" in content
    assert not AuditEvent.objects.filter(action="user.roles").exists()


# -- the change form -------------------------------------------------------------------------


def test_the_change_form_shows_roles_as_labelled_check_boxes(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR)
    response = admin_client.get(change_url(person))
    form = response.context["adminform"].form
    assert form.initial["roles"] == [Role.EVALUATOR.value]
    content = response.content.decode()
    for role in Role:
        assert str(ROLE_LABELS[role]) in content


def test_changing_roles_in_the_form_is_journalled(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR)

    response = admin_client.post(
        change_url(person), change_form_data(person, roles=[Role.STAFF.value])
    )

    assert response.status_code == 302
    assert roles_of(User.objects.get(pk=person.pk)) == {Role.STAFF}
    event = AuditEvent.objects.get(action="user.roles", object_id=str(person.pk))
    assert event.before == [Role.EVALUATOR.value]
    assert event.after == [Role.STAFF.value]


def test_saving_the_form_without_changing_roles_journals_nothing(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR)
    response = admin_client.post(change_url(person), change_form_data(person, first_name="Ana"))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="user.roles").exists()


def test_the_form_refuses_the_candidate_role_without_a_linked_candidate(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR)
    response = admin_client.post(
        change_url(person), change_form_data(person, roles=[Role.CANDIDATE.value])
    )
    assert response.status_code == 200
    assert "demande un compte relié à un candidat" in html.unescape(response.content.decode())
    assert held(person) == {Role.EVALUATOR.value}


# -- links of interest -----------------------------------------------------------------------


def test_a_link_of_interest_declared_in_the_form_is_journalled(
    admin_client: Client, make_user: MakeUser, candidates: list[Candidate]
) -> None:
    person = make_user(Role.EVALUATOR)
    candidate = candidates[0]
    data = change_form_data(
        person,
        **{
            "conflicts-TOTAL_FORMS": "1",
            "conflicts-0-id": "",
            "conflicts-0-user": str(person.pk),
            "conflicts-0-candidate": str(candidate.pk),
            "conflicts-0-kind": ConflictKind.TRAINER.value,
            "conflicts-0-note": "formatrice en 2025",
        },
    )

    response = admin_client.post(change_url(person), data)

    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get(user_id=person.pk, candidate=candidate)
    assert conflict.kind == ConflictKind.TRAINER
    assert conflict.note == "formatrice en 2025"
    assert AuditEvent.objects.filter(action="conflict.declared").count() == 1


def test_a_link_of_interest_removed_in_the_form_is_journalled(
    admin_client: Client, make_user: MakeUser, candidates: list[Candidate]
) -> None:
    person = make_user(Role.EVALUATOR)
    conflict = declare_conflict(person, candidates[0], ConflictKind.EMPLOYER)
    data = change_form_data(
        person,
        **{
            "conflicts-TOTAL_FORMS": "1",
            "conflicts-INITIAL_FORMS": "1",
            "conflicts-0-id": str(conflict.pk),
            "conflicts-0-user": str(person.pk),
            "conflicts-0-candidate": str(candidates[0].pk),
            "conflicts-0-kind": ConflictKind.EMPLOYER.value,
            "conflicts-0-note": "",
            "conflicts-0-DELETE": "on",
        },
    )

    response = admin_client.post(change_url(person), data)

    assert response.status_code == 302
    assert not ConflictOfInterest.objects.exists()
    event = AuditEvent.objects.get(action="conflict.withdrawn")
    assert event.before["candidate"] == candidates[0].numero


def test_the_change_form_lists_the_links_of_interest(
    admin_client: Client, make_user: MakeUser, candidates: list[Candidate]
) -> None:
    person = make_user(Role.JURY_MEMBER)
    declare_conflict(person, candidates[1], ConflictKind.RELATIVE, note="cousine")
    content = admin_client.get(change_url(person)).content.decode()
    assert "cousine" in content


def test_the_links_of_interest_admin_declares_through_the_service(
    admin_client: Client, make_user: MakeUser, candidates: list[Candidate]
) -> None:
    person = make_user(Role.EVALUATOR)
    response = admin_client.post(
        reverse("admin:accounts_conflictofinterest_add"),
        {
            "user": str(person.pk),
            "candidate": str(candidates[0].pk),
            "kind": ConflictKind.OTHER.value,
            "note": "voisin",
        },
    )
    assert response.status_code == 302
    assert ConflictOfInterest.objects.get().note == "voisin"
    assert AuditEvent.objects.filter(action="conflict.declared").count() == 1


def test_renaming_a_person_in_the_admin_is_journalled(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR)
    admin_client.post(change_url(person), change_form_data(person, last_name="Ferrand"))
    event = AuditEvent.objects.get(action="user.updated", object_id=str(person.pk))
    assert event.after == {"last_name": "Ferrand"}


def test_changing_a_password_in_the_admin_is_journalled_without_the_password(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR)
    secret = "Un-mot-de-passe-solide-2026"
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": secret, "password2": secret},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.password", object_id=str(person.pk))
    assert secret not in str(event.after) + str(event.before)
    person.refresh_from_db()
    assert person.check_password(secret)


def test_an_account_cannot_be_deleted_from_the_admin(
    admin_client: Client, make_user: MakeUser
) -> None:
    person = make_user(Role.EVALUATOR)
    response = admin_client.post(
        reverse("admin:auth_user_delete", args=[person.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert type(person).objects.filter(pk=person.pk).exists()
