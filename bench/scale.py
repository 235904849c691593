"""The certifier at national scale (issue 3): import, population results, one recomputation.

``python -m bench scale [--candidates 100000] [--baseline-candidates 2000]
[--databases sqlite,postgresql] [--repeat 3]``

Each step runs in its own process against a fresh database; figures are medians where a
step repeats. The baseline (one ORM write per row, then the engine over every candidate
one by one) runs on the smaller cohort, beside the real import of that same cohort, so
that the ratio compares like with like in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
RESULTS = HERE / "results"
POSTGRESQL = os.environ.get(
    "CERTIF_BENCH_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/certif_bench"
)
TARGETS = {
    "import_scores_s": 30.0,
    "results_s": 3.0,
    "recompute_one_ms": 10.0,
    "peak_rss_mb": 1536.0,
}


def cohort_files(size: int) -> tuple[Path, Path, int]:
    """The seeded demo cohort of ``size`` candidates, written once and kept in bench/.data."""
    folder = DATA / f"cohort-{size}"
    candidates, scores = folder / "candidats.csv", folder / "notes.csv"
    if not scores.exists():
        from certif.demo.generator import generate_cohort, write_csv
        from certif.domain.referential.loading import load_builtin_referential

        folder.mkdir(parents=True, exist_ok=True)
        cohort = generate_cohort(load_builtin_referential().referential, size)
        write_csv(cohort.candidates, candidates)
        write_csv(cohort.scores, scores)
    rows = sum(1 for _ in scores.open("rb")) - 1
    return candidates, scores, rows


@contextmanager
def fresh_database(engine: str) -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="certif-bench-") as folder:
        env = {**os.environ, "CERTIF_DATA_DIR": folder, "CERTIF_SECRET_KEY": "bench-only"}
        if engine == "sqlite":
            env["CERTIF_DATABASE_URL"] = f"sqlite:///{folder}/certif.sqlite3"
        else:
            _recreate_postgresql()
            env["CERTIF_DATABASE_URL"] = POSTGRESQL
        yield env


def _recreate_postgresql() -> None:
    import psycopg

    name = POSTGRESQL.rsplit("/", 1)[1]
    admin = POSTGRESQL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def postgresql_available() -> bool:
    import psycopg

    try:
        psycopg.connect(POSTGRESQL.rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()
    except psycopg.Error:
        return False
    return True


def run_step(module: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """One step in its own process (``python -m MODULE ARGS``), for a clean peak memory and
    caches; its last output line is its figures, as JSON."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"step {args} failed:\n{completed.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def step(env: dict[str, str], *args: str) -> dict[str, Any]:
    return run_step("bench.steps", env, *args)


def each_engine(
    databases: str,
    title: str,
    name: str,
    run: Callable[[str], dict[str, Any]],
    report: Callable[[str, dict[str, Any]], list[str]],
) -> int:
    """Run a suite on each database engine named (PostgreSQL skipped when unreachable): its
    figures printed and written to bench/results/NAME-ENGINE-latest.json."""
    engines = databases.split(",")
    if "postgresql" in engines and not postgresql_available():
        print("PostgreSQL unreachable: skipped", file=sys.stderr)
        engines.remove("postgresql")
    print(f"{title} — {datetime.now():%Y-%m-%d %H:%M}")
    for engine in engines:
        started = time.perf_counter()
        figures = run(engine)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{name}-{engine}-latest.json").write_text(
            json.dumps(figures, indent=2), encoding="utf-8"
        )
        for line in report(engine, figures):
            print(line)
        print(f"  (suite took {time.perf_counter() - started:.0f} s)", flush=True)
    return 0


