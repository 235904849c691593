"""Every page of the insertion survey, for every role: the gestionnaires' rates and sending,
the holders' form by its link (for anyone holding it, signed in or not)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from certif.core.roles import Role
from certif.insertion.tokens import token_for
from certif.tasks.models import Job
from tests.support.insertion import answered, employed, survey
from tests.support.plugin import ALL_ROLES

pytestmark = pytest.mark.django_db

RATES = "/statistiques/insertion/"
SEND = "/statistiques/insertion/envoyer/"
CHART = "/statistiques/insertion/graphique.svg"


def test_the_pages_are_at_their_addresses() -> None:
    assert reverse("insertion:rates") == RATES
    assert reverse("insertion:send") == SEND
    assert reverse("insertion_survey:answer", args=["abc"]) == "/enquete/abc/"


def test_only_gestionnaires_read_the_rates_and_send(
    client_for: Callable[[Role], Client], version: object
) -> None:
    for role in ALL_ROLES:
        client = client_for(role)
        expected = 200 if role == Role.STAFF else 403
        assert client.get(RATES).status_code == expected, role
        assert client.get(CHART).status_code == expected, role
        assert client.post(SEND).status_code == expected, role  # the confirmation page


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    for response in (client.get(RATES), client.get(CHART), client.post(SEND)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_form_opens_for_anyone_holding_the_link_and_for_nobody_without(
    client: Client, client_for: Callable[[Role], Client], version: object
) -> None:
    found = survey("V1")
    link = f"/enquete/{token_for(found.pk)}/"
    assert client.get(link).status_code == 200
    assert client.get("/enquete/sans-signature/").status_code == 404
    for role in ALL_ROLES:
        assert client_for(role).get(link).status_code == 200, role


def test_the_rates_page_shows_the_chart_and_its_data_table(
    client_for: Callable[[Role], Client], version: object
) -> None:
    answered(survey("V1", cohort=2025), **employed())
    survey("V2", cohort=2025)
    page = client_for(Role.STAFF).get(RATES, {"annee": "2025"}).content.decode()
    assert f'id="insertion-chart" src="{CHART}?annee=2025"' in page
    assert 'id="insertion-table"' in page
    assert "2025 — à 6 mois" in page
    assert "100,00\u00a0%" in page  # the employment rate
    assert "50,00\u00a0%" in page  # the response rate


def test_the_chart_is_an_svg_image_allowed_its_own_styles(
    client_for: Callable[[Role], Client], version: object
) -> None:
    answered(survey("V1", cohort=2025), **employed())
    response = client_for(Role.STAFF).get(CHART, {"annee": "2025"})
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    svg = response.content.decode()
    assert 'role="img"' in svg
    assert "2025 — à 6 mois — emploi" in svg
    assert "100,00" in svg


def test_sending_once_confirmed_starts_the_job(
    client_for: Callable[[Role], Client], version: object
) -> None:
    response = client_for(Role.STAFF).post(SEND, {"confirmed": "1"})
    job = Job.objects.get(kind="insertion.send")
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
