"""Partners and habilitations written through the services: checked, journalled, refused in
French as the domain refuses."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfWriter

from certif.core.errors import Forbidden, Invalid, Stale
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.partners.habilitations import Need
from certif.partners.models import Habilitation, Partner
from certif.partners.services import (
    PartnerError,
    attach_document,
    change_habilitation,
    create_partner,
    update_partner,
)
from tests.support.partners import (
    END,
    SIRET,
    START,
    WRONG_KEY_SIRET,
    make_habilitation,
    make_partner,
)

pytestmark = pytest.mark.django_db


def test_a_partner_is_created_with_its_siret_compacted_and_journalled() -> None:
    partner = create_partner({"siret": "732 829 320 00074", "legal_name": "Institut"})
    assert partner.siret == SIRET
    assert AuditEvent.objects.filter(action="partner.created").count() == 1


def test_a_siret_with_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        create_partner({"siret": WRONG_KEY_SIRET, "legal_name": "Institut"})
    assert "formule de Luhn" in refused.value.errors["siret"][0]
    assert not Partner.objects.exists()


def test_a_second_partner_with_the_same_siret_is_refused() -> None:
    make_partner()
    with pytest.raises(Invalid, match="SIRET existe déjà"):
        make_partner()


def test_only_a_gestionnaire_creates_a_partner(make_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        create_partner({"siret": SIRET, "legal_name": "X"}, actor=make_user(Role.EVALUATOR))


def test_an_edit_from_a_stale_page_is_refused() -> None:
    partner = make_partner()
    update_partner(partner, {"legal_name": "Nouveau nom", "revision": "1"})
    with pytest.raises(Stale):
        update_partner(partner, {"legal_name": "Autre nom", "revision": "1"})
    assert Partner.objects.get().legal_name == "Nouveau nom"


def test_a_habilitation_is_created_as_a_draft(version) -> None:  # type: ignore[no-untyped-def]
    habilitation = make_habilitation(make_partner(), active=False)
    assert habilitation.reference == "HAB-0001"
    assert habilitation.state_on(START).value == "draft"


def test_an_inverted_habilitation_is_refused(version) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match="précède sa date de début"):
        make_habilitation(make_partner(), starts_on=END, ends_on=START)
    assert not Habilitation.objects.exists()


def test_a_block_the_referential_lacks_is_refused(version) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match="inconnu"):
        make_habilitation(make_partner(), blocks="B1 B99")


def test_an_overlapping_activation_is_refused(version) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner()
    make_habilitation(partner, nature="preparer", blocks="B1 B2")
    second = make_habilitation(partner, nature="preparer_evaluer", blocks="B2", active=False)
    with pytest.raises(PartnerError, match="chevauchement avec l'habilitation HAB-0001"):
        change_habilitation(second, {"action": "activate", "effective_on": START.isoformat()})
    assert second.state_on(START).value == "draft"


def test_a_suspension_needs_a_reason_and_is_journalled(version) -> None:  # type: ignore[no-untyped-def]
    habilitation = make_habilitation(make_partner())
    with pytest.raises(Invalid):
        change_habilitation(habilitation, {"action": "suspend", "effective_on": "2026-01-05"})
    change_habilitation(
        habilitation,
        {"action": "suspend", "effective_on": "2026-01-05", "reason": "Contrôle défavorable"},
    )
    assert habilitation.state_on(date(2026, 1, 5)).value == "suspended"
    event = AuditEvent.objects.filter(action="partner.habilitation_changed").order_by("id").last()
    assert event is not None
    assert event.reason == "Contrôle défavorable"


def test_a_change_the_life_cycle_lacks_is_refused_in_french(version) -> None:  # type: ignore[no-untyped-def]
    habilitation = make_habilitation(make_partner())
    with pytest.raises(PartnerError, match="impossible de la réactiver"):
        change_habilitation(
            habilitation, {"action": "reactivate", "effective_on": "2026-01-05", "reason": "x"}
        )


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_the_signed_act_is_kept_with_its_sha256(version, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    habilitation = make_habilitation(make_partner(), active=False)
    kept = attach_document(habilitation, [_pdf()], "acte.pdf")
    assert len(kept.document_sha256) == 64
    assert (tmp_path / "habilitations" / kept.document_sha256[:2]).is_dir()


def test_a_signed_act_that_is_not_a_pdf_is_refused(version, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    habilitation = make_habilitation(make_partner(), active=False)
    with pytest.raises(Invalid, match=r"acte\.pdf"):
        attach_document(habilitation, [b"hello"], "acte.pdf")


def test_an_amendment_adds_a_block_from_its_date_and_is_a_change_to_declare(version) -> None:  # type: ignore[no-untyped-def]
    from certif.domain.partners.declaration import ChangeKind, changes_of
    from certif.partners.services import amend_habilitation

    habilitation = make_habilitation(make_partner(), nature="preparer", blocks="B1")
    amend_habilitation(
        habilitation,
        {"certification": "CCAB", "nature": "preparer", "blocks": "B1 B2",
         "starts_on": START.isoformat(), "ends_on": END.isoformat(),
         "effective_on": "2026-03-01", "reason": "Avenant n° 1 signé le 20 février"},
    )  # fmt: skip
    domain = Habilitation.objects.get().to_domain()
    assert domain.covers("CCAB", "B2", date(2026, 3, 1), Need.PREPARATION)
    assert not domain.covers("CCAB", "B2", date(2026, 2, 28), Need.PREPARATION)
    kinds = [change.kind for change in changes_of(domain, date(2026, 3, 2))]
    assert ChangeKind.AMENDMENT in kinds


def test_an_amendment_ending_before_its_date_is_refused(version) -> None:  # type: ignore[no-untyped-def]
    from certif.partners.services import amend_habilitation

    habilitation = make_habilitation(make_partner(), nature="preparer", blocks="B1")
    with pytest.raises(PartnerError, match="résiliez-la"):
        amend_habilitation(
            habilitation,
            {"certification": "CCAB", "nature": "preparer", "blocks": "B1",
             "starts_on": START.isoformat(), "ends_on": "2026-01-31",
             "effective_on": "2026-03-01", "reason": "Fin anticipée"},
        )  # fmt: skip
