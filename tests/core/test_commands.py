"""``certif init`` and ``certif serve`` as the README promises them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from certif.core.models import AuditEvent
from certif.referential.models import ReferentialVersion


@pytest.mark.django_db
def test_init_loads_the_builtin_referential() -> None:
    out = StringIO()
    call_command("init", stdout=out)
    assert "Référentiel chargé : CCAB v1" in out.getvalue()
    assert ReferentialVersion.objects.count() == 1


@pytest.mark.django_db
def test_init_run_twice_changes_nothing() -> None:
    call_command("init", stdout=StringIO())
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("init", stdout=out)
    assert "déjà chargé" in out.getvalue()
    assert ReferentialVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CERTIF_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        CERTIF_DATA_DIR=str(tmp_path / "data"),
        CERTIF_DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'certif.sqlite3'}",
    )
    env.update(extra)
    return env


def _certif(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "certif", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment(tmp_path, **env),
        timeout=120,
        check=False,
    )


def test_settings_refuse_to_start_without_debug_and_without_a_secret_key(tmp_path: Path) -> None:
    completed = _certif(tmp_path, "check")
    assert completed.returncode != 0
    assert "No secret key" in completed.stderr


def test_init_from_a_shell_creates_database_and_key_then_is_idempotent(tmp_path: Path) -> None:
    first = _certif(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert "Clé secrète créée" in first.stdout
    assert (tmp_path / "data" / "certif.sqlite3").exists()
    second = _certif(tmp_path, "init")
    assert second.returncode == 0, second.stderr
    assert "déjà chargé" in second.stdout
    assert "Clé secrète créée" not in second.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    assert _certif(tmp_path, "init").returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "certif", "serve", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/admin/login/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_answers_pages_and_static_files(served: str) -> None:
    with urllib.request.urlopen(f"{served}/admin/login/", timeout=10) as page:
        assert page.status == 200
        assert "csrfmiddlewaretoken" in page.read().decode()
    with urllib.request.urlopen(f"{served}/static/admin/css/base.css", timeout=10) as css:
        assert css.status == 200


@pytest.mark.django_db
def test_init_with_demo_loads_a_cohort_once() -> None:
    from certif.candidates.models import Candidate
    from certif.results.models import CandidateResult

    out = StringIO()
    call_command("init", "--demo", stdout=out)
    assert "Cohorte de démonstration : 60 candidats" in out.getvalue()
    assert Candidate.objects.count() == CandidateResult.objects.count() == 60
    call_command("init", "--demo", stdout=out)
    assert Candidate.objects.count() == 60
    assert CandidateResult.objects.filter(certified=True).exists()


@pytest.mark.django_db
def test_the_demo_deliberates_its_first_session_and_issues_its_documents_once() -> None:
    from certif.deliberations.models import Deliberation
    from certif.documents.models import IssuedDocument, Kind

    call_command("init", "--demo", stdout=StringIO())
    issued = IssuedDocument.objects.count()
    call_command("init", "--demo", stdout=StringIO())
    first, second = Deliberation.objects.order_by("session__start_date")
    assert (first.is_published, second.is_closed) == (True, False)
    assert IssuedDocument.objects.count() == issued
    kinds = set(IssuedDocument.objects.values_list("kind", flat=True))
    assert kinds == {Kind.PV, Kind.PARCHEMIN, Kind.ATTESTATION, Kind.RELEVE, Kind.CONVOCATION}


@pytest.mark.django_db
def test_the_demo_convocations_give_each_epreuve_its_time_and_room() -> None:
    from certif.documents.models import IssuedDocument, Kind

    call_command("init", "--demo", stdout=StringIO())
    convocations = IssuedDocument.objects.filter(kind=Kind.CONVOCATION)
    slots = [
        slot
        for convocation in convocations
        for epreuve in convocation.data["epreuves"]
        for slot in epreuve["slots"]
    ]
    assert convocations.exists()
    assert all(slot["time"] in ("9 h 00", "14 h 00") for slot in slots), slots
    assert all(slot["place"].startswith("Salle ") for slot in slots), slots


@pytest.mark.django_db
def test_the_demo_candidate_finds_their_parchemin_in_their_space(client: object) -> None:
    from django.test import Client

    from certif.demo.loader import DEMO_PASSWORD
    from certif.documents.models import IssuedDocument, Kind

    assert isinstance(client, Client)
    call_command("init", "--demo", stdout=StringIO())
    parchemin = IssuedDocument.objects.get(kind=Kind.PARCHEMIN, candidate__numero="C000008")
    client.login(username="candidat", password=DEMO_PASSWORD)
    assert parchemin.number in client.get("/mon-espace/").content.decode()


@pytest.mark.django_db
def test_pages_are_in_french_whatever_the_browser_asks(client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    page = client.get("/comptes/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Identifiant" in page.content.decode()


@pytest.mark.django_db
def test_the_language_switch_turns_pages_to_english(client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    client.post("/i18n/setlang/", {"language": "en", "next": "/comptes/login/"})
    assert "Username" in client.get("/comptes/login/").content.decode()


@pytest.mark.django_db
def test_a_second_demo_run_starts_after_a_session_without_dates_was_added() -> None:
    from certif.sessions.models import ExamSession
    from certif.sessions.services import create_session

    call_command("init", "--demo", stdout=StringIO())
    version = ExamSession.objects.get(code="2026-06").referential_version
    create_session({"code": "2027-21", "title": "Faute de frappe", "referential_version": version})
    sessions = ExamSession.objects.count()
    out = StringIO()
    call_command("init", "--demo", stdout=out)
    assert "Démonstration déjà installée" in out.getvalue()
    assert "gestion" in out.getvalue()
    assert ExamSession.objects.count() == sessions


@pytest.mark.django_db
def test_the_demo_gives_the_statistics_page_every_section() -> None:
    from certif.stats.presenting import statistics
    from certif.stats.scope import Scope

    call_command("init", "--demo", stdout=StringIO())
    found = statistics(Scope(), draws=20)
    assert found.results.candidates > 0
    assert all(unit.assessed for unit in found.results.units)
    assert len(found.evaluators.evaluators) == 2
    assert found.evaluators.points is not None
    assert found.evaluators.points.found.alpha is not None
