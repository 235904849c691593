"""The personal link: valid, forged, expired, used; the answer recorded once, journalled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import signing
from django.test import Client

from certif.core.errors import Invalid, NotFound
from certif.core.models import AuditEvent
from certif.insertion import actions
from certif.insertion.models import Answer
from certif.insertion.services import AlreadyAnswered, LinkExpired, answer_survey
from certif.insertion.tokens import SALT, token_for
from tests.support.insertion import answered, employed, survey

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return f"/enquete/{token}/"


def test_a_valid_link_opens_the_form_without_an_account(client: Client, version: object) -> None:
    found = survey("L1")
    response = client.get(url(token_for(found.pk)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quelle est votre situation aujourd" in page
    assert "Chargé(e) de clientèle Assurance, Banque" in page  # the référentiel's target job


def test_a_forged_link_is_refused_in_french(client: Client, version: object) -> None:
    found = survey("L1")
    token = token_for(found.pk)
    # Signed with another key, or another survey's payload under this survey's signature.
    forged = signing.Signer(key="not-the-server-key", salt=SALT).sign_object({"survey": found.pk})
    other_payload = token_for(found.pk + 1).rsplit(":", 1)[0]
    swapped = other_payload + ":" + token.rsplit(":", 1)[1]
    for attempt in (forged, swapped, token[:-2] + "xx", "n-importe-quoi"):
        response = client.get(url(attempt))
        assert response.status_code == 404
        assert "pas valide : vérifiez qu" in response.content.decode()
    with pytest.raises(NotFound):
        answer_survey(forged, employed())


def test_a_link_to_a_survey_that_no_longer_exists_is_refused(client: Client) -> None:
    assert client.get(url(token_for(999_999))).status_code == 404


def test_an_expired_link_says_so_and_takes_no_answer(client: Client, version: object) -> None:
    found = survey("L1", closes_on=date.today() - timedelta(days=1))
    response = client.get(url(token_for(found.pk)))
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()
    with pytest.raises(LinkExpired):
        answer_survey(token_for(found.pk), employed())
    assert not Answer.objects.exists()


def test_a_link_answers_once(client: Client, version: object) -> None:
    found = survey("L1")
    token = token_for(found.pk)
    response = client.post(url(token), {**employed(), "works_abroad": "no"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    again = client.post(url(token), {"situation": "job_seeker"})
    assert again.status_code == 409
    assert "Vous avez déjà répondu à cette enquête" in again.content.decode()
    with pytest.raises(AlreadyAnswered):
        answer_survey(token, {"situation": "job_seeker"})
    assert Answer.objects.get().situation == "employed"


def test_an_answer_is_journalled_without_its_content(version: object) -> None:
    found = survey("L1")
    answered(found, **employed())
    event = AuditEvent.objects.get(action=actions.ANSWERED.code)
    assert event.after == {"point": "6_months", "source": "form"}


def test_a_holder_in_employment_must_describe_the_job(client: Client, version: object) -> None:
    found = survey("L1")
    with pytest.raises(Invalid) as refused:
        answer_survey(token_for(found.pk), {"situation": "employed"})
    assert set(refused.value.errors) == {"job_title", "targeted_job", "contract", "working_time"}
    response = client.post(url(token_for(found.pk)), {"situation": "employed"})
    assert response.status_code == 400
    assert "Indiquez votre type de contrat." in response.content.decode()
    assert not Answer.objects.exists()


def test_the_form_speaks_english_to_whoever_chose_it(client: Client, version: object) -> None:
    found = survey("L1")
    client.cookies["django_language"] = "en"
    page = client.get(url(token_for(found.pk))).content.decode()
    assert "What is your situation today?" in page
    assert "Send my answer" in page
    expired = survey("L2", closes_on=date.today() - timedelta(days=1))
    assert "This link has expired" in client.get(url(token_for(expired.pk))).content.decode()
