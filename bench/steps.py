"""One measured step, run in its own process (so that peak memory is the step's own).

``python -m bench.steps STEP [args]``: prints one JSON object with the figures.
The database comes from CERTIF_DATABASE_URL, as for the application.
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import sys
import time
from decimal import Decimal
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certif.settings")
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_init() -> dict[str, Any]:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("init", stdout=io.StringIO())
    return {"seconds": time.perf_counter() - started}


def step_import(kind: str, path: str) -> dict[str, Any]:
    from certif.imports.candidates import import_candidates
    from certif.imports.scores import import_scores

    started = time.perf_counter()
    report = (
        import_candidates(path)
        if kind == "candidates"
        else import_scores(path, create_sessions=True)
    )
    return {
        "seconds": time.perf_counter() - started,
        "rows": report.rows,
        "peak_rss_mb": peak_rss_mb(),
    }


# What the scores import's phases are made of: functions of these modules, timed when called
# (exclusive of the timed functions they call), by name (an insert by its table).
PHASE_FUNCTIONS = {
    "certif.imports.scores": (
        "read_file", "check_scores_frame", "_create_sessions", "_create_sheets",
        "_create_enrolments", "insert_frame", "_replace_scores", "store", "refresh_statistics",
        "fetch_rows",
    ),
    "certif.core.bulk": ("_execute_upkeep",),
}  # fmt: skip


def _timed_phases() -> dict[str, float]:
    import functools
    import importlib

    phases: dict[str, float] = {}
    stack: list[float] = []  # time spent in timed callees, per open call

    def wrap(label: str, function: Any) -> Any:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            name = f"{label} {args[0]}" if label.endswith("insert_frame") else label
            stack.append(0.0)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                inner = stack.pop()
                phases[name] = phases.get(name, 0.0) + spent - inner
                if stack:
                    stack[-1] += spent

        return timed

    for module_name, names in PHASE_FUNCTIONS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        short = module_name.rsplit(".", 1)[1]
        for name in names:
            if hasattr(module, name):
                setattr(module, name, wrap(f"{short}.{name}", getattr(module, name)))
    from certif.imports import scores

    decisions = scores._Decisions
    decisions.__init__ = wrap("decisions: start (rows to the worker)", decisions.__init__)  # type: ignore[method-assign]
    decisions.result = wrap("decisions: wait for the worker", decisions.result)  # type: ignore[method-assign]
    return phases


def step_import_phases(path: str, write_path: str) -> dict[str, Any]:
    """The scores import of ``path`` with the time of each of its phases; ``write_path``:
    ``staged`` (PostgreSQL: staging tables) or ``previous`` (the write path before them)."""
    from certif.core import bulk
    from certif.imports import scores

    bulk.STAGING = write_path == "staged"
    phases = _timed_phases()
    started = time.perf_counter()
    report = scores.import_scores(path, create_sessions=True)
    seconds = time.perf_counter() - started
    phases["rest (commit, checks' glue, audit)"] = seconds - sum(phases.values())
    return {
        "seconds": seconds,
        "rows": report.rows,
        "peak_rss_mb": peak_rss_mb(),
        "phases": phases,
        "path": write_path,
    }


def step_results(repeat: str) -> dict[str, Any]:
    """The whole population's results as JSON (``certif results --format json``)."""
    from certif.results.presenting import json_chunks
    from certif.results.queries import iter_summaries

    times, size = [], 0
    for _ in range(int(repeat)):
        started = time.perf_counter()
        size = sum(len(chunk) for chunk in json_chunks(iter_summaries()))
        times.append(time.perf_counter() - started)
    return {"median_seconds": statistics.median(times), "runs": times, "bytes": size}


