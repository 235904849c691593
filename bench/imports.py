"""The scores import by phase, the staged write path beside the previous one (issue 16).

``python -m bench import [--candidates 100000] [--databases sqlite,postgresql] [--repeat 3]
[--paths staged,previous]``

Per engine, one database is prepared (référentiel, candidates), then each run imports the
scores file into a fresh copy of it (a copied SQLite file; ``CREATE DATABASE ... TEMPLATE``
on PostgreSQL), in its own process; the paths alternate run by run, so that the machine's
load weighs on both alike. Figures: median seconds per phase and in all, peak memory of the
importing process (median), and the ratio of the previous path to the staged one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.scale import (
    POSTGRESQL,
    TARGETS,
    chosen_engines,
    cohort_files,
    machine_line,
    run_step,
    write_figures,
)

TARGET_SQLITE_S = 25.0


def _admin_url() -> str:
    return POSTGRESQL.rsplit("/", 1)[0] + "/postgres"


def _postgresql_url(name: str) -> str:
    return POSTGRESQL.rsplit("/", 1)[0] + "/" + name


def _sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


@contextmanager
def prepared(engine: str, candidates: Path) -> Iterator[dict[str, str]]:
    """A database holding the référentiel and the candidates, to be copied for each run."""
    with tempfile.TemporaryDirectory(prefix="certif-bench-import-") as folder:
        env = {**os.environ, "CERTIF_DATA_DIR": folder, "CERTIF_SECRET_KEY": "bench-only"}
        template = POSTGRESQL.rsplit("/", 1)[1] + "_template"
        if engine == "sqlite":
            env["CERTIF_DATABASE_URL"] = f"sqlite:///{folder}/template.sqlite3"
        else:
            _sql(
                f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
                f'CREATE DATABASE "{template}"',
            )
            env["CERTIF_DATABASE_URL"] = _postgresql_url(template)
        run_step("bench.steps", env, "init")
        run_step("bench.steps", env, "import", "candidates", str(candidates))
        try:
            yield env
        finally:
            if engine == "postgresql":
                _sql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


@contextmanager
def copy_of(engine: str, template_env: dict[str, str]) -> Iterator[dict[str, str]]:
    env = dict(template_env)
    if engine == "sqlite":
        source = Path(template_env["CERTIF_DATABASE_URL"].removeprefix("sqlite:///"))
        target = source.with_name("run.sqlite3")
        shutil.copyfile(source, target)
        env["CERTIF_DATABASE_URL"] = f"sqlite:///{target}"
        try:
            yield env
        finally:
            target.unlink()
        return
    template = template_env["CERTIF_DATABASE_URL"].rsplit("/", 1)[1]
    name = POSTGRESQL.rsplit("/", 1)[1]
    _sql(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
    )
    env["CERTIF_DATABASE_URL"] = POSTGRESQL
    yield env


def run_engine(engine: str, size: int, repeat: int, paths: list[str]) -> dict[str, Any]:
    candidates, scores, rows = cohort_files(size)
    runs: dict[str, list[dict[str, Any]]] = {path: [] for path in paths}
    with prepared(engine, candidates) as template:
        for index in range(repeat):
            # Alternate which path goes first, so that neither always follows the other.
            order = paths if index % 2 == 0 else list(reversed(paths))
            for path in order:
                with copy_of(engine, template) as env:
                    figures = run_step("bench.steps", env, "import-phases", str(scores), path)
                runs[path].append(figures)
                print(
                    f"  {engine} {path:9} run {index + 1}: {figures['seconds']:6.1f} s, "
                    f"{figures['peak_rss_mb']:5.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )
    return {"rows": rows, "runs": runs}


def _median_phases(runs: list[dict[str, Any]]) -> dict[str, float]:
    names: list[str] = []
    for run in runs:
        names += [n for n in run["phases"] if n not in names]
    return {n: statistics.median(run["phases"].get(n, 0.0) for run in runs) for n in names}


def report(engine: str, size: int, figures: dict[str, Any]) -> list[str]:
    target = TARGETS["import_scores_s"] if engine == "postgresql" else TARGET_SQLITE_S
    lines = [f"== {engine}: {size:,} candidates, {figures['rows']:,} score rows"]
    medians = {}
    for path, runs in figures["runs"].items():
        seconds = statistics.median(run["seconds"] for run in runs)
        memory = statistics.median(run["peak_rss_mb"] for run in runs)
        each = ", ".join(f"{run['seconds']:.1f}" for run in runs)
        medians[path] = seconds
        lines.append(
            f"{path:9} {seconds:7.1f} s (runs: {each})"
            f"   peak {memory:5.0f} MB   target ≤ {target:.0f} s, ≤ {TARGETS['peak_rss_mb']:.0f} MB"
        )
        for name, value in _median_phases(runs).items():
            lines.append(f"    {name:38} {value:7.2f} s")
    if "staged" in medians and "previous" in medians:
        lines.append(f"previous / staged: ×{medians['previous'] / medians['staged']:.2f}")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench import")
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths", default="staged,previous")
    options = parser.parse_args(argv)
    engines = chosen_engines(options.databases)
    machine = machine_line()
    print(f"Certif import benchmark — {datetime.now():%Y-%m-%d %H:%M} — {machine}", flush=True)
    all_figures = {}
    for engine in engines:
        started = time.perf_counter()
        figures = run_engine(engine, options.candidates, options.repeat, options.paths.split(","))
        all_figures[engine] = figures
        for line in report(engine, options.candidates, figures):
            print(line)
        print(f"  (suite took {time.perf_counter() - started:.0f} s)", flush=True)
    write_figures("import", machine, all_figures)
    return 0
