"""Statistics at scale (issue 15): the JSON and the page of 100,000 candidates, against the
same counts computed per candidate in Python, in the same run; then the first JSON and page
after each typical change (a sheet saved, an import into one session, a jury's closing).

``python -m bench stats [--candidates 100000] [--databases sqlite,postgresql] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from typing import Any

from bench.scale import RESULTS, chosen_engines, cohort_files, fresh_database, run_step
from bench.web import step as web_step

TARGETS = {"json_s": 1.0, "page_s": 3.0}


def step(env: dict[str, str], *args: str) -> dict[str, Any]:
    return run_step("bench.stats_steps", {**env, "CERTIF_ALLOWED_HOSTS": "testserver"}, *args)


def run_engine(engine: str, size: int, repeat: int) -> dict[str, Any]:
    candidates, scores, _ = cohort_files(size)
    with fresh_database(engine) as env:
        web_step(env, "prepare", str(candidates), str(scores))
        return {
            "json": step(env, "json", str(repeat)),
            "page": step(env, "page", str(repeat)),
            "baseline": step(env, "baseline"),
            # Last: it changes the data (a sheet, an import, a jury's closing).
            "changes": step(env, "changes", str(repeat)),
        }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def changes_report(changes: dict[str, Any]) -> list[str]:
    """The first JSON and page after each kind of change (medians of its rounds)."""
    lines = []
    for kind in ("sheet", "import", "jury"):
        runs = changes[kind]
        json_s = _median([run["json_s"] for run in runs])
        page_s = _median([run["page_s"] for run in runs])
        lines.append(
            f"first after a {kind:<6}   JSON {json_s:6.2f} s   page {page_s:6.2f} s"
            f"   ({len(runs)} round(s))"
        )
    same = "equal" if changes["equal_to_full"] else "DIFFERENT"
    lines.append(f"  brought up to date vs computed from nothing: {same}")
    return lines


def report(engine: str, figures: dict[str, Any]) -> list[str]:
    found, page, baseline = figures["json"], figures["page"], figures["baseline"]
    json_s, page_s = found["median_ms"] / 1000, page["median_ms"] / 1000
    return [
        f"== {engine}: {found['candidates']:,} candidates, {found['certified']:,} certified",
        f"statistics as JSON      {json_s:6.2f} s   target ≤ {TARGETS['json_s']:.0f} s"
        f"   (first, computing everything: {found['cold_s']:.2f} s)",
        f"page with its charts    {page_s:6.2f} s   target ≤ {TARGETS['page_s']:.0f} s"
        f"   (first: {page['cold_s']:.2f} s)",
        f"baseline, per candidate {baseline['seconds']:6.2f} s"
        f"   (×{baseline['seconds'] / json_s:.0f} the JSON)",
        *changes_report(figures["changes"]),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench stats")
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    engines = chosen_engines(options.databases)
    print(f"Certif statistics benchmark — {datetime.now():%Y-%m-%d %H:%M}")
    for engine in engines:
        started = time.perf_counter()
        figures = run_engine(engine, options.candidates, options.repeat)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"stats-{engine}-latest.json").write_text(
            json.dumps(figures, indent=2), encoding="utf-8"
        )
        for line in report(engine, figures):
            print(line)
        print(f"  (suite took {time.perf_counter() - started:.0f} s)", flush=True)
    return 0
