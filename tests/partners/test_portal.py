"""The partner portal: a partner's staff see and enrol their own candidates only; another
partner's candidate is refused exactly as an unknown one; the NIR is never shown once saved."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.partners.models import Partner
from certif.sessions.models import Enrolment
from certif.sessions.services import create_session
from tests.support.partners import OTHER_SIRET, make_habilitation, make_partner

pytestmark = pytest.mark.django_db

NIR = "2 90 03 75 056 123 52"
OTHER_ROLES = [Role.STAFF, Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]


@pytest.fixture
def partner(version, candidates: list[Candidate]) -> Partner:  # type: ignore[no-untyped-def]
    """C001 is this partner's candidate, C002 another partner's."""
    partner = make_partner()
    make_habilitation(
        partner, nature="preparer", blocks="B1", ends_on=date.today() + timedelta(days=400)
    )
    other = make_partner(OTHER_SIRET, "Autre organisme")
    Candidate.objects.filter(numero="C001").update(partner=partner)
    Candidate.objects.filter(numero="C002").update(partner=other)
    return partner


def _without_tokens(content: bytes, numero: str) -> str:
    """The page without what changes at every answer (the CSRF token) nor the numero asked."""
    return re.sub(r"[A-Za-z0-9]{64}", "", content.decode()).replace(numero, "…")


def pages() -> list[str]:
    return [
        reverse("portal:home"),
        reverse("portal:candidate_create"),
        reverse("portal:candidates_import"),
        reverse("portal:candidate", args=["C001"]),
        reverse("portal:candidate_edit", args=["C001"]),
        reverse("portal:enrol"),
        reverse("portal:results"),
    ]


def test_a_partner_account_sees_every_portal_page(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    client = client_as(Role.PARTNER, partner=partner)
    for url in pages():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [r for r in OTHER_ROLES if r is not Role.STAFF])
def test_other_roles_are_refused_the_portal(
    role: Role, client_as: Callable[..., Client], partner: Partner, candidates: list[Candidate]
) -> None:
    client = client_as(role, candidate=candidates[0] if role is Role.CANDIDATE else None)
    for url in pages():
        assert client.get(url).status_code == 403, url


def test_a_gestionnaire_uses_the_gestionnaire_pages_not_the_portal(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    client = client_as(Role.STAFF)
    assert client.get(reverse("portal:home")).status_code == 403


def test_another_partners_candidate_is_refused_as_an_unknown_one(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    client = client_as(Role.PARTNER, partner=partner)
    for view in ("portal:candidate", "portal:candidate_edit"):
        other = client.get(reverse(view, args=["C002"]))
        unknown = client.get(reverse(view, args=["C999"]))
        assert other.status_code == unknown.status_code == 404
        assert _without_tokens(other.content, "C002") == _without_tokens(unknown.content, "C999")


def test_a_candidate_created_by_a_partner_is_its_own_and_its_nir_never_shown(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    client = client_as(Role.PARTNER, partner=partner)
    response = client.post(
        reverse("portal:candidate_create"),
        {"numero": "P001", "birth_name": "Martin", "first_name": "Julie", "sex": "F",
         "birth_date": "1990-03-12", "nir": NIR},
    )  # fmt: skip
    assert response.status_code == 302
    candidate = Candidate.objects.get(numero="P001")
    assert candidate.partner == partner
    for url in (
        reverse("portal:candidate", args=["P001"]),
        reverse("portal:candidate_edit", args=["P001"]),
    ):
        page = client.get(url).content.decode()
        assert "75056" not in page.replace(" ", "")
        assert "123" not in page.split("NIR", 1)[1][:400]


def test_a_partner_enrols_its_own_candidate_within_its_habilitation(
    client_as: Callable[..., Client], partner: Partner, version
) -> None:  # type: ignore[no-untyped-def]
    create_session({"code": "2099-01", "referential_version": version.pk,
                    "start_date": (date.today() + timedelta(days=30)).isoformat()})  # fmt: skip
    client = client_as(Role.PARTNER, partner=partner)
    url = reverse("portal:enrol")
    refused = client.post(url, {"session": "2099-01", "unites": ["B2"], "candidats": ["C001"]})
    assert "pas habilité à préparer B2" in refused.content.decode()
    other = client.post(url, {"session": "2099-01", "unites": ["B1"], "candidats": ["C002"]})
    assert other.status_code == 200
    assert not Enrolment.objects.exists()
    done = client.post(url, {"session": "2099-01", "unites": ["B1"], "candidats": ["C001"]})
    assert done.status_code == 302
    assert Enrolment.objects.get().candidate.numero == "C001"


def test_a_partner_imports_its_candidates_linked_to_it(
    client_as: Callable[..., Client], partner: Partner, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.support.files import CANDIDATE_HEADER, write_csv

    path = write_csv(
        tmp_path / "c.csv", CANDIDATE_HEADER, [("P010", "Martin", "Julie", "12/03/1990")]
    )
    client = client_as(Role.PARTNER, partner=partner)
    with path.open("rb") as upload:
        response = client.post(reverse("portal:candidates_import"), {"fichier": upload})
    assert response.status_code == 302
    assert Candidate.objects.get(numero="P010").partner == partner


def test_a_partner_cannot_import_over_another_partners_candidate(
    client_as: Callable[..., Client], partner: Partner, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.support.files import CANDIDATE_HEADER, write_csv

    path = write_csv(tmp_path / "c.csv", CANDIDATE_HEADER, [("C002", "Autre", "Nom", "12/03/1990")])
    client = client_as(Role.PARTNER, partner=partner)
    with path.open("rb") as upload:
        response = client.post(reverse("portal:candidates_import"), {"fichier": upload})
    assert "numéro déjà utilisé" in response.content.decode()
    assert Candidate.objects.get(numero="C002").birth_name != "Autre"


def test_a_partner_account_finds_its_candidates_from_the_dashboard(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    page = client_as(Role.PARTNER, partner=partner).get(reverse("home")).content.decode()
    assert partner.legal_name in page
    assert reverse("portal:enrol") in page
