"""The web application's pages at scale (issue 4): deliberation, sheet save, candidate list.

``python -m bench web [--deliberation-candidates 2000] [--list-candidates 100000]
[--databases sqlite,postgresql] [--repeat 20]``
"""

from __future__ import annotations

import argparse
from typing import Any

from bench.scale import cohort_files, each_engine, fresh_database, run_step

TARGETS = {"deliberation_ms": 300.0, "sheet_save_ms": 50.0, "candidate_list_ms": 200.0}


def step(env: dict[str, str], *args: str) -> dict[str, Any]:
    return run_step("bench.web_steps", {**env, "CERTIF_ALLOWED_HOSTS": "testserver"}, *args)


def run_engine(engine: str, deliberation_size: int, list_size: int, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    candidates, scores, _ = cohort_files(deliberation_size)
    with fresh_database(engine) as env:
        step(env, "prepare", str(candidates), str(scores))
        figures["deliberation"] = step(env, "deliberation", str(repeat))
        figures["sheet_save"] = step(env, "sheet-save", str(repeat * 2))
    candidates, scores, _ = cohort_files(list_size)
    with fresh_database(engine) as env:
        step(env, "prepare", str(candidates), str(scores))
        figures["candidate_list"] = step(env, "candidate-list", str(repeat))
    return figures


def report(engine: str, figures: dict[str, Any]) -> list[str]:
    deliberation, save, listing = (
        figures["deliberation"],
        figures["sheet_save"],
        figures["candidate_list"],
    )
    lines = [
        f"== {engine}",
        f"deliberation page, {deliberation['candidates']:,} candidates   {deliberation['median_ms']:7.1f} ms"
        f"   target ≤ {TARGETS['deliberation_ms']:.0f} ms (borderline filter {deliberation['borderline_median_ms']:.1f} ms;"
        f" opening it took {deliberation['opening_s']:.1f} s)",
        f"sheet save (draft, through the page)          {save['median_ms']:7.1f} ms   target ≤ {TARGETS['sheet_save_ms']:.0f} ms",
        f"candidate list, {listing['candidates']:,} candidates: first page {listing['first_page']['median_ms']:.1f} ms,"
        f" name search {listing['search_name']['median_ms']:.1f} ms (two words {listing['search_words']['median_ms']:.1f} ms,"
        f" no match {listing['search_nothing']['median_ms']:.1f} ms), status filter {listing['status_filter']['median_ms']:.1f} ms"
        + (
            f", next page {listing['next_page']['median_ms']:.1f} ms"
            if "next_page" in listing
            else ""
        )
        + f"   target ≤ {TARGETS['candidate_list_ms']:.0f} ms",
        f"  baseline, offset page in the middle, by name, with a count: {listing['naive_offset_page']['median_ms']:.1f} ms"
        f" (×{listing['naive_offset_page']['median_ms'] / listing['first_page']['median_ms']:.1f} the first page)",
    ]
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench web")
    parser.add_argument("--deliberation-candidates", type=int, default=2_000)
    parser.add_argument("--list-candidates", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args(argv)
    return each_engine(
        options.databases,
        "Certif web benchmark",
        "web",
        lambda engine: run_engine(
            engine, options.deliberation_candidates, options.list_candidates, options.repeat
        ),
        report,
    )
