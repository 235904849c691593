"""The admin lists deliberations, members, decisions and recusals, read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.deliberations import services
from certif.deliberations.models import Deliberation, JuryMember
from tests.support.deliberations import decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_data(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], candidates: list[Candidate]
) -> Client:
    services.recuse(jury[1], candidates[0], None, "formateur")
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:deliberations_deliberation_changelist",
        "admin:deliberations_jurymember_changelist",
        "admin:deliberations_decision_changelist",
        "admin:deliberations_recusal_changelist",
    ],
)
def test_admin_lists_each_record_kind(admin_client_with_data: Client, name: str) -> None:
    assert admin_client_with_data.get(reverse(name)).status_code == 200


def test_admin_shows_a_deliberation_with_its_members_read_only(
    admin_client_with_data: Client, deliberation: Deliberation
) -> None:
    url = reverse("admin:deliberations_deliberation_change", args=[deliberation.pk])
    page = admin_client_with_data.get(url).content.decode()
    assert "Hélène Président" in page
    assert 'name="place"' not in page


def test_admin_shows_a_decision_read_only(
    admin_client_with_data: Client, deliberation: Deliberation
) -> None:
    target = decision(deliberation, "C002", "B1")
    url = reverse("admin:deliberations_decision_change", args=[target.pk])
    response = admin_client_with_data.get(url)
    assert response.status_code == 200
    assert 'name="justification"' not in response.content.decode()
