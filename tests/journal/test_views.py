"""The journal: score changes and recorded writes, merged newest first, filtered, paged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.candidates.services import update_candidate
from certif.core import audit
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain import values
from certif.domain.referential.schema import Referential
from certif.grading.models import Score, ScoreSheet
from certif.grading.services import change_score
from certif.imports.scores import import_scores
from certif.journal.entries import SCORE_CHANGED, Cursor
from tests.support.builders import score_rows
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db

OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]


@pytest.fixture
def sheets(ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> list[ScoreSheet]:
    rows = score_rows(ccab, "C001", "B1", "12") + score_rows(ccab, "C002", "B2", "12", "2027-01")
    import_scores(write_csv(tmp_path / "notes.csv", SCORE_HEADER, rows), create_sessions=True)
    return list(ScoreSheet.objects.order_by("candidate__numero"))


@pytest.fixture
def staff(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.STAFF, username="gestion")


def signed_in(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def entries(client: Client, **params: str) -> list[tuple[str, str]]:
    response = client.get(reverse("journal:list"), params)
    assert response.status_code == 200
    return [(entry.action, entry.subject.label) for entry in response.context["page"].entries]


def test_a_gestionnaire_reads_the_journal(
    client_as: Callable[..., Client], version: object
) -> None:
    assert client_as(Role.STAFF).get(reverse("journal:list")).status_code == 200


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_the_journal(
    role: Role, client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    client = client_as(role, candidate=candidates[0] if role is Role.CANDIDATE else None)
    assert client.get(reverse("journal:list")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(db: None) -> None:
    response = Client().get(reverse("journal:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_score_change_shows_before_after_who_and_why(
    sheets: list[ScoreSheet], staff: AbstractUser
) -> None:
    sheet = sheets[0]
    score = Score.objects.select_related("criterion").get(sheet=sheet, criterion__code="B1Cr2")
    kind = score.criterion.kind
    before = values.display(kind, values.decode(kind, score.value))
    change_score(sheet.pk, "B1Cr2", Decimal("0.5"), actor=staff, reason="erreur de saisie")
    response = signed_in(staff).get(reverse("journal:list"))
    (entry,) = [e for e in response.context["page"].entries if e.action == SCORE_CHANGED]
    assert entry.actor == "gestion"
    assert [(c.name, c.before, c.after) for c in entry.changes] == [("B1Cr2", before, "0,50")]
    assert entry.reason == "erreur de saisie"
    html = response.content.decode()
    assert f"{before} → 0,50" in html
    assert "erreur de saisie" in html


def test_entries_are_merged_newest_first(sheets: list[ScoreSheet], staff: AbstractUser) -> None:
    change_score(sheets[0].pk, "B1Cr1", Decimal("1"), actor=staff)
    update_candidate(sheets[1].candidate, {"phone": "0102030405"}, actor=staff)
    change_score(sheets[0].pk, "B1Cr1", Decimal("2"), actor=staff)
    page = signed_in(staff).get(reverse("journal:list")).context["page"]
    moments = [entry.at for entry in page.entries]
    assert moments == sorted(moments, reverse=True)
    assert [e.action for e in page.entries][:3] == [
        SCORE_CHANGED,
        "candidate.updated",
        SCORE_CHANGED,
    ]


def test_the_journal_filters_by_candidate(sheets: list[ScoreSheet], staff: AbstractUser) -> None:
    change_score(sheets[0].pk, "B1Cr1", Decimal("1"), actor=staff)
    change_score(sheets[1].pk, "B2Cr1", Decimal("1"), actor=staff)
    update_candidate(sheets[1].candidate, {"phone": "0102030405"}, actor=staff)
    found = entries(signed_in(staff), candidat="C002")
    # The import that brought C002's scores is one entry of C002's journal (issue 16).
    assert [action for action, _ in found] == [
        "candidate.updated",
        SCORE_CHANGED,
        "scores.imported",
    ]
    assert all("C002" in label for _, label in found[:2])


def test_the_journal_filters_by_session(sheets: list[ScoreSheet], staff: AbstractUser) -> None:
    change_score(sheets[0].pk, "B1Cr1", Decimal("1"), actor=staff)
    change_score(sheets[1].pk, "B2Cr1", Decimal("1"), actor=staff)
    found = entries(signed_in(staff), session="2027-01")
    assert [action for action, _ in found] == [SCORE_CHANGED, "scores.imported"]
    assert all("2027-01" in label for _, label in found)


def test_the_journal_filters_by_action(sheets: list[ScoreSheet], staff: AbstractUser) -> None:
    change_score(sheets[0].pk, "B1Cr1", Decimal("1"), actor=staff)
    client = signed_in(staff)
    assert {action for action, _ in entries(client, action="scores.imported")} == {
        "scores.imported"
    }
    assert {action for action, _ in entries(client, action=SCORE_CHANGED)} == {SCORE_CHANGED}


def test_an_unknown_candidate_is_said_and_shows_nothing(
    sheets: list[ScoreSheet], staff: AbstractUser
) -> None:
    response = signed_in(staff).get(reverse("journal:list"), {"candidat": "C404"})
    assert response.context["page"].entries == []
    assert "Candidat inconnu" in response.content.decode()


# A kind of event of these tests only, so that a filter on it finds exactly what they wrote.
TEST_EVENT = audit.action("test.event", "Événement de test")


def test_the_journal_pages_without_losing_or_repeating_an_entry(
    candidates: list[Candidate], staff: AbstractUser
) -> None:
    for number in range(120):
        audit.record(TEST_EVENT, candidates[number % 2], actor=staff, label=f"événement {number}")
    client = signed_in(staff)
    seen: list[str] = []
    params: dict[str, str] = {"action": "test.event"}
    while True:
        response = client.get(reverse("journal:list"), params)
        page = response.context["page"]
        seen += [entry.subject.label for entry in page.entries]
        if page.next_cursor is None:
            break
        params["avant"] = page.next_cursor
    assert seen == [f"événement {number}" for number in reversed(range(120))]


def test_a_cursor_reads_back_what_it_wrote() -> None:
    cursor = Cursor(datetime(2026, 6, 1, 9, 30, 15, 123456, tzinfo=UTC), 1, 42)
    assert Cursor.decode(cursor.encode()) == cursor
    assert Cursor.decode("n'importe quoi") is None


def test_the_candidate_file_and_session_page_link_to_their_journal(
    sheets: list[ScoreSheet], staff: AbstractUser
) -> None:
    client = signed_in(staff)
    candidate = sheets[0].candidate
    html = client.get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
    assert f"{reverse('journal:list')}?candidat=C001" in html
    session = sheets[0].session
    html = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    assert f"{reverse('journal:list')}?session={session.code}" in html


def test_audit_events_show_their_fields_in_words(
    candidates: list[Candidate], staff: AbstractUser
) -> None:
    update_candidate(candidates[0], {"usage_name": "Martin"}, actor=staff)
    html = signed_in(staff).get(reverse("journal:list")).content.decode()
    assert "nom d&#x27;usage" in html
    assert "Martin" in html
    assert AuditEvent.objects.filter(action="candidate.updated").count() == 1
