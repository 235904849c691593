"""An import from the browser: big files through the worker, each import's report page, its
revert page, and what the journals of its candidates and sessions say about it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.grading.models import Score, ScoreSheet
from certif.imports.models import ImportBatch
from certif.imports.reverting import revert_import
from certif.imports.scores import import_scores
from certif.journal.entries import JournalQuery, journal_page
from certif.sessions.models import ExamSession
from certif.tasks import files
from certif.tasks.models import Job
from tests.support.builders import score_rows
from tests.support.files import SCORE_HEADER, write_csv
from tests.tasks.fixtures import run_jobs, task_files

pytestmark = pytest.mark.django_db

__all__ = ["run_jobs", "task_files"]

OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]
REASON = "Session mal saisie dans le fichier"


def upload(rows: list[tuple[str, ...]], name: str = "notes.csv") -> SimpleUploadedFile:
    lines = [";".join(SCORE_HEADER), *(";".join(row) for row in rows)]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"))


def post_scores(client: Client, rows: list[tuple[str, ...]], *, create: bool = False) -> Any:
    """The imports page's scores form, posted with a file of ``rows``."""
    data = {"import": "notes", "notes-fichier": upload(rows)}
    if create:
        data["notes-creer_sessions"] = "on"
    return client.post(reverse("imports:home"), data)


@pytest.fixture
def batch(ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> ImportBatch:
    """C001's B1 imported into a session the file created (« 2027-21 », a typo)."""
    path = write_csv(
        tmp_path / "notes.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12", "2027-21")
    )
    return ImportBatch.objects.get(pk=import_scores(path, create_sessions=True).batch_id)


def batch_pages(batch: ImportBatch) -> list[str]:
    return [reverse("imports:report", args=[batch.pk]), reverse("imports:revert", args=[batch.pk])]


def test_a_gestionnaire_reaches_an_imports_report_and_its_revert(
    client_as: Callable[..., Client], batch: ImportBatch
) -> None:
    client = client_as(Role.STAFF)
    for url in batch_pages(batch):
        assert client.get(url).status_code == 200, url
    assert "2027-21" in client.get(batch_pages(batch)[0]).content.decode()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_an_imports_report_and_its_revert(
    role: Role, client_as: Callable[..., Client], batch: ImportBatch, candidates: list[Candidate]
) -> None:
    client = client_as(role, candidate=candidates[0] if role is Role.CANDIDATE else None)
    for url in batch_pages(batch):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(batch_pages(batch)[1], {"motif": REASON, "confirmed": "1"}).status_code == 403
    )
    batch.refresh_from_db()
    assert batch.reverted_at is None


def test_anonymous_visitors_are_sent_to_log_in_for_an_imports_report(batch: ImportBatch) -> None:
    for url in batch_pages(batch):
        assert Client().get(url)["Location"].startswith(reverse("login"))


def test_the_revert_asks_a_reason_then_a_confirmation_then_undoes_the_import(
    client_as: Callable[..., Client], batch: ImportBatch
) -> None:
    client = client_as(Role.STAFF)
    url = reverse("imports:revert", args=[batch.pk])
    asked = client.post(url, {"motif": REASON})
    assert next(t.name for t in asked.templates) == "certif/confirm.html"
    assert ExamSession.objects.filter(code="2027-21").exists()
    done = client.post(url, {"motif": REASON, "confirmed": "1"}, follow=True)
    assert f"Import n° {batch.pk} annulé." in done.content.decode()
    assert not ExamSession.objects.filter(code="2027-21").exists()
    assert not Score.objects.exists()


def test_the_revert_page_says_why_it_is_refused(
    client_as: Callable[..., Client], batch: ImportBatch
) -> None:
    ScoreSheet.objects.update(submitted_at="2099-01-01T00:00:00Z")
    response = client_as(Role.STAFF).get(reverse("imports:revert", args=[batch.pk]))
    assert "1 feuille a été soumise depuis" in response.content.decode()


