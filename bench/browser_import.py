"""A 100,000-row scores file imported from the browser, through the worker (issue 16).

``python -m bench browser-import [--candidates 2100] [--databases sqlite,postgresql]``

Two fresh databases holding the same candidates: in one, the file is posted to the imports
page (the upload is above the background threshold, so the page queues a job) and a real
``certif worker`` process imports it while the page's state part is polled as the browser
would, every second; in the other, the direct path (``import_scores``, what ``certif import
scores`` runs) imports the same file, the baseline of the same run.
"""

from __future__ import annotations

import argparse
from typing import Any

from bench.scale import cohort_files, each_engine, fresh_database, run_step


def step(env: dict[str, str], *args: str) -> dict[str, Any]:
    return run_step(
        "bench.browser_import_steps", {**env, "CERTIF_ALLOWED_HOSTS": "testserver"}, *args
    )


def run_engine(engine: str, size: int) -> dict[str, Any]:
    candidates, scores, rows = cohort_files(size)
    figures: dict[str, Any] = {"rows": rows}
    with fresh_database(engine) as env:
        step(env, "prepare", str(candidates))
        figures["browser"] = step(env, "browser", str(scores))
    with fresh_database(engine) as env:
        step(env, "prepare", str(candidates))
        figures["direct"] = step(env, "direct", str(scores))
    return figures


def report(engine: str, figures: dict[str, Any]) -> list[str]:
    browser, direct = figures["browser"], figures["direct"]
    return [
        f"== {engine}, {figures['rows']:,} score rows",
        f"browser: the page's answer (upload stored, job queued)  {browser['request_ms']:8.1f} ms",
        f"browser: posted to imported, through the worker       {browser['seconds']:8.1f} s"
        f"   (the job itself {browser['job_seconds']:.1f} s, worker start-up included in the rest)",
        f"  progress seen on the job page: {browser['polls_with_progress']} of {browser['polls']} polls"
        f" showed done/total, {browser['polls_with_rate']} a rate and time left; phases: {', '.join(browser['phases'])}",
        f"direct path (certif import scores), same file         {direct['seconds']:8.1f} s",
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench browser-import")
    parser.add_argument("--candidates", type=int, default=2_100)
    parser.add_argument("--databases", default="sqlite,postgresql")
    options = parser.parse_args(argv)
    return each_engine(
        options.databases,
        "Certif browser import benchmark",
        "browser-import",
        lambda engine: run_engine(engine, options.candidates),
        report,
    )