def run_engine(engine: str, size: int, baseline: int, repeat: int) -> dict[str, Any]:
    candidates, scores, rows = cohort_files(size)
    small_candidates, small_scores, small_rows = cohort_files(baseline)
    figures: dict[str, Any] = {"rows": rows}
    with fresh_database(engine) as env:
        step(env, "init")
        figures["import_candidates"] = step(env, "import", "candidates", str(candidates))
        figures["import_scores"] = step(env, "import", "scores", str(scores))
        figures["results"] = step(env, "results", str(repeat))
        figures["results_table"] = step(env, "results-table", "1")
        figures["recompute_one"] = step(env, "recompute-one", "50")
    with fresh_database(engine) as env:
        step(env, "init")
        step(env, "import", "candidates", str(small_candidates))
        figures["fast_small"] = step(env, "import", "scores", str(small_scores))
    with fresh_database(engine) as env:
        step(env, "init")
        step(env, "import", "candidates", str(small_candidates))
        figures["naive_small"] = step(env, "naive", str(small_scores))
    figures["baseline_rows"] = small_rows
    return figures


def report(engine: str, size: int, figures: dict[str, Any]) -> list[str]:
    imported = figures["import_scores"]
    fast, naive = figures["fast_small"], figures["naive_small"]
    fast_rate = fast["rows"] / fast["seconds"]
    naive_rate = naive["rows"] / naive["seconds"]
    projected_naive = figures["rows"] / naive_rate
    lines = [
        f"== {engine}: {size:,} candidates, {figures['rows']:,} score rows",
        f"import candidates        {figures['import_candidates']['seconds']:8.1f} s",
        f"import scores            {imported['seconds']:8.1f} s   target ≤ {TARGETS['import_scores_s']:.0f} s"
        f"   ({figures['rows'] / imported['seconds']:,.0f} rows/s)",
        f"  peak memory            {imported['peak_rss_mb']:8.0f} MB  target ≤ {TARGETS['peak_rss_mb']:.0f} MB",
        f"all results (JSON)       {figures['results']['median_seconds']:8.2f} s   target ≤ {TARGETS['results_s']:.0f} s (median of {len(figures['results']['runs'])})",
        f"all results (CSV, with explanations) {figures['results_table']['median_seconds']:6.2f} s",
        f"recompute one candidate  {figures['recompute_one']['median_ms']:8.1f} ms  target ≤ {TARGETS['recompute_one_ms']:.0f} ms"
        f"   (median of {figures['recompute_one']['runs']}, p90 {figures['recompute_one']['p90_ms']:.1f} ms)",
        f"  score change + recompute + commit {figures['recompute_one']['change_median_ms']:.1f} ms (median)",
        f"baseline on {figures['baseline_rows']:,} rows: naive {naive['seconds']:.1f} s ({naive_rate:,.0f} rows/s), "
        f"this import {fast['seconds']:.1f} s ({fast_rate:,.0f} rows/s): ratio ×{fast_rate / naive_rate:.0f}",
        f"  naive path projected to {figures['rows']:,} rows: {projected_naive / 60:.0f} min "
        f"(×{projected_naive / imported['seconds']:.0f} the import above)",
    ]
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale")
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--baseline-candidates", type=int, default=2_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    engines = options.databases.split(",")
    if "postgresql" in engines and not postgresql_available():
        print("PostgreSQL unreachable: skipped", file=sys.stderr)
        engines.remove("postgresql")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Certif scale benchmark — {datetime.now():%Y-%m-%d %H:%M} — {machine}")
    all_figures = {}
    for engine in engines:
        started = time.perf_counter()
        figures = run_engine(
            engine, options.candidates, options.baseline_candidates, options.repeat
        )
        all_figures[engine] = figures
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"scale-{engine}-latest.json").write_text(
            json.dumps(figures, indent=2), encoding="utf-8"
        )
        for line in report(engine, options.candidates, figures):
            print(line)
        print(f"  (suite took {time.perf_counter() - started:.0f} s)", flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"scale-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps({"machine": machine, "figures": all_figures}, indent=2), encoding="utf-8"
    )
    print(f"figures written to {out}")
    return 0
