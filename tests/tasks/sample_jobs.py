"""Jobs for the tests: a count that reports its progress, and jobs that fail in each way."""

from __future__ import annotations

import time
from pathlib import Path

from certif.core.errors import Refused
from certif.imports.reading import FileRejected, Problem
from certif.tasks.compat import task
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import JobFailed, Outcome


@job_task("tests.count", "Comptage")
def count_job(run: JobRun, upto: int, write_file: bool = False) -> Outcome:
    run.reporter.phase("Préparation")
    run.reporter.phase("Comptage", upto)
    for _ in range(upto):
        run.reporter.advance()
    path = None
    if write_file:
        path = run.output_file("compte.csv")
        path.write_text("n\n" + "\n".join(str(n) for n in range(upto)) + "\n", encoding="utf-8")
    return Outcome(summary=[f"{upto} comptés."], data={"upto": upto}, file=path)


@job_task("tests.slow", "Lenteur")
def slow_job(run: JobRun, seconds: float) -> Outcome:
    steps = round(seconds * 10)
    run.reporter.phase("Attente", steps)
    for _ in range(steps):
        time.sleep(0.1)
        run.reporter.advance()
    return Outcome(summary=["Fini."])


@job_task("tests.refused", "Refus")
def refused_job(run: JobRun) -> None:
    raise Refused("La session est close : rien n'a été changé.")


@job_task("tests.failed", "Échec")
def failed_job(run: JobRun) -> None:
    run.reporter.phase("Lecture", 10)
    run.reporter.advance(4)
    raise JobFailed(
        "Deux lignes ne vont pas.",
        [{"line": 3, "column": "numero", "value": "X", "message": "numéro inconnu"}],
        total=2,
    )


@job_task("tests.rejected", "Fichier refusé")
def rejected_job(run: JobRun) -> None:
    run.output_file("partiel.csv").write_text("début", encoding="utf-8")
    raise FileRejected(
        [
            Problem(2, "date_naissance", "31/02/1990", "date impossible"),
            Problem(5, None, None, "ligne vide au milieu du fichier"),
        ]
    )


@job_task("tests.stray", "Fichier égaré")
def stray_file_job(run: JobRun, elsewhere: str) -> Outcome:
    return Outcome(file=Path(elsewhere))


@job_task("tests.crash", "Plantage")
def crash_job(run: JobRun) -> None:
    raise ZeroDivisionError("secret internal detail")


def plain() -> int:
    return 1


# A task of django-tasks' own, not a job: nothing follows it.
plain_task = task()(plain)