def step_results_table(repeat: str) -> dict[str, Any]:
    """The whole population with every explanation (``certif results --format csv``)."""
    from certif.results.presenting import csv_header, csv_row
    from certif.results.queries import iter_results, population_referentials

    times = []
    for _ in range(int(repeat)):
        started = time.perf_counter()
        header = csv_header(population_referentials())
        count = sum(1 for numero, decision in iter_results() if csv_row(header, numero, decision))
        times.append(time.perf_counter() - started)
    return {"median_seconds": statistics.median(times), "runs": times, "candidates": count}


def step_recompute_one(repeat: str) -> dict[str, Any]:
    """One score changes (a gestionnaire's correction): the candidate's decision is recomputed."""
    from certif.grading.models import Score
    from certif.grading.services import change_score

    scores = list(
        Score.objects.filter(criterion__kind="points")
        .select_related("criterion", "sheet")
        .order_by("?")[: int(repeat)]
    )
    from django.db import transaction

    from certif.results.services import recompute

    changes, recomputations = [], []
    for score in scores:
        value = Decimal(score.value).scaleb(-2)
        target = value - Decimal("0.25") if value >= Decimal("0.25") else value + Decimal("0.25")
        started = time.perf_counter()
        outcome = change_score(score.sheet_id, score.criterion.code, target, reason="benchmark")
        changes.append((time.perf_counter() - started) * 1000)
        # The recomputation alone, inside a transaction (no commit, so no disk flush).
        with transaction.atomic():
            started = time.perf_counter()
            recompute([outcome.sheet.candidate_id])
            recomputations.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": statistics.median(recomputations),
        "p90_ms": sorted(recomputations)[int(len(recomputations) * 0.9) - 1],
        "change_median_ms": statistics.median(changes),
        "runs": len(changes),
    }


def step_naive(path: str) -> dict[str, Any]:
    """The baseline: one ORM write per row, then the engine over every candidate, one by one."""
    import polars as pl
    from django.db import transaction

    from certif.candidates.models import Candidate
    from certif.domain import values
    from certif.domain.referential.schema import CriterionKind
    from certif.grading.models import Score, ScoreSheet
    from certif.referential.models import Criterion
    from certif.referential.services import current_version
    from certif.results.services import recompute
    from certif.sessions.models import ExamSession

    version = current_version()
    assert version is not None
    frame = pl.read_csv(path, separator=";", infer_schema=False).fill_null("")
    started = time.perf_counter()
    with transaction.atomic():
        candidates = {c.numero: c for c in Candidate.objects.all()}
        for row in frame.iter_rows(named=True):
            session, _ = ExamSession.objects.get_or_create(
                code=row["session"], defaults={"referential_version": version}
            )
            criterion = Criterion.objects.get(block__version=version, code=row["critere"])
            sheet, _ = ScoreSheet.objects.get_or_create(
                candidate=candidates[row["candidat"]],
                session=session,
                block=criterion.block,
                part=row["partie"],
            )
            typed = values.parse_value(_spec(criterion), row["valeur"])
            Score.objects.create(
                sheet=sheet,
                criterion=criterion,
                value=values.encode(CriterionKind(criterion.kind), typed),
            )
        for candidate in candidates.values():
            recompute([candidate.pk])
    return {
        "seconds": time.perf_counter() - started,
        "rows": frame.height,
        "peak_rss_mb": peak_rss_mb(),
    }


def _spec(criterion: Any) -> Any:
    from certif.domain.referential.schema import Criterion as Spec
    from certif.domain.referential.schema import CriterionKind

    return Spec(
        code=criterion.code,
        text=criterion.text,
        kind=CriterionKind(criterion.kind),
        max_points=criterion.max_points,
    )


STEPS = {
    "init": step_init,
    "import": step_import,
    "results": step_results,
    "results-table": step_results_table,
    "recompute-one": step_recompute_one,
    "naive": step_naive,
    "import-phases": step_import_phases,
}

if __name__ == "__main__":
    _setup()
    name, *args = sys.argv[1:]
    print(json.dumps(STEPS[name](*args)))
    sys.stdout.flush()
