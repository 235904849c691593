"""The portal's published results as a file: exactly the page's table (the partner's own
candidates, published results only), formulas neutralised, journalled; nobody else's."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.deliberations.models import Deliberation, JuryMember
from certif.deliberations.services import publish_results
from certif.partners.models import Partner
from tests.support.deliberations import closed
from tests.support.partners import OTHER_SIRET, make_partner

pytestmark = pytest.mark.django_db

URL = "/organisme/resultats/telecharger/"


@pytest.fixture
def partner(candidates: list[Candidate]) -> Partner:
    """C001 is this partner's candidate, C002 another partner's."""
    partner = make_partner()
    other = make_partner(OTHER_SIRET, "Autre organisme")
    Candidate.objects.filter(numero="C001").update(partner=partner)
    Candidate.objects.filter(numero="C002").update(partner=other)
    return partner


@pytest.fixture
def published(
    partner: Partner,
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
) -> Deliberation:
    done = closed(deliberation, president)
    publish_results(done, staff)
    return done


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_address_is_the_portal_s() -> None:
    assert reverse("portal:results_download") == URL


def test_the_file_is_the_page_s_table_of_the_partner_s_own_candidates(
    client_as: Callable[..., Client], partner: Partner, published: Deliberation
) -> None:
    client = client_as(Role.PARTNER, partner=partner)
    page = client.get(reverse("portal:results"))
    response = client.post(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response.content)
    shown = page.context["rows"]
    assert rows[0] == ["numero", "candidat", *page.context["codes"], "certification"]
    assert [row[0] for row in rows[1:]] == [r.candidate.numero for r in shown] == ["C001"]
    first = shown[0].result
    assert rows[1][2:] == [
        *(unit.status_label for unit in first.blocks),
        first.certification.status_label,
    ]
    assert "C002" not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(action="partner.results_exported")
    assert event.object_label == str(partner)
    assert event.after["rows"] == 1
    assert event.after["format"] == "csv"


def test_nothing_unpublished_is_in_the_file(
    client_as: Callable[..., Client],
    partner: Partner,
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
) -> None:
    closed(deliberation, president)  # closed, not published
    response = client_as(Role.PARTNER, partner=partner).post(URL, {"format": "csv"})
    assert _rows(response.content)[1:] == []


def test_a_name_a_spreadsheet_would_take_for_a_formula_is_neutralised(
    client_as: Callable[..., Client], partner: Partner, published: Deliberation
) -> None:
    Candidate.objects.filter(numero="C001").update(birth_name='=HYPERLINK("http://x")')
    client = client_as(Role.PARTNER, partner=partner)
    rows = _rows(client.post(URL, {"format": "csv"}).content)
    assert rows[1][1].startswith("'=")
    response = client.post(URL, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[0] == "C001"
    assert values[1].startswith("'=")
    assert all(cell.data_type != "f" for cell in next(sheet.iter_rows(min_row=2, max_row=2)))


def test_another_partner_gets_only_its_own_candidates(
    client_as: Callable[..., Client], partner: Partner, published: Deliberation
) -> None:
    other = Partner.objects.get(siret=OTHER_SIRET)
    rows = _rows(client_as(Role.PARTNER, partner=other).post(URL, {"format": "csv"}).content)
    assert [row[0] for row in rows[1:]] == ["C002"]


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.STAFF, Role.EVALUATOR])
def test_other_roles_are_refused(
    role: Role,
    client_as: Callable[..., Client],
    candidates: list[Candidate],
    published: Deliberation,
) -> None:
    client = client_as(role, candidate=candidates[0] if role is Role.CANDIDATE else None)
    assert client.post(URL, {"format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action="partner.results_exported").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(published: Deliberation) -> None:
    response = Client().post(URL, {"format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_download_is_a_post(client_as: Callable[..., Client], partner: Partner) -> None:
    assert client_as(Role.PARTNER, partner=partner).get(URL).status_code == 405


def test_the_policy_lets_a_partner_s_staff_only(make_user, partner: Partner) -> None:  # type: ignore[no-untyped-def]
    from certif.partners.policies import may_export_results

    other = Partner.objects.get(siret=OTHER_SIRET)
    assert may_export_results(make_user(Role.PARTNER, partner=partner), partner)
    assert not may_export_results(make_user(Role.PARTNER, partner=other), partner)
    assert not may_export_results(make_user(Role.STAFF), partner)
