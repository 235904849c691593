"""Discarding a draft habilitation written by mistake: one verb, one policy, the page's button
with its confirmation; anything but a draft is refused in French."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

from certif.core.errors import Forbidden, Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.partners.models import Habilitation
from certif.partners.policies import may_discard_habilitation
from certif.partners.services import (
    PartnerError,
    attach_document,
    discard_habilitation,
)
from tests.support.partners import make_habilitation, make_partner

pytestmark = pytest.mark.django_db

REASON = {"motif": "Créée sur le mauvais organisme"}


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_draft_is_discarded_with_its_reason_in_the_journal(version, make_user) -> None:  # type: ignore[no-untyped-def]
    draft = make_habilitation(make_partner(), active=False)
    discard_habilitation(draft, REASON, actor=make_user(Role.STAFF))
    assert not Habilitation.objects.filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(action="partner.habilitation_discarded")
    assert event.object_label == draft.reference
    assert event.reason == REASON["motif"]
    assert event.before["nature"] == "preparer_evaluer"


def test_a_discarded_reference_is_never_given_again(version) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner()
    draft = make_habilitation(partner, active=False)
    discard_habilitation(draft, REASON)
    assert make_habilitation(partner, active=False).reference != draft.reference


def test_an_activated_habilitation_is_refused_in_french(version) -> None:  # type: ignore[no-untyped-def]
    active = make_habilitation(make_partner())
    with pytest.raises(PartnerError, match="n'est pas un brouillon : elle a déjà été activée"):
        discard_habilitation(active, REASON)
    assert Habilitation.objects.filter(pk=active.pk).exists()


def test_a_draft_with_its_signed_act_is_refused(version, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    draft = make_habilitation(make_partner(), active=False)
    attach_document(draft, [_pdf()], "acte.pdf")
    with pytest.raises(PartnerError, match="acte signé a été déposé"):
        discard_habilitation(draft, REASON)


def test_a_discard_needs_a_reason(version) -> None:  # type: ignore[no-untyped-def]
    draft = make_habilitation(make_partner(), active=False)
    with pytest.raises(Invalid):
        discard_habilitation(draft, {"motif": "erreur"})
    assert Habilitation.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.STAFF, True),
        (Role.PARTNER, False),
        (Role.EVALUATOR, False),
        (Role.JURY_MEMBER, False),
        (Role.JURY_PRESIDENT, False),
        (Role.CANDIDATE, False),
    ],
)
def test_only_a_gestionnaire_may_discard(
    role: Role, allowed: bool, version, make_user, candidates
) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner()
    draft = make_habilitation(partner, active=False)
    user = make_user(
        role,
        candidate=candidates[0] if role is Role.CANDIDATE else None,
        partner=partner if role is Role.PARTNER else None,
    )
    assert may_discard_habilitation(user, draft) is allowed
    if not allowed:
        with pytest.raises(Forbidden):
            discard_habilitation(draft, REASON, actor=user)
        assert Habilitation.objects.filter(pk=draft.pk).exists()


def test_the_page_asks_a_reason_then_a_confirmation(
    version, client_as: Callable[..., Client]
) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner()
    draft = make_habilitation(partner, active=False)
    client = client_as(Role.STAFF)
    detail = client.get(reverse("partners:detail", args=[partner.siret])).content.decode()
    url = reverse("partners:habilitation_discard", args=[draft.reference])
    assert url in detail
    assert "Le journal garde ses termes" in client.get(url).content.decode()
    asked = client.post(url, REASON)
    assert asked.status_code == 200
    assert "Cette action est définitive" in asked.content.decode()
    assert Habilitation.objects.filter(pk=draft.pk).exists()
    done = client.post(url, {**REASON, "confirmed": "1"})
    assert done.status_code == 302
    assert not Habilitation.objects.filter(pk=draft.pk).exists()


def test_the_page_says_why_an_active_habilitation_cannot_be_discarded(
    version, client_as: Callable[..., Client]
) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner()
    active = make_habilitation(partner)
    client = client_as(Role.STAFF)
    detail = client.get(reverse("partners:detail", args=[partner.siret])).content.decode()
    url = reverse("partners:habilitation_discard", args=[active.reference])
    assert url not in detail
    page = client.get(url).content.decode()
    assert "ne peut pas être abandonnée" in page
    client.post(url, {**REASON, "confirmed": "1"})
    assert Habilitation.objects.filter(pk=active.pk).exists()


@pytest.mark.parametrize("role", [Role.PARTNER, Role.EVALUATOR, Role.CANDIDATE])
def test_other_roles_are_refused_the_page(
    role: Role, version, client_as: Callable[..., Client], candidates
) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner()
    draft = make_habilitation(partner, active=False)
    client = client_as(
        role,
        candidate=candidates[0] if role is Role.CANDIDATE else None,
        partner=partner if role is Role.PARTNER else None,
    )
    url = reverse("partners:habilitation_discard", args=[draft.reference])
    assert client.get(url).status_code == 403
    assert client.post(url, {**REASON, "confirmed": "1"}).status_code == 403
    assert Habilitation.objects.filter(pk=draft.pk).exists()
    assert Client().get(url).status_code == 302
