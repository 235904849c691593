"""Deposits in a real browser: a candidate proposes her mémoire subject, the Direction
pédagogique approves it, she deposits her mémoire and her B1 support before the deadline, a
late re-deposit is refused, and her evaluator opens both from the grids and finds the count of
pages offered for MEMPages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.grading.forms import value_name
from certif.referential.models import Block, ReferentialVersion
from certif.sessions.models import Assignment, ExamSession
from certif.submissions.models import Deposit
from tests.browser.pages import log_in, log_out, screenshot
from tests.browser.scenes import PASSWORD, account, import_people
from tests.deposits.pdfs import pdf_bytes
from tests.support.submissions import session_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page: Page, section: str, name: str, content: bytes, annexes: str = "") -> None:
    card = page.get_by_role("region", name=section)
    card.get_by_label("Fichier PDF").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": content}
    )
    if annexes:
        card.get_by_label("Page où commencent les annexes").fill(annexes)
    card.locator("button[type=submit]").click()


def test_a_subject_approved_then_both_files_deposited_and_opened_by_the_evaluator(
    page: Page,
    live_server: object,
    ccab: Referential,
    version: ReferentialVersion,
    tmp_path: Path,
) -> None:
    (marie,) = import_people(tmp_path, [("C001", "Dupont", "Marie", "12/03/1990")])
    session = session_in(version, marie, 30)
    account("marie", Role.CANDIDATE, candidate=marie, first_name="Marie", last_name="Dupont")
    account("pedago", Role.PEDAGOGY, first_name="Paul", last_name="Leroy")
    evaluator = account("eval", Role.EVALUATOR, first_name="Eva", last_name="Martin")
    grids = {
        code: Assignment.objects.create(
            session=session,
            candidate=marie,
            block=Block.objects.get(version=version, code=code),
            evaluator=evaluator,
        )
        for code in ("B1", "MEM")
    }
    base = str(live_server)
    memoire_label = ccab.deliverable("MEMDocument").deliverable.label
    support_label = ccab.deliverable("B1Support").deliverable.label

    log_in(page, base, "marie", PASSWORD)
    page.goto(f"{base}/mon-espace/")
    page.get_by_role("link", name="Mon sujet de mémoire").click()
    page.get_by_label("Titre").fill("Fidéliser la clientèle des PME")
    page.get_by_label("Problématique").fill("Comment fidéliser les dirigeants de PME ?")
    page.get_by_label("Plan sommaire").fill("1. Constat ; 2. Leviers ; 3. Plan d'action.")
    page.get_by_role("button", name="Envoyer à la Direction pédagogique").click()
    expect(page.get_by_text("proposé", exact=True)).to_be_visible()
    log_out(page)

    log_in(page, base, "pedago", PASSWORD)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Sujets de mémoire"
    ).click()
    page.get_by_role("link", name="Fidéliser la clientèle des PME").click()
    page.get_by_role("combobox", name="Décision").select_option("approved")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("heading", name="Déjà examinés")).to_be_visible()
    log_out(page)

    log_in(page, base, "marie", PASSWORD)
    page.goto(f"{base}/mon-espace/depots/")
    upload(page, memoire_label, "memoire.pdf", pdf_bytes(40), annexes="32")
    expect(page.get_by_role("status")).to_contain_text("« memoire.pdf » est déposé")
    upload(page, support_label, "plan-action.pdf", pdf_bytes(5))
    expect(page.get_by_role("region", name=support_label)).to_contain_text("plan-action.pdf")
    screenshot(page, "deposits-candidate")

    # The oral moves to three days from now: the support was due a week before it.
    soon = timezone.localdate() + timedelta(days=3)
    ExamSession.objects.filter(pk=session.pk).update(start_date=soon, end_date=soon)
    upload(page, support_label, "plan-action-v2.pdf", pdf_bytes(6))
    expect(page.get_by_role("region", name=support_label)).to_contain_text("le dépôt est fermé")
    assert Deposit.objects.filter(deliverable="B1Support").count() == 1
    log_out(page)

    log_in(page, base, "eval", PASSWORD)
    for code, expected in (("B1", "5 pages"), ("MEM", "31 hors annexes")):
        page.goto(f"{base}/grilles/feuille/{grids[code].pk}/")
        files = page.get_by_role("region", name="Fichiers déposés par le candidat")
        expect(files).to_contain_text(expected)
        link = files.get_by_role("link", name="Ouvrir le fichier déposé (version 1)")
        answer = page.request.get(base + str(link.get_attribute("href")))
        assert answer.status == 200
        assert answer.body().startswith(b"%PDF-")
    expect(page.locator(f"input[name={value_name('MEMPages')}]")).to_have_value("31")
    screenshot(page, "deposits-grid")
