"""The timetable page: a gestionnaire sets the day, time and room of each épreuve, is told what
is wrong with a line, and never overwrites a timetable someone else saved meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certif.core.roles import Role
from certif.documents import services
from certif.documents.models import Kind
from certif.sessions.models import ExamSession, Sitting
from certif.sessions.timetable import Slot, set_timetable, timetable
from tests.support.documents import candidate

pytestmark = pytest.mark.django_db

ClientFor = Callable[..., Client]


def url(session: ExamSession) -> str:
    return reverse("documents:timetable", args=[session.pk])


def posted(session: ExamSession, **lines: str) -> dict[str, str]:
    """The form as the page sends it: every épreuve's three fields, empty unless given."""
    data = {"fingerprint": timetable(session).fingerprint}
    for row in timetable(session).rows:
        prefix = f"{row.unit[0]}-{row.unit[1]}" if row.unit[1] else row.unit[0]
        for name in ("jour", "heure", "salle"):
            data[f"{prefix}-{name}"] = ""
    data.update({name.replace("_", "-"): value for name, value in lines.items()})
    return data


def test_the_page_shows_a_line_per_epreuve_with_its_current_slot(
    session: ExamSession, staff: AbstractUser, client_for: ClientFor
) -> None:
    starts = timezone.make_aware(datetime(2026, 6, 17, 9, 0))
    set_timetable(session, {("B3", "pme"): Slot(starts, "Salle Turing")}, staff)
    page = client_for(Role.STAFF).get(url(session)).content.decode()
    assert "B3 — PME" in page
    assert 'value="2026-06-17"' in page
    assert 'value="09:00"' in page
    assert 'value="Salle Turing"' in page


def test_a_gestionnaire_saves_a_slot_and_is_sent_back_to_the_page(
    session: ExamSession, client_for: ClientFor
) -> None:
    data = posted(session, B2_jour="2026-06-16", B2_heure="14:30", B2_salle="Salle Curie")
    response = client_for(Role.STAFF).post(url(session), data)
    assert (response.status_code, response["Location"]) == (302, url(session))
    sitting = Sitting.objects.get(session=session)
    assert (sitting.block.code, sitting.room) == ("B2", "Salle Curie")
    assert timezone.localtime(sitting.starts_at) == timezone.make_aware(
        datetime(2026, 6, 16, 14, 30)
    )


def test_a_time_without_a_day_is_named_on_its_line_and_nothing_is_saved(
    session: ExamSession, client_for: ClientFor
) -> None:
    response = client_for(Role.STAFF).post(url(session), posted(session, B1_heure="09:00"))
    assert response.status_code == 400
    assert (
        "Indiquez le jour de l&#x27;épreuve, ou videz toute la ligne." in response.content.decode()
    )
    assert not Sitting.objects.filter(session=session).exists()


def test_a_day_outside_the_session_is_explained_and_nothing_is_saved(
    session: ExamSession, client_for: ClientFor
) -> None:
    data = posted(session, B1_jour="2026-07-01", B1_heure="09:00")
    response = client_for(Role.STAFF).post(url(session), data)
    assert response.status_code == 400
    assert "le 01/07/2026 est hors des dates de la session 2026-06" in response.content.decode()
    assert not Sitting.objects.filter(session=session).exists()


def test_a_save_over_a_timetable_changed_meanwhile_is_refused_showing_what_was_saved(
    session: ExamSession, staff: AbstractUser, client_for: ClientFor
) -> None:
    data = posted(session, B1_jour="2026-06-15", B1_heure="09:00")
    other = timezone.make_aware(datetime(2026, 6, 15, 13, 0))
    set_timetable(session, {("B1", ""): Slot(other, "Amphithéâtre")}, staff)
    response = client_for(Role.STAFF).post(url(session), data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "modifié entre-temps par une autre personne" in page
    assert "Amphithéâtre" in page
    assert timetable(session).rows[0].slot == Slot(other, "Amphithéâtre")


def test_a_change_after_convocations_were_issued_says_they_keep_the_former_timetable(
    session: ExamSession, staff: AbstractUser, client_for: ClientFor
) -> None:
    services.issue(services.Subject(Kind.CONVOCATION, session, candidate("C002")), staff)
    data = posted(session, B1_jour="2026-06-15", B1_heure="09:00")
    response = client_for(Role.STAFF).post(url(session), data, follow=True)
    assert "1 convocation déjà délivrée garde l&#x27;ancien horaire" in response.content.decode()


def test_the_session_page_links_to_its_timetable_and_documents(
    session: ExamSession, client_for: ClientFor
) -> None:
    page = client_for(Role.STAFF).get(reverse("sessions:detail", args=[session.pk]))
    assert url(session) in page.content.decode()
    assert reverse("documents:session", args=[session.pk]) in page.content.decode()
