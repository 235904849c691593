"""Imports and exports from the browser: all or nothing, every problem shown, files to fill in."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.grading.models import Score
from certif.imports.candidates import import_candidates
from certif.imports.models import ImportBatch
from certif.imports.scores import import_scores
from certif.referential.models import ReferentialVersion
from certif.tasks.models import Job
from tests.support.builders import score_rows
from tests.support.files import CANDIDATE_HEADER, SCORE_HEADER
from tests.tasks.fixtures import run_jobs, task_files

pytestmark = pytest.mark.django_db

# Exports are background jobs: these fixtures run them in the test (tests/tasks/fixtures.py).
__all__ = ["run_jobs", "task_files"]

OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]


def pages() -> list[str]:
    return [
        reverse("imports:home"),
        reverse("imports:template", kwargs={"kind": "candidats", "fmt": "csv"}),
    ]


def export_url(kind: str = "candidates", fmt: str = "csv") -> str:
    return reverse("imports:export", kwargs={"kind": kind, "fmt": fmt})


def csv_upload(
    name: str, header: tuple[str, ...], rows: list[tuple[str, ...]]
) -> SimpleUploadedFile:
    lines = [";".join(header), *(";".join(row) for row in rows)]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"))


def body(response: FileResponse) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def test_a_gestionnaire_reaches_imports_templates_and_exports(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    client = client_as(Role.STAFF)
    for url in pages():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_imports_and_exports(
    role: Role, client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    client = client_as(role, candidate=candidates[0] if role is Role.CANDIDATE else None)
    for url in pages():
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("imports:home")).status_code == 403
    assert client.post(export_url()).status_code == 403
    assert not Job.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(db: None) -> None:
    for url in pages():
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = Client().post(export_url())
    assert response["Location"].startswith(reverse("login"))


def test_a_bad_file_shows_every_problem_and_writes_nothing(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    upload = csv_upload(
        "candidats.csv",
        CANDIDATE_HEADER,
        [
            ("C001", "Dupont", "Marie", "31/02/1990"),
            ("C002", "", "Paul", "01/01/1990"),
            ("C001", "Martin", "Léa", "01/01/1991"),
        ],
    )
    response = client_as(Role.STAFF).post(
        reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}
    )
    assert response.status_code == 200
    problems = response.context["problems"]
    assert [(p.line, p.column) for p in problems] == [
        (2, "date_naissance"),
        (3, "nom_naissance"),
        (4, "numero"),
    ]
    html = response.content.decode()
    assert "rien n'a été écrit" in html
    assert "« 31/02/1990 »" in html
    assert not Candidate.objects.exists()
    assert not ImportBatch.objects.exists()


def test_beyond_a_hundred_problems_the_rest_are_counted(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    rows = [(f"C{n:03d}", "Nom", "Prénom", "pas une date") for n in range(130)]
    upload = csv_upload("candidats.csv", CANDIDATE_HEADER, rows)
    response = client_as(Role.STAFF).post(
        reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}
    )
    assert len(response.context["problems"]) == 100
    assert response.context["more"] == 30
    assert "… et 30 autres problèmes." in response.content.decode()


def test_a_good_file_is_imported_by_the_person_and_reported(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    upload = csv_upload("inscrits.csv", CANDIDATE_HEADER, [("C010", "Roux", "Zoé", "02/02/2000")])
    client = client_as(Role.STAFF)
    response = client.post(
        reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}, follow=True
    )
    assert Candidate.objects.filter(numero="C010").exists()
    batch = ImportBatch.objects.get()
    assert batch.file_name == "inscrits.csv"
    assert batch.imported_by is not None
    assert batch.imported_by.username.startswith("gestionnaire")
    assert "1 candidat(s) créé(s)" in response.content.decode()


def test_scores_are_replaced_only_when_asked(
    client_as: Callable[..., Client], ccab: Referential, candidates: list[Candidate]
) -> None:
    client = client_as(Role.STAFF)
    url = reverse("imports:home")
    first = score_rows(ccab, "C001", "B1", "12")
    client.post(
        url,
        {
            "import": "notes",
            "notes-creer_sessions": "on",
            "notes-fichier": csv_upload("n.csv", SCORE_HEADER, first),
        },
    )
    changed = [(*row[:5], "0") if row[4] == "B1Cr1" else row for row in first]
    refused = client.post(
        url,
        {
            "import": "notes",
            "notes-creer_sessions": "on",
            "notes-fichier": csv_upload("n.csv", SCORE_HEADER, changed),
        },
    )
    assert "une autre valeur est déjà enregistrée" in refused.content.decode()
    client.post(
        url,
        {
            "import": "notes",
            "notes-fichier": csv_upload("n.csv", SCORE_HEADER, changed),
            "notes-remplacer": "on",
        },
    )
    assert Score.objects.get(criterion__code="B1Cr1").value == 0


def test_a_file_too_big_is_refused_before_reading(
    client_as: Callable[..., Client], version: ReferentialVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("certif.web.imports.forms.MAX_UPLOAD_BYTES", 10)
    upload = csv_upload("candidats.csv", CANDIDATE_HEADER, [("C010", "Roux", "Zoé", "02/02/2000")])
    response = client_as(Role.STAFF).post(
        reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}
    )
    assert "Fichier trop volumineux" in response.content.decode()
    assert not Candidate.objects.exists()


def test_another_format_is_refused(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    upload = SimpleUploadedFile("candidats.ods", b"whatever")
    response = client_as(Role.STAFF).post(
        reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}
    )
    assert "Format non reconnu" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_files_import_cleanly(
    client_as: Callable[..., Client], version: ReferentialVersion, tmp_path: Path, fmt: str
) -> None:
    client = client_as(Role.STAFF)
    for kind in ("candidats", "notes"):
        response = client.get(reverse("imports:template", kwargs={"kind": kind, "fmt": fmt}))
        assert f'filename="{kind}.{fmt}"' in response["Content-Disposition"]
        path = tmp_path / f"{kind}.{fmt}"
        path.write_bytes(body(response))
        report = (
            import_candidates(path)
            if kind == "candidats"
            else import_scores(path, create_sessions=True)
        )
        assert report.rows > 0


def follow_export(client: Client, run_jobs: Callable[[], int], kind: str, fmt: str) -> bytes:
    """Ask for an export as the page does, let the worker write it, download it from its job."""
    asked = client.post(export_url(kind, fmt))
    job = Job.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == reverse("tasks:detail", args=[job.pk])
    assert run_jobs() == 1
    page = client.get(asked["Location"]).content.decode()
    download = reverse("tasks:download", args=[job.pk])
    assert f'href="{download}"' in page
    response = client.get(download)
    assert response.status_code == 200
    # Read to the end, the response is closed (as a server would): no explicit close, which
    # would also close the test's database connection.
    return body(response)


def test_exports_are_asked_for_with_a_form_not_a_link(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    client = client_as(Role.STAFF)
    html = client.get(reverse("imports:home")).content.decode()
    assert f'<form method="post" action="{export_url("scores", "xlsx")}"' in html
    assert client.get(export_url()).status_code == 405
    assert not Job.objects.exists()


def test_an_export_is_a_job_journalled_as_asked_by_the_gestionnaire(
    make_user: Callable[..., Any], candidates: list[Candidate], task_files: Path
) -> None:
    staff = make_user(Role.STAFF)
    client = Client()
    client.force_login(staff)
    client.post(export_url("results", "xlsx"))

    job = Job.objects.get()
    assert (job.kind, job.status, job.started_by) == ("imports.export", "queued", staff)
    assert job.arguments == {"Contenu": "Résultats", "Format": "XLSX"}
    started = AuditEvent.objects.get(action="task.started")
    assert started.actor == staff


def test_an_export_job_offers_the_xlsx_file_once_written(
    client_as: Callable[..., Client],
    candidates: list[Candidate],
    run_jobs: Callable[[], int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    content = follow_export(client_as(Role.STAFF), run_jobs, "candidates", "xlsx")

    sheet = load_workbook(BytesIO(content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["numero", "C001", "C002"]
    assert list(scratch.iterdir()) == []
    job = Job.objects.get()
    assert job.file_name.startswith("export-candidats-")
    assert job.summary == [f"2 lignes écrites dans {job.file_name}."]


def test_an_export_of_results_is_a_csv_with_every_candidate(
    client_as: Callable[..., Client], candidates: list[Candidate], run_jobs: Callable[[], int]
) -> None:
    content = follow_export(client_as(Role.STAFF), run_jobs, "results", "csv")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("candidat;certifie")
    assert len(lines) == 3


def test_an_uploaded_file_is_removed_once_imported(
    client_as: Callable[..., Client],
    version: ReferentialVersion,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    for rows in ([("C010", "Roux", "Zoé", "02/02/2000")], [("C011", "", "Zoé", "02/02/2000")]):
        upload = csv_upload("candidats.csv", CANDIDATE_HEADER, rows)
        client_as(Role.STAFF).post(
            reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}
        )
    assert list(tmp_path.iterdir()) == []


def test_a_file_being_imported_is_reported_on_the_page_not_a_server_error(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    from certif.imports.guard import importing

    upload = csv_upload("candidats.csv", CANDIDATE_HEADER, [("C010", "Roux", "Zoé", "02/02/2000")])
    content = upload.read()
    upload.seek(0)
    import hashlib

    with importing("candidates", hashlib.sha256(content).hexdigest()):
        response = client_as(Role.STAFF).post(
            reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}
        )
    assert response.status_code == 200
    [problem] = response.context["problems"]
    assert "en cours d'import" in problem.message
    assert "en cours d&#x27;import" in response.content.decode()
    assert not Candidate.objects.exists()


def test_a_candidate_name_with_a_control_character_is_named_on_the_page(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    upload = csv_upload(
        "candidats.csv", CANDIDATE_HEADER, [("C010", "Ro\x13ux", "Zoé", "02/02/2000")]
    )
    response = client_as(Role.STAFF).post(
        reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}
    )
    assert response.status_code == 200
    [problem] = response.context["problems"]
    assert (problem.line, problem.column, problem.value) == (2, "nom_naissance", "Ro\\u0013ux")
    assert not Candidate.objects.exists()


def test_an_oversize_csv_cell_is_a_problem_on_the_page_not_a_server_error(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    upload = csv_upload(
        "candidats.csv", CANDIDATE_HEADER, [("C010", "R" * 140_000, "Zoé", "02/02/2000")]
    )
    response = client_as(Role.STAFF).post(
        reverse("imports:home"), {"import": "candidats", "candidats-fichier": upload}
    )
    assert response.status_code == 200
    [problem] = response.context["problems"]
    assert (problem.line, problem.column) == (2, "nom_naissance")
    assert len(problem.value) < 120
    assert "R" * 200 not in response.content.decode()
