"""A document whose content data protection erased says so when asked for its PDF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.accounts.tokens import issue_token
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.documents.models import IssuedDocument
from certif.privacy import services
from tests.support.api import Api

pytestmark = pytest.mark.django_db

REASON = "Demande d'effacement reçue le 3 mars 2026 par courrier."


@pytest.fixture
def erased(parchemin: IssuedDocument, candidates: list[Candidate]) -> IssuedDocument:
    candidate = candidates[0]
    services.anonymise(candidate, {"confirmation": candidate.numero, "reason": REASON})
    parchemin.refresh_from_db()
    return parchemin


def test_the_download_page_says_the_content_was_erased(
    erased: IssuedDocument, client_as: Callable[..., Client]
) -> None:
    response = client_as(Role.STAFF).get(
        f"/documents/document/{erased.public_id}/telecharger/", follow=True
    )
    assert response.redirect_chain[-1][0] == f"/documents/document/{erased.public_id}/"
    assert "a été effacé" in response.content.decode()


def test_the_api_answers_gone_with_the_reason(
    erased: IssuedDocument, make_user: Callable[..., AbstractUser]
) -> None:
    staff = make_user(Role.STAFF)
    answer = Api(issue_token(staff, "tests").secret, staff).get(
        f"/documents/{erased.public_id}/pdf"
    )
    assert answer.status_code == 410
    assert "a été effacé" in answer.json()["detail"]
