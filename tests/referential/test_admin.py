"""The référentiel is browsable, and only browsable, in the Django admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from certif.referential.models import Block, Criterion
from certif.referential.services import load_builtin

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    user = User.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def test_admin_lists_referential_versions(staff_client: Client) -> None:
    version = load_builtin().version
    response = staff_client.get(reverse("admin:referential_referentialversion_changelist"))
    assert response.status_code == 200
    assert version.title in response.content.decode()


def test_admin_shows_a_block_with_its_criteria(staff_client: Client) -> None:
    load_builtin()
    block = Block.objects.get(code="B3")
    response = staff_client.get(reverse("admin:referential_block_change", args=[block.pk]))
    assert response.status_code == 200
    assert "B3Cr4bis" in response.content.decode()


def test_admin_refuses_to_change_a_criterion(staff_client: Client) -> None:
    load_builtin()
    criterion = Criterion.objects.get(code="B1Cr1")
    url = reverse("admin:referential_criterion_change", args=[criterion.pk])
    response = staff_client.post(url, {"code": "X", "max_points": "99"})
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.max_points == 4


def test_admin_refuses_anonymous_visitors(client: Client) -> None:
    response = client.get(reverse("admin:referential_referentialversion_changelist"))
    assert response.status_code == 302