def test_a_big_file_is_imported_by_the_worker_its_progress_and_report_on_the_job_page(
    client_as: Callable[..., Client],
    ccab: Referential,
    candidates: list[Candidate],
    settings: object,
    run_jobs: Callable[[], int],
) -> None:
    settings.IMPORT_IN_BACKGROUND_ABOVE = 10  # type: ignore[attr-defined]
    client = client_as(Role.STAFF)
    response = post_scores(client, score_rows(ccab, "C001", "B1", "12", "2027-12"), create=True)
    job = Job.objects.get(kind="imports.scores")
    assert response["Location"] == job.get_absolute_url()
    assert not Score.objects.exists()  # queued, not run in the request
    assert AuditEvent.objects.filter(action="task.started", actor__isnull=False).exists()
    assert run_jobs() == 1
    batch = ImportBatch.objects.get(kind="scores")
    assert batch.imported_by is not None
    assert Score.objects.filter(batch=batch).exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("imports:report", args=[batch.pk]) in page
    assert not list((files.root() / files.INCOMING).iterdir())  # the handed file is gone


def test_a_big_file_refused_by_the_worker_shows_its_problems_on_the_job_page(
    client_as: Callable[..., Client],
    ccab: Referential,
    candidates: list[Candidate],
    settings: object,
    run_jobs: Callable[[], int],
) -> None:
    settings.IMPORT_IN_BACKGROUND_ABOVE = 10  # type: ignore[attr-defined]
    client = client_as(Role.STAFF)
    post_scores(client, score_rows(ccab, "C001", "B1", "12", "2027-21"))
    run_jobs()
    job = Job.objects.get(kind="imports.scores")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "session inconnue" in page
    assert "2027-21" in page
    assert not ExamSession.objects.filter(code="2027-21").exists()


def test_a_small_file_is_still_imported_at_once(
    client_as: Callable[..., Client], ccab: Referential, candidates: list[Candidate]
) -> None:
    post_scores(client_as(Role.STAFF), score_rows(ccab, "C001", "B1", "12", "2027-12"), create=True)
    assert Score.objects.exists()
    assert not Job.objects.exists()


def test_the_candidates_and_sessions_journal_has_one_entry_per_import_with_its_report(
    batch: ImportBatch, ccab: Referential
) -> None:
    candidate = Candidate.objects.get(numero="C001")
    session = ExamSession.objects.get(code="2027-21")
    (entry,) = journal_page(JournalQuery(candidate=candidate)).entries
    assert entry.subject.url == reverse("imports:report", args=[batch.pk])
    written = {change.name: change.after for change in entry.changes}
    assert written["notes créées"] == str(len(score_rows(ccab, "C001", "B1", "12")))
    assert written["feuilles créées"] == "1"
    assert written["inscriptions créées"] == "1"
    session_entries = journal_page(JournalQuery(session=session)).entries
    assert [e.subject.url for e in session_entries if e.pk == batch.pk] == [entry.subject.url]


def test_a_reverted_import_stays_in_the_candidates_journal_with_its_revert(
    batch: ImportBatch, staff: AbstractUser
) -> None:
    revert_import(batch, {"motif": REASON}, actor=staff)
    candidate = Candidate.objects.get(numero="C001")
    entries = journal_page(JournalQuery(candidate=candidate)).entries
    assert [e.action for e in entries] == ["import.reverted", "scores.imported"]
    assert entries[0].reason == REASON


def test_the_journal_pages_through_import_entries(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    for n, criterion in enumerate(score_rows(ccab, "C001", "B1", "12")[:3]):
        path = write_csv(tmp_path / f"n{n}.csv", SCORE_HEADER, [criterion])
        import_scores(path, create_sessions=True)
    candidate = Candidate.objects.get(numero="C001")
    first = journal_page(JournalQuery(candidate=candidate), size=2)
    assert first.next_cursor is not None
    from certif.journal.entries import Cursor

    second = journal_page(JournalQuery(candidate=candidate), Cursor.decode(first.next_cursor), 2)
    seen = [e.pk for e in first.entries + second.entries]
    assert len(seen) == len(set(seen)) == 3
