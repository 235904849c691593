"""Every main page of a gestionnaire, over a small realistic cohort, with a screenshot each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations.models import Deliberation
from certif.deliberations.services import open_deliberation
from certif.demo.loader import configure_demo_certifier, install_cohort
from certif.documents.content import verify_url
from certif.documents.models import Kind
from certif.documents.services import generate
from certif.referential.models import Block, ReferentialVersion
from certif.sessions.models import Assignment, ExamSession
from certif.sessions.services import create_session
from tests.browser.pages import log_in, screenshot, visit
from tests.browser.scenes import PASSWORD, account, double_marked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COHORT = 20


@dataclass(frozen=True)
class Cohort:
    """What the tour shows: a session deliberating, a candidate, a resit awaiting reconciliation."""

    version: ReferentialVersion
    session: ExamSession
    candidate: Candidate
    deliberation: Deliberation
    resit: ExamSession


@dataclass(frozen=True)
class Stop:
    name: str
    url: str
    heading: str


def set_up_cohort(version: ReferentialVersion) -> Cohort:
    """The demo cohort, a deliberation opened on its first session, and one unit of a resit
    session double-marked by two evaluators who disagree."""
    install_cohort(version, size=COHORT)
    session = ExamSession.objects.order_by("code").first()
    candidate = Candidate.objects.order_by("numero").first()
    assert session is not None
    assert candidate is not None
    staff = account("gestion", Role.STAFF, first_name="Claire", last_name="Bernard")
    deliberation = open_deliberation(session, staff, date(2026, 7, 1), "Paris")
    markers = (
        account("eva", Role.EVALUATOR, first_name="Eva", last_name="Martin"),
        account("bruno", Role.EVALUATOR, first_name="Bruno", last_name="Leroy"),
    )
    resit = create_session(
        {"code": "2027-01", "title": "Session de rattrapage", "referential_version": version},
        actor=staff,
    )
    block = version.referential.block("B1")
    double_marked(resit, candidate, block, markers, (Decimal("0.8"), Decimal("0.5")))
    return Cohort(version, session, candidate, deliberation, resit)


def tour(cohort: Cohort) -> list[Stop]:
    """The gestionnaire's main pages, each with its main heading."""
    session, code = cohort.session, cohort.session.code
    deliberation = cohort.deliberation
    b1 = Block.objects.get(version=cohort.version, code="B1")
    return [
        Stop("dashboard", reverse("home"), "Tableau de bord"),
        Stop("candidates-list", reverse("candidates:list"), "Candidats"),
        Stop(
            "candidate-file",
            reverse("candidates:detail", args=[cohort.candidate.pk]),
            cohort.candidate.display_name,
        ),
        Stop("sessions-list", reverse("sessions:list"), "Sessions"),
        Stop("session-detail", reverse("sessions:detail", args=[session.pk]), f"Session {code}"),
        Stop(
            "session-enrolment",
            reverse("sessions:enrol", args=[session.pk]),
            f"Inscrire des candidats à la session {code}",
        ),
        Stop(
            "session-assignment",
            reverse("sessions:assign", args=[session.pk]),
            f"Affecter des évaluateurs — session {code}",
        ),
        Stop(
            "referential-overview",
            reverse("referential:overview"),
            cohort.version.referential.title,
        ),
        Stop("referential-matrix", reverse("referential:matrix"), "Matrice compétences"),
        Stop("referential-errata", reverse("referential:errata"), "Errata"),
        Stop("journal", reverse("journal:list"), "Journal"),
        Stop("imports", reverse("imports:home"), "Imports et exports"),
        Stop("deliberations-list", reverse("deliberations:list"), "Délibérations"),
        Stop(
            "deliberation-detail",
            reverse("deliberations:detail", args=[deliberation.pk]),
            f"Session {code} — délibération n° {deliberation.number}",
        ),
        Stop(
            "session-documents",
            reverse("documents:session", args=[session.pk]),
            f"Documents officiels — session {code}",
        ),
        Stop(
            "session-timetable",
            reverse("documents:timetable", args=[session.pk]),
            f"Horaire des épreuves — session {code}",
        ),
        Stop("casebank", reverse("casebank:list"), "Banque de cas"),
        Stop(
            "session-cases",
            reverse("casebank:session", args=[session.pk]),
            f"Cas de la session {code}",
        ),
        Stop("reconciliations", reverse("grading:reconciliations"), "Rapprochements en attente"),
        Stop(
            "reconciliation",
            reverse("grading:reconcile", args=[cohort.resit.pk, cohort.candidate.pk, b1.pk]),
            "Rapprochement des deux corrections — B1",
        ),
    ]


