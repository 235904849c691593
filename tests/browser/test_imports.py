"""The typo-session story in a real browser: a scores file names « 2027-21 » for « 2027-12 »; the
import refuses the unknown code; the box ticked by mistake makes the session; the gestionnaire
sees it on the import's report, reverts the import, and nothing wrong is left — the candidate's
journal telling the story. Screenshots at 390 px in English for docs/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Browser, Page, expect

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.grading.models import Score, ScoreSheet
from certif.imports.models import ImportBatch
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Enrolment, ExamSession
from certif.sessions.services import create_session
from tests.browser.pages import ARTIFACTS, log_in, screenshot
from tests.support.builders import score_rows
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The documentation's screenshots are written again only when asked (CERTIF_DOC_SCREENSHOTS=1):
# a test run leaves the tree as it was; otherwise they go with the test artefacts.
DOCS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("CERTIF_DOC_SCREENSHOTS") == "1"
    else ARTIFACTS
)
TYPO, MEANT = "2027-21", "2027-12"
REASON = "Session mal saisie : 2027-21 au lieu de 2027-12"


def _import(page: Page, path: Path, *, create: bool = False) -> None:
    page.locator("#id_notes-fichier").set_input_files(str(path))
    if create:
        page.get_by_label("Créer les sessions inconnues que le fichier nomme").check()
    page.get_by_role("button", name="Importer les notes").click()
    page.wait_for_load_state()


def test_a_typo_session_is_refused_then_reverted_leaving_nothing_wrong(
    page: Page,
    live_server: object,
    make_user: Callable[..., AbstractUser],
    ccab: Referential,
    version: ReferentialVersion,
    candidates: list[Candidate],
    tmp_path: Path,
) -> None:
    create_session({"code": MEANT, "title": "Décembre 2027", "referential_version": version})
    make_user(Role.STAFF, username="gestion")
    typo = write_csv(
        tmp_path / "notes-decembre.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12", TYPO)
    )
    base = str(live_server)
    log_in(page, base, "gestion", "pw-for-tests")
    page.goto(f"{base}/imports/")

    # Refused: the unknown code is listed, nothing written.
    _import(page, typo)
    problems = page.get_by_role("table", name="Problèmes du fichier")
    expect(problems).to_contain_text(TYPO)
    expect(problems).to_contain_text("session inconnue")
    assert not ExamSession.objects.filter(code=TYPO).exists()

    # The box ticked by mistake: the session is made, with an enrolment and a sheet.
    _import(page, typo, create=True)
    expect(page.get_by_text(f"Session créée : {TYPO}")).to_be_visible()
    assert Enrolment.objects.filter(session__code=TYPO).count() == 1
    batch = ImportBatch.objects.get(kind="scores")

    # She sees the wrong session on the import's report, and reverts the import.
    page.get_by_role("link", name=f"Voir — import n° {batch.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import n° {batch.pk}")
    expect(page.locator("#written")).to_contain_text(TYPO)
    page.get_by_role("link", name="Annuler l'import…").click()
    page.get_by_label("Motif").fill(REASON)
    page.get_by_role("button", name="Annuler l'import").click()
    page.get_by_role("button", name="Annuler l'import").click()  # the confirmation page
    expect(page.get_by_text(f"Import n° {batch.pk} annulé.")).to_be_visible()
    expect(page.get_by_text(f"Session supprimée : {TYPO}")).to_be_visible()

    # Nothing wrong is left.
    assert not ExamSession.objects.filter(code=TYPO).exists()
    assert not Enrolment.objects.exists()
    assert not ScoreSheet.objects.exists()
    assert not Score.objects.exists()
    assert ExamSession.objects.filter(code=MEANT).exists()

    # The candidate's journal tells the story: the import, what it wrote, its revert and why.
    candidate = Candidate.objects.get(numero="C001")
    page.goto(f"{base}/candidats/{candidate.pk}/")
    history = page.locator("table", has_text="Import annulé")
    expect(history).to_contain_text("Import de notes")
    expect(history).to_contain_text(TYPO)
    expect(history).to_contain_text(REASON)
    expect(page.get_by_text("Aucune modification enregistrée.")).to_have_count(0)
    screenshot(page, "imports-typo-journal")


def test_the_imports_pages_fit_390_px_in_english(
    browser: Browser,
    live_server: object,
    make_user: Callable[..., AbstractUser],
    ccab: Referential,
    candidates: list[Candidate],
    tmp_path: Path,
) -> None:
    from certif.imports.scores import import_scores

    path = write_csv(
        tmp_path / "notes.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12", TYPO)
    )
    batch_id = import_scores(path, create_sessions=True).batch_id
    make_user(Role.STAFF, username="gestion")
    base = str(live_server)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, base, "gestion", "pw-for-tests")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    DOCS.mkdir(parents=True, exist_ok=True)
    for url, name in [
        ("/imports/", "imports-page"),
        (f"/imports/{batch_id}/", "imports-report"),
        (f"/imports/{batch_id}/annuler/", "imports-revert"),
    ]:
        page.goto(base + url)
        assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390, url
        page.screenshot(path=str(DOCS / f"{name}-390-en.png"), full_page=True)
    # The confirmation asked after the reason.
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Revert the import").click()
    expect(page.get_by_role("button", name="Revert the import")).to_be_visible()
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390
    page.screenshot(path=str(DOCS / "imports-revert-confirmation-390-en.png"), full_page=True)
    context.close()
