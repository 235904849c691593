"""The insertion survey in a real browser: a holder answers by their link on a 390 px phone,
without an account, then the gestionnaire finds the rates, the chart and its table."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from certif.core.roles import Role
from certif.insertion.models import Answer
from certif.insertion.tokens import token_for
from tests.browser.pages import log_in, screenshot
from tests.browser.scenes import PASSWORD, account
from tests.support.insertion import survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_holder_answers_on_a_phone_and_the_rates_show_it(
    browser: Browser, page: Page, live_server: object, version: object
) -> None:
    found = survey("T001")
    survey("T002")
    base = str(live_server)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    holder = phone.new_page()
    holder.goto(f"{base}/enquete/{token_for(found.pk)}/")
    expect(holder.get_by_role("heading", level=1, name="Enquête d'insertion")).to_be_visible()
    holder.get_by_label("En emploi (salarié, fonctionnaire, indépendant)").check()
    holder.get_by_label("Intitulé de votre poste").fill("Conseillère clientèle")
    holder.get_by_label("Ce poste est-il l'un des métiers visés").select_option("CCAB")
    holder.get_by_label("Type de contrat").select_option("permanent")
    holder.get_by_label("Temps de travail").select_option("full_time")
    assert holder.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(holder, "insertion-form-390")
    holder.get_by_role("button", name="Envoyer ma réponse").click()
    expect(holder.get_by_role("status")).to_contain_text("votre réponse est enregistrée")
    holder.goto(f"{base}/enquete/{token_for(found.pk)}/")
    expect(holder.get_by_role("status")).to_contain_text("Vous avez déjà répondu")
    phone.close()
    answer = Answer.objects.get()
    assert (answer.situation, answer.targeted_job, answer.works_abroad) == (
        "employed", "CCAB", False,
    )  # fmt: skip

    account("gestion", Role.STAFF)
    log_in(page, base, "gestion", PASSWORD)
    page.goto(f"{base}/statistiques/insertion/")
    chart = page.locator("#insertion-chart")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Enquêtes d'insertion, par promotion et par enquête")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2025 — à 6 mois"))
    expect(row).to_contain_text("100,00\u00a0%")
    expect(row).to_contain_text("50,00\u00a0%")
    screenshot(page, "insertion-rates")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