def test_every_main_page_of_a_gestionnaire_renders_with_its_heading(
    page: Page, live_server: object, version: ReferentialVersion
) -> None:
    stops = tour(set_up_cohort(version))
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    base = str(live_server)
    log_in(page, base, "gestion", PASSWORD)

    for stop in stops:
        assert visit(page, base + stop.url) == 200, stop.name
        expect(page.get_by_role("heading", level=1, name=stop.heading)).to_be_visible()
        expect(page.get_by_text("Server Error")).to_have_count(0)
        screenshot(page, f"page-{stop.name}")
    assert script_errors == []


def test_a_visitor_following_a_convocation_s_qr_code_sees_it_valid_and_little_else(
    page: Page, live_server: object, version: ReferentialVersion
) -> None:
    cohort = set_up_cohort(version)
    configure_demo_certifier()
    convocation = generate(cohort.session, Kind.CONVOCATION, None, acknowledged=True).documents[0]
    assert convocation.candidate is not None

    assert visit(page, verify_url(str(live_server), convocation.public_id)) == 200
    expect(page.get_by_role("heading", level=1, name="Vérification d'un document")).to_be_visible()
    expect(page.get_by_text("Ce document a bien été délivré et il est valide.")).to_be_visible()
    expect(page.get_by_text(convocation.holder_name)).to_be_visible()
    expect(page.get_by_text(convocation.candidate.numero)).to_have_count(0)
    screenshot(page, "page-verification")


def _fits_the_screen(page: Page) -> int:
    """How far the page reaches sideways, in CSS pixels (the viewport's width when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _others_tour(cohort: Cohort) -> list[tuple[str, str]]:
    """The main pages of an evaluator, a jury president and a candidate (their own accounts)."""
    assignment = Assignment.objects.filter(session=cohort.resit).order_by("marker").first()
    assert assignment is not None
    account("marie", Role.CANDIDATE, candidate=cohort.candidate)
    account("paul", Role.JURY_PRESIDENT, first_name="Paul", last_name="Durand")
    return [
        ("eva", reverse("grading:mine")),
        ("eva", reverse("grading:sheet", args=[assignment.pk])),
        ("paul", reverse("deliberations:list")),
        ("marie", reverse("myspace:home")),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_main_page_fits_a_390_px_screen_without_sideways_scrolling(
    browser: Browser, live_server: object, version: ReferentialVersion, language: str
) -> None:
    cohort = set_up_cohort(version)
    visits = [("gestion", stop.url) for stop in tour(cohort)] + _others_tour(cohort)
    base = str(live_server)
    too_wide: dict[str, int] = {}
    for username in dict.fromkeys(user for user, _url in visits):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
        page = context.new_page()
        log_in(page, base, username, PASSWORD)
        if language == "en":
            page.goto(f"{base}/")
            page.get_by_label("Langue").select_option("en")
            page.get_by_role("button", name="Changer").click()
            page.wait_for_load_state()
        for user, url in visits:
            if user != username:
                continue
            assert visit(page, base + url) == 200, url
            width = _fits_the_screen(page)
            if width > 390:
                too_wide[url] = width
            screenshot(
                page, f"mobile-{language}-{username}-{url.strip('/').replace('/', '-') or 'home'}"
            )
        context.close()
    assert too_wide == {}
