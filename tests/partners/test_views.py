"""The gestionnaire's partners pages: who may open them, the forms, the life-cycle changes,
the list for France compétences and its two-month deadlines on the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from certif.core.roles import Role
from certif.partners.models import DeclarationExport, Partner, PartnerAudit
from certif.partners.services import change_habilitation
from tests.support.partners import OTHER_SIRET, SIRET, make_habilitation, make_partner

pytestmark = pytest.mark.django_db

OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE, Role.PARTNER]


@pytest.fixture
def partner(version) -> Partner:  # type: ignore[no-untyped-def]
    partner = make_partner()
    make_habilitation(partner)
    return partner


def pages(partner: Partner) -> list[str]:
    return [
        reverse("partners:list"),
        reverse("partners:create"),
        reverse("partners:detail", args=[partner.siret]),
        reverse("partners:edit", args=[partner.siret]),
        reverse("partners:habilitation_create", args=[partner.siret]),
        reverse("partners:declaration"),
        reverse("partners:habilitation_print", args=[partner.habilitations.get().reference]),
        reverse("partners:habilitation_amend", args=[partner.habilitations.get().reference]),
        reverse("partners:habilitation_discard", args=[partner.habilitations.get().reference]),
    ]


def posts(partner: Partner) -> list[str]:
    reference = partner.habilitations.get().reference
    return [
        reverse("partners:habilitation_change", args=[reference]),
        reverse("partners:habilitation_document", args=[reference]),
        reverse("partners:habilitation_discard", args=[reference]),
        reverse("partners:audit_create", args=[partner.siret]),
        reverse("partners:transmit", args=[1]),
    ]


def test_a_gestionnaire_sees_every_partners_page(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    client = client_as(Role.STAFF)
    for url in pages(partner):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_every_partners_page(
    role: Role, client_as: Callable[..., Client], partner: Partner, candidates
) -> None:  # type: ignore[no-untyped-def]
    client = client_as(
        role,
        candidate=candidates[0] if role is Role.CANDIDATE else None,
        partner=partner if role is Role.PARTNER else None,
    )
    for url in pages(partner):
        assert client.get(url).status_code == 403, url
    for url in posts(partner):
        assert client.post(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login_page(partner: Partner) -> None:
    for url in pages(partner):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_partner_created_on_its_page_is_shown(client_as: Callable[..., Client]) -> None:
    client = client_as(Role.STAFF)
    response = client.post(
        reverse("partners:create"), {"siret": "552 081 317 66522", "legal_name": "École B"}
    )
    assert response.status_code == 302
    assert Partner.objects.get().siret == OTHER_SIRET


def test_a_wrong_siret_is_shown_beside_its_field(client_as: Callable[..., Client]) -> None:
    client = client_as(Role.STAFF)
    response = client.post(
        reverse("partners:create"), {"siret": "73282932000075", "legal_name": "A"}
    )
    assert response.status_code == 200
    assert "formule de Luhn" in response.context["form"].errors["siret"][0]


def test_an_overlapping_habilitation_cannot_be_activated_from_the_page(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    client = client_as(Role.STAFF)
    second = make_habilitation(partner, nature="preparer", blocks="B1", active=False)
    response = client.post(
        reverse("partners:habilitation_change", args=[second.reference]),
        {"action": "activate", "effective_on": "2026-01-01"},
        follow=True,
    )
    assert "chevauchement" in response.content.decode()
    assert second.state_on(date(2026, 1, 2)).value == "draft"


def test_a_suspension_from_the_page_records_its_reason(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    client = client_as(Role.STAFF)
    habilitation = partner.habilitations.get()
    client.post(
        reverse("partners:habilitation_change", args=[habilitation.reference]),
        {"action": "suspend", "effective_on": "2026-01-05", "reason": "Contrôle défavorable"},
    )
    assert habilitation.changes.last().reason == "Contrôle défavorable"


def test_a_control_with_a_required_action_is_recorded(
    client_as: Callable[..., Client], partner: Partner
) -> None:
    client = client_as(Role.STAFF)
    client.post(
        reverse("partners:audit_create", args=[partner.siret]),
        {"planned_on": "2026-03-01", "status": "done", "done_on": "2026-03-02",
         "auditor": "A. Martin", "scope": "Bloc B1", "findings": "Feuilles d'émargement absentes"},
    )  # fmt: skip
    control = PartnerAudit.objects.get()
    client.post(
        reverse("partners:audit_action", args=[partner.siret, control.pk]),
        {"description": "Fournir les feuilles", "due_on": "2026-04-01"},
    )
    assert control.actions.get().description == "Fournir les feuilles"


def test_the_deadline_appears_after_a_change_and_closes_on_a_declared_export(
    client_as: Callable[..., Client], version
) -> None:  # type: ignore[no-untyped-def]
    client = client_as(Role.STAFF)
    partner = make_partner()
    today = date.today()
    habilitation = make_habilitation(partner, starts_on=today - timedelta(days=3), active=False)
    change_habilitation(habilitation, {"action": "activate", "effective_on": today.isoformat()})
    dashboard = client.get(reverse("home")).content.decode()
    assert habilitation.reference in dashboard
    assert "à déclarer" in dashboard
    response = client.post(reverse("partners:declaration"), {"format": "csv"})
    assert response.status_code == 200
    assert SIRET in response.content.decode("utf-8-sig")
    export = DeclarationExport.objects.get()
    client.post(
        reverse("partners:transmit", args=[export.pk]), {"transmitted_on": today.isoformat()}
    )
    page = client.get(reverse("partners:declaration"))
    assert page.context["rows"] == []
    assert habilitation.reference not in client.get(reverse("home")).content.decode()


def test_an_expiring_qualiopi_certificate_is_on_the_dashboard(
    client_as: Callable[..., Client],
) -> None:
    partner = make_partner()
    Partner.objects.filter(pk=partner.pk).update(
        qualiopi_expires_on=date.today() + timedelta(days=10)
    )
    page = client_as(Role.STAFF).get(reverse("home")).content.decode()
    assert "certificat Qualiopi à échéance" in page
