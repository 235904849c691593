"""The jury's deliberation in a real browser: opening, composition, decisions, closing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, Request, expect

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations.checks import check_composition
from certif.deliberations.models import (
    Affiliation,
    Deliberation,
    MemberRole,
    Resolution,
    UnitStatus,
)
from certif.deliberations.services import MIN_JUSTIFICATION, open_deliberation, record_member
from certif.domain.referential.schema import Referential
from tests.browser.pages import log_in, log_out, screenshot
from tests.browser.scenes import PASSWORD, SESSION, account, graded_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JUSTIFICATION = "Oral de rattrapage remarquable : le jury valide le bloc B1 au vu du dossier."
TOO_SHORT = "Bon oral."


def the_deliberation() -> Deliberation:
    return Deliberation.objects.get(session__code=SESSION)


def check_panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Contrôle avant clôture")


def expect_problems(page: Page, presiding: bool = True) -> None:
    """The page lists exactly the problems the service would refuse the closing for; the
    president's closing button stays disabled (a gestionnaire has none: the president closes)."""
    problems = check_composition(the_deliberation())
    assert problems
    expect(check_panel(page).get_by_role("listitem")).to_have_text(problems)
    close = page.get_by_role("button", name="Clore la délibération")
    if presiding:
        expect(close).to_be_disabled()
    else:
        expect(close).to_have_count(0)


def add_member(
    page: Page, name: str, role: str, affiliation: str, username: str, present: bool
) -> None:
    composition = page.locator("#composition")
    composition.get_by_text("Ajouter un membre", exact=True).click()
    composition.get_by_label("Nom et prénom").fill(name)
    composition.get_by_label("Rôle dans le jury").select_option(label=role)
    composition.get_by_label("Rattachement").select_option(label=affiliation)
    composition.get_by_label("Compte (facultatif)").select_option(label=f"{name} ({username})")
    composition.get_by_label("Présent").set_checked(present)
    composition.get_by_role("button", name="Ajouter au jury").click()
    expect(composition.get_by_role("status").filter(has_text=f"{name} ajouté(e)")).to_be_visible()


def candidate_row(page: Page, candidate: Candidate) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=candidate.numero))


