"""Measured statistics steps, run in their own process against a prepared database.

``python -m bench.stats_steps STEP``: prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.web_steps import _client_as, _get, _setup, _timed


def _once(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def step_json(repeat: str) -> dict[str, Any]:
    """``certif stats --format json`` of everyone, in-process (no process start-up)."""
    from certif.stats.presenting import as_json
    from certif.stats.presenting import statistics as figures
    from certif.stats.scope import Scope

    def call() -> str:
        return json.dumps(as_json(figures(Scope())))

    started = time.perf_counter()
    document = json.loads(call())
    cold = time.perf_counter() - started
    timed = _timed(call, int(repeat))
    return {
        **timed,
        "cold_s": cold,
        "candidates": document["candidates"],
        "certified": document["certified"],
    }


def step_page(repeat: str) -> dict[str, Any]:
    """The page of everyone with its eight charts, as a gestionnaire opens it."""
    from django.urls import reverse

    from certif.core.roles import Role

    client, _user = _client_as("bench-stats", Role.STAFF)
    call = _get(client, reverse("stats:page"))
    started = time.perf_counter()
    size = len(call().content)
    cold = time.perf_counter() - started
    return {**_timed(call, int(repeat)), "cold_s": cold, "bytes": size}


def _baseline() -> dict[str, Any]:
    """The same unit counts and score bins computed per candidate in Python: each stored
    decision read, the juries' words laid over it (``standings_of``), then counted."""
    from certif.deliberations.standing import standings_of
    from certif.domain.rules.results import CandidateResult as Decision
    from certif.domain.statistics.distribution import score_bins
    from certif.results.models import CandidateResult

    counts: Counter[tuple[str, str]] = Counter()
    scores: dict[str, list[Any]] = {}
    certified = 0
    rows = CandidateResult.objects.values_list("candidate_id", "data").iterator(chunk_size=2000)
    batch: list[tuple[int, Decision]] = []

    def flush() -> None:
        nonlocal certified
        for standing in standings_of(batch).values():
            certified += standing.certified
            for code, block in standing.result().blocks.items():
                counts[(code, block.status.value)] += 1
                for part_code, part in block.parts.items():
                    counts[(f"{code}:{part_code}", part.status.value)] += 1
                    if part.score is not None:
                        scores.setdefault(f"{code}:{part_code}", []).append(part.score)
                if not block.parts and block.score is not None:
                    scores.setdefault(code, []).append(block.score)
        batch.clear()

    for candidate_id, data in rows:
        batch.append((candidate_id, Decision.from_dict(data)))
        if len(batch) == 2000:
            flush()
    flush()
    bins = {unit: score_bins(values) for unit, values in scores.items()}
    return {"certified": certified, "units": len(counts), "histograms": len(bins)}


def step_baseline() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    seconds = _once(lambda: figures.update(_baseline()))
    return {"seconds": seconds, **figures}


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "json": step_json,
    "page": step_page,
    "baseline": step_baseline,
}

if __name__ == "__main__":
    _setup()
    name, *args = sys.argv[1:]
    print(json.dumps(STEPS[name](*args)))
