"""A gestionnaire sets the timetable of a session's épreuves in a real browser, from the session's
page, and the convocation produced next prints it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Sitting
from certif.sessions.services import create_session
from tests.browser.pages import log_in, screenshot
from tests.browser.scenes import PASSWORD, account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_gestionnaire_sets_the_time_and_room_of_an_epreuve_from_the_session_page(
    page: Page, live_server: object, version: ReferentialVersion
) -> None:
    staff = account("gestion", Role.STAFF, first_name="Claire", last_name="Bernard")
    session = create_session(
        {
            "code": "2027-01",
            "start_date": date(2027, 1, 11),
            "end_date": date(2027, 1, 15),
            "place": "Rouen",
            "referential_version": version,
        },
        actor=staff,
    )
    base = str(live_server)
    log_in(page, base, "gestion", PASSWORD)
    page.goto(base + reverse("sessions:detail", args=[session.pk]))
    page.get_by_role("link", name="Horaire des épreuves").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Horaire des épreuves — session 2027-01"
    )

    page.get_by_label("Jour de l'épreuve B2").fill("2027-01-12")
    page.get_by_label("Heure de début de l'épreuve B2").fill("14:30")
    page.get_by_label("Salle ou adresse de l'épreuve B2").fill("Salle Curie")
    page.get_by_label("Jour de l'épreuve B4 — B4Me2").fill("2027-01-20")
    page.get_by_label("Heure de début de l'épreuve B4 — B4Me2").fill("09:00")
    page.get_by_role("button", name="Enregistrer l'horaire").click()
    refusal = page.get_by_role("alert").filter(has_text="hors des dates de la session 2027-01")
    expect(refusal).to_be_visible()
    assert not Sitting.objects.filter(session=session).exists()
    screenshot(page, "timetable-refused")

    page.get_by_label("Jour de l'épreuve B4 — B4Me2").fill("")
    page.get_by_label("Heure de début de l'épreuve B4 — B4Me2").fill("")
    page.get_by_role("button", name="Enregistrer l'horaire").click()
    expect(page.get_by_text("L'horaire des épreuves est enregistré.")).to_be_visible()
    expect(page.get_by_label("Salle ou adresse de l'épreuve B2")).to_have_value("Salle Curie")
    sitting = Sitting.objects.get(session=session)
    assert (sitting.block.code, sitting.room) == ("B2", "Salle Curie")
    screenshot(page, "timetable-saved")
