"""Demo data for a local trial (``certif init --demo``, used by ``make run``).

The cohort comes from the seeded generator and goes in through the same importers
as a real file, so a demo exercises the real path.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model

from certif.candidates.models import Candidate
from certif.demo.generator import DemoCohort, generate_cohort, write_csv
from certif.imports.candidates import import_candidates
from certif.imports.scores import import_scores
from certif.referential.models import ReferentialVersion
from certif.sessions.models import ExamSession

DEMO_ADMIN = ("admin", "certif-demo")
DEMO_COHORT_SIZE = 60
DEMO_SEED = 2026


def _create_sessions(cohort: DemoCohort, version: ReferentialVersion) -> None:
    for session in cohort.sessions:
        ExamSession.objects.get_or_create(
            code=session.code,
            defaults={
                "title": f"Session {session.code}",
                "start_date": session.start,
                "end_date": session.end,
                "place": session.place,
                "referential_version": version,
            },
        )


def install_cohort(
    version: ReferentialVersion, size: int = DEMO_COHORT_SIZE, seed: int = DEMO_SEED
) -> list[str]:
    """Load a seeded cohort unless candidates already exist; return what was done."""
    if Candidate.objects.exists():
        return ["Cohorte de démonstration : déjà présente, rien à faire"]
    cohort = generate_cohort(version.referential, size, seed=seed)
    _create_sessions(cohort, version)
    with tempfile.TemporaryDirectory() as folder:
        candidates_file, scores_file = Path(folder) / "candidats.csv", Path(folder) / "notes.csv"
        write_csv(cohort.candidates, candidates_file)
        write_csv(cohort.scores, scores_file)
        import_candidates(candidates_file)
        report = import_scores(scores_file)
    sessions = ", ".join(s.code for s in cohort.sessions)
    return [
        f"Cohorte de démonstration : {size} candidats, {report.created} notes, sessions {sessions}"
    ]


def install_accounts() -> list[str]:
    User = get_user_model()
    username, password = DEMO_ADMIN
    if not User.objects.filter(username=username).exists():
        User.objects.create_superuser(username, f"{username}@example.org", password)
    return [
        "Comptes de démonstration :",
        f"  administrateur : identifiant « {username} », mot de passe « {password} »",
    ]


def install_demo(version: ReferentialVersion) -> list[str]:
    return install_cohort(version) + install_accounts()
