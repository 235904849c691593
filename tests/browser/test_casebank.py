"""The bank of cases in a real browser: a gestionnaire draws a retake session's cases, the
candidate gets a case she has not had before, and sees it only once her épreuve has started."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from certif.candidates.models import Candidate
from certif.casebank.models import Draw
from certif.casebank.services import draw_cases
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from tests.browser.pages import log_in, log_out, screenshot
from tests.browser.scenes import PASSWORD, account
from tests.support.casebank import bank_of, case_session, set_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_retake_candidate_gets_a_new_case_and_opens_it_when_her_epreuve_starts(
    page: Page, live_server: object, version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    marie = candidates[0]
    bank_of("B2", 2)
    first = case_session(version, "2026-06", [marie], [("B2", "")])
    draw_cases(first, actor=None)
    had = Draw.objects.get(session=first).case
    today = timezone.localdate()
    retake = case_session(version, "2026-12", [marie], [("B2", "")], start=today)
    set_start(retake, ("B2", ""), timezone.now() + timedelta(hours=2))
    account("gestion", Role.STAFF, first_name="Claire", last_name="Bernard")
    account("marie", Role.CANDIDATE, candidate=marie)
    base = str(live_server)

    log_in(page, base, "gestion", PASSWORD)
    page.goto(f"{base}/cas/sessions/{retake.pk}/")
    page.get_by_role("button", name="Tirer les cas").click()
    expect(page.get_by_role("main")).to_contain_text("1 cas tiré(s).")
    drawn = Draw.objects.get(session=retake)
    assert drawn.case_id != had.pk
    table = page.get_by_role("table", name="Cas tirés, par candidat")
    expect(table).to_contain_text(drawn.case.reference)
    screenshot(page, "casebank-session-draws")
    _fits_390_px(
        page, f"{base}/cas/sessions/{retake.pk}/", f"{base}/cas/{drawn.case_id}/", f"{base}/cas/"
    )
    log_out(page)

    log_in(page, base, "marie", PASSWORD)
    page.goto(f"{base}/mon-espace/")
    cases = page.get_by_role("region", name="Mes cas d'épreuve")
    expect(cases).to_contain_text(drawn.case.reference)
    expect(cases).to_contain_text("accessible au début de l'épreuve")
    expect(cases.get_by_role("link", name="Ouvrir le cas")).to_have_count(0)

    set_start(retake, ("B2", ""), timezone.now() - timedelta(minutes=1))
    page.reload()
    cases.get_by_role("link", name="Ouvrir le cas").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(drawn.version.text)
    expect(main).not_to_contain_text(drawn.version.client_script)
    screenshot(page, "casebank-candidate-case")
    _fits_390_px(page, f"{base}/mon-espace/", page.url)


def _fits_390_px(page: Page, *urls: str) -> None:
    """The pages show without sideways scrolling on a 390 px wide phone."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    for url in urls:
        page.goto(url)
        assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390, url
    if size is not None:
        page.set_viewport_size(size)