def test_the_president_overrides_a_decision_with_a_justification_checks_the_composition_and_closes(
    page: Page, live_server: object, ccab: Referential, version: object, tmp_path: Path
) -> None:
    session, (_c001, c002, _c003) = graded_session(tmp_path, ccab)
    account("gestion", Role.STAFF, first_name="Claire", last_name="Bernard")
    account("presidente", Role.JURY_PRESIDENT, first_name="Hélène", last_name="Roux")
    account("marc", Role.JURY_MEMBER, first_name="Marc", last_name="Petit")
    base = str(live_server)

    # A gestionnaire opens the deliberation and seats the jury; its president then conducts it.
    log_in(page, base, "gestion", PASSWORD)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Délibérations"
    ).click()
    page.get_by_role("link", name=f"Ouvrir la délibération — {session.code}").click()
    page.get_by_label("Lieu").fill("Paris, siège du certificateur")
    page.get_by_role("button", name="Ouvrir la délibération").click()
    expect(
        page.get_by_role("heading", level=1, name=f"Session {session.code} — délibération n° 1")
    ).to_be_visible()
    expect_problems(page, presiding=False)

    add_member(
        page,
        "Hélène Roux",
        "président ou présidente",
        "extérieur au certificateur",
        "presidente",
        present=True,
    )
    add_member(page, "Marc Petit", "membre", "interne au certificateur", "marc", present=False)
    expect_problems(page, presiding=False)
    log_out(page)
    log_in(page, base, "presidente", PASSWORD)
    page.goto(base + reverse("deliberations:detail", args=[the_deliberation().pk]))

    # Overriding the proposal needs a written justification: none, then too short, is refused.
    override_url = reverse("deliberations:override", args=[the_deliberation().pk, c002.pk])
    overrides: list[str] = []

    def remember_override(request: Request) -> None:
        if override_url in request.url:
            overrides.append(request.url)

    page.on("request", remember_override)
    row = candidate_row(page, c002)
    row.get_by_text("Modifier une décision").click()
    row.get_by_label("Objet").select_option("B1")
    row.get_by_label("Décision du jury").select_option(label=str(UnitStatus.VALIDATED.label))
    justification = row.get_by_label("Justification (obligatoire)")
    row.get_by_role("button", name="Enregistrer la décision").click()
    assert justification.evaluate("field => field.validity.valueMissing") is True
    assert len(TOO_SHORT) < MIN_JUSTIFICATION
    justification.fill(TOO_SHORT)
    row.get_by_role("button", name="Enregistrer la décision").click()
    row = candidate_row(page, c002)
    expect(row.get_by_role("alert")).to_contain_text("justifiée par écrit")
    # Only the short one reached the server: the browser kept the empty one back.
    assert len(overrides) == 1
    decision = the_deliberation().decisions.get(candidate=c002, unit="B1")
    assert decision.resolution == Resolution.PENDING
    screenshot(page, "deliberation-override-refused")

    row.get_by_label("Justification (obligatoire)").fill(JUSTIFICATION)
    row.get_by_role("button", name="Enregistrer la décision").click()
    row = candidate_row(page, c002)
    expect(row.get_by_role("status")).to_contain_text("Décision du jury enregistrée")
    expect(row).to_contain_text("Jury : validé (modifiée)")
    decision.refresh_from_db()
    assert decision.resolution == Resolution.OVERRIDDEN
    assert decision.status == UnitStatus.VALIDATED
    assert decision.justification == JUSTIFICATION

    page.get_by_role("button", name="Confirmer toutes les propositions restantes").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("seront confirmées")
    screenshot(page, "deliberation-confirm-all")
    page.get_by_role("button", name="Confirmer toutes les propositions").click()
    expect(page.get_by_role("status").filter(has_text="propositions confirmées")).to_be_visible()
    # Every decision taken, but one member present only: closing still refused.
    expect_problems(page)
    screenshot(page, "deliberation-composition-problems")

    page.get_by_role("button", name="Enregistrer sa présence — Marc Petit").click()
    expect(check_panel(page)).to_contain_text("la délibération peut être close")
    assert check_composition(the_deliberation()) == []
    page.get_by_role("button", name="Clore la délibération").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("deviennent définitives")
    page.get_by_role("button", name="Clore la délibération").click()

    expect(
        page.get_by_role("status").filter(has_text="ne peuvent plus être modifiées")
    ).to_be_visible()
    closed = the_deliberation()
    assert closed.digest
    expect(page.get_by_text(closed.digest, exact=True)).to_be_visible()
    expect(check_panel(page)).to_contain_text("Délibération close.")
    for action in ("Clore la délibération", "Ajouter au jury", "Enregistrer la décision"):
        expect(page.get_by_role("button", name=action)).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Décider")).to_have_count(0)
    expect(candidate_row(page, c002)).to_contain_text("Jury : validé (modifiée)")
    screenshot(page, "deliberation-closed")


def test_a_decision_on_one_row_leaves_the_jury_panel_and_the_decisions_table_intact(
    page: Page, live_server: object, ccab: Referential, version: object, tmp_path: Path
) -> None:
    session, people = graded_session(tmp_path, ccab)
    staff = account("gestion", Role.STAFF)
    president = account("presidente", Role.JURY_PRESIDENT, first_name="Hélène", last_name="Roux")
    deliberation = open_deliberation(session, staff, date(2026, 7, 1), "Paris")
    record_member(
        deliberation,
        staff,
        full_name=president.get_full_name(),
        role=MemberRole.PRESIDENT,
        affiliation=Affiliation.EXTERNAL,
        user=president,
    )
    base = str(live_server)
    log_in(page, base, "presidente", PASSWORD)
    page.goto(base + reverse("deliberations:detail", args=[deliberation.pk]))
    decisions = page.get_by_role("table", name=f"{len(people)} candidats")
    expect(decisions.get_by_role("row")).to_have_count(len(people) + 1)

    page.get_by_role("button", name=f"Confirmer les propositions — {people[1].numero}").click()
    expect(candidate_row(page, people[1]).get_by_role("status")).to_contain_text("confirmées")
    screenshot(page, "deliberation-after-row-decision")
    members = page.get_by_role("region", name="Membres du jury")
    expect(members.get_by_role("table")).to_have_count(1)
    expect(decisions.get_by_role("row")).to_have_count(len(people) + 1)
