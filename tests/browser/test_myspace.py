"""A candidate's own space in a real browser: their published decisions, nothing of anyone else."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from certif.core.roles import Role
from certif.deliberations.models import CERTIFICATION, Decision
from certif.domain.referential.schema import Referential
from tests.browser.pages import log_in, screenshot, visit
from tests.browser.scenes import PASSWORD, account, graded_session, published_deliberation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_candidate_sees_only_their_own_results(
    page: Page, live_server: object, ccab: Referential, version: object, tmp_path: Path
) -> None:
    session, (c001, c002, c003) = graded_session(tmp_path, ccab)
    staff = account("gestion", Role.STAFF, first_name="Claire", last_name="Bernard")
    deliberation = published_deliberation(session, staff)
    account("marie", Role.CANDIDATE, candidate=c001)
    base = str(live_server)

    log_in(page, base, "marie", PASSWORD)
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link")).to_have_text(["Tableau de bord", "Mon espace"])
    navigation.get_by_role("link", name="Mon espace").click()
    expect(page.get_by_role("heading", level=1, name="Mon espace")).to_be_visible()

    main = page.get_by_role("main")
    expect(main).to_contain_text(c001.numero)
    decisions = page.get_by_role("table", name="Décisions du jury par bloc")
    own = Decision.objects.filter(deliberation=deliberation, candidate=c001).exclude(
        unit=CERTIFICATION
    )
    expect(decisions.get_by_role("row")).to_have_count(own.count() + 1)
    for decision in own.order_by("position"):
        row = decisions.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=decision.unit)
        )
        expect(row).to_contain_text(decision.get_status_display())
    for other in (c002, c003):
        expect(main).not_to_contain_text(other.numero)
        expect(main).not_to_contain_text(other.birth_name, ignore_case=True)
    screenshot(page, "myspace-candidate")

    staff_pages = [
        reverse("candidates:list"),
        reverse("candidates:detail", args=[c002.pk]),
        reverse("sessions:list"),
        reverse("deliberations:list"),
        reverse("deliberations:detail", args=[deliberation.pk]),
        reverse("journal:list"),
        reverse("imports:home"),
        reverse("grading:reconciliations"),
    ]
    for url in staff_pages:
        assert visit(page, base + url) == 403, url
        expect(page.get_by_role("heading", level=1, name="Accès refusé")).to_be_visible()
        expect(page.get_by_role("main")).not_to_contain_text(c002.numero)
