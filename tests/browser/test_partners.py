"""The partner portal in a real browser, as a partner's staff see it: their habilitations, their
own candidates, published results; never another partner's candidate. The screenshots go to
docs/screenshots/partners-*.png for docs/partners.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from certif.accounts.services import create_user
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.partners.services import change_habilitation
from tests.browser.pages import log_in, log_out, visit
from tests.browser.scenes import PASSWORD, account, graded_session, published_deliberation
from tests.support.partners import OTHER_SIRET, make_habilitation, make_partner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page: Page, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"partners-{name}.png"), full_page=True)


def test_a_partner_sees_its_own_candidates_and_their_published_results(
    page: Page, live_server: object, ccab: Referential, version: object, tmp_path: Path
) -> None:
    session, (c001, c002, c003) = graded_session(tmp_path, ccab)
    staff = account("gestion", Role.STAFF, first_name="Claire", last_name="Bernard")
    published_deliberation(session, staff)
    own = make_partner(legal_name="Institut Formation Banque Assurance")
    make_habilitation(own, nature="preparer_evaluer")
    other = make_partner(OTHER_SIRET, "École Rhône Conseil Clientèle")
    suspended = make_habilitation(other, nature="preparer", blocks="B1 B2")
    change_habilitation(
        suspended,
        {"action": "suspend", "effective_on": "2026-01-05", "reason": "Contrôle défavorable"},
    )
    Candidate.objects.filter(pk__in=[c001.pk, c002.pk]).update(partner=own)
    Candidate.objects.filter(pk=c003.pk).update(partner=other, nir="190037505612345")
    create_user("ifba", password=PASSWORD, roles=[Role.PARTNER], partner=own,
                first_name="Nora", last_name="Petit")  # fmt: skip
    base = str(live_server)

    log_in(page, base, "ifba", PASSWORD)
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link")).to_have_text(["Tableau de bord", "Mon organisme"])
    navigation.get_by_role("link", name="Mon organisme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(own.legal_name)
    main = page.get_by_role("main")
    expect(main).to_contain_text(c001.numero)
    expect(main).to_contain_text(c002.numero)
    expect(main).not_to_contain_text(c003.numero)
    shoot(page, "portal-home")

    page.get_by_role("link", name=c001.numero).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(c001.numero)
    expect(page.get_by_role("main")).to_contain_text("Résultat publié")
    shoot(page, "portal-candidate")

    page.goto(f"{base}{reverse('portal:results')}")
    expect(page.get_by_role("table")).to_contain_text(c001.numero)
    shoot(page, "portal-results")

    # Another partner's candidate: the same « not found » as a numero nobody has.
    assert visit(page, f"{base}{reverse('portal:candidate', args=[c003.numero])}") == 404
    assert visit(page, f"{base}{reverse('portal:candidate', args=['C999'])}") == 404
    for url in (
        reverse("candidates:list"),
        reverse("partners:list"),
        reverse("deliberations:list"),
    ):
        assert visit(page, f"{base}{url}") == 403, url

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}{reverse('portal:home')}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shoot(page, "portal-mobile")

    page.set_viewport_size({"width": 1366, "height": 900})
    log_out(page)
    log_in(page, base, "gestion", PASSWORD)
    page.goto(f"{base}{reverse('partners:detail', args=[other.siret])}")
    expect(page.get_by_role("main")).to_contain_text("suspendue")
    shoot(page, "staff-partner")
    page.goto(f"{base}{reverse('partners:declaration')}")
    expect(page.get_by_role("main")).to_contain_text("suspension")
    shoot(page, "staff-declaration")
