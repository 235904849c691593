"""« Statistiques » in a browser: the charts drawn, each with its data table, at any width."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.demo.loader import install_cohort
from certif.referential.models import ReferentialVersion
from certif.sessions.services import create_session
from tests.browser.pages import log_in, screenshot, visit
from tests.browser.scenes import PASSWORD, account, double_marked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COHORT = 20
CHARTS = ("chart-pass-rates", "chart-histogram-B1", "chart-criteria")


def set_up(version: ReferentialVersion) -> None:
    """The demo cohort, and one unit of a resit double-marked by two evaluators."""
    install_cohort(version, size=COHORT)
    staff = account("gestion", Role.STAFF, first_name="Claire", last_name="Bernard")
    markers = (
        account("eva", Role.EVALUATOR, first_name="Eva", last_name="Martin"),
        account("bruno", Role.EVALUATOR, first_name="Bruno", last_name="Leroy"),
    )
    resit = create_session(
        {"code": "2027-01", "title": "Rattrapage", "referential_version": version}, actor=staff
    )
    candidate = Candidate.objects.order_by("numero").first()
    assert candidate is not None
    block = version.referential.block("B1")
    double_marked(resit, candidate, block, markers, (Decimal("0.8"), Decimal("0.5")))


def test_the_page_shows_its_charts_each_followed_by_its_table(
    page: Page, live_server: object, version: ReferentialVersion
) -> None:
    set_up(version)
    base = str(live_server)
    log_in(page, base, "gestion", PASSWORD)
    assert visit(page, base + reverse("stats:page")) == 200
    expect(page.get_by_role("heading", level=1, name="Statistiques")).to_be_visible()
    for chart in CHARTS:
        figure = page.locator(f"figure:has(svg#{chart})")
        expect(figure).to_be_visible()
        title = page.locator(f"#{chart}-title").text_content()
        assert title
        expect(page.get_by_role("img", name=title)).to_be_visible()
        # The same figures as a table, under the chart.
        expect(page.locator(f"figure:has(svg#{chart}) ~ .table-wrap table").first).to_be_visible()
    expect(page.locator("#table-units tbody tr")).to_have_count(8)
    expect(page.locator("#table-evaluators tbody tr")).to_have_count(2)
    screenshot(page, "page-statistics")


def test_the_page_fits_a_390_px_screen(
    browser: Browser, live_server: object, version: ReferentialVersion
) -> None:
    set_up(version)
    base = str(live_server)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, base, "gestion", PASSWORD)
    assert visit(page, base + reverse("stats:page") + "?annee=2026") == 200
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390
    screenshot(page, "mobile-statistics")
    context.close()
