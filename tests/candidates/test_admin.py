"""Candidates in the admin: written through the services, so every change is checked like on
the pages and journalled."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from certif.candidates.models import IDENTITY_FIELDS, Candidate
from certif.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "r@example.org", "pw"))
    return client


def identity(candidate: Candidate, **changes: str) -> dict[str, str]:
    data = {}
    for name in IDENTITY_FIELDS:
        value = getattr(candidate, name)
        data[name] = (
            value.isoformat()
            if hasattr(value, "isoformat")
            else ("" if value is None else str(value))
        )
    return {**data, **changes}


def test_renaming_a_candidate_in_the_admin_is_journalled(
    admin_client: Client, candidates: list[Candidate]
) -> None:
    candidate = candidates[0]
    url = reverse("admin:candidates_candidate_change", args=[candidate.pk])
    response = admin_client.post(url, identity(candidate, birth_name="Durand"))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="candidate.updated", object_id=str(candidate.pk))
    assert event.after == {"birth_name": "Durand"}


def test_the_admin_refuses_what_the_pages_refuse(
    admin_client: Client, candidates: list[Candidate]
) -> None:
    candidate = candidates[0]
    url = reverse("admin:candidates_candidate_change", args=[candidate.pk])
    admin_client.post(url, identity(candidate, birth_date="1850-01-01"))
    candidate.refresh_from_db()
    assert candidate.birth_date.year != 1850
    assert not AuditEvent.objects.filter(action="candidate.updated").exists()


def test_a_candidate_cannot_be_deleted_from_the_admin(
    admin_client: Client, candidates: list[Candidate]
) -> None:
    url = reverse("admin:candidates_candidate_delete", args=[candidates[0].pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
