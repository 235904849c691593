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


# -- the first statistics after a change ------------------------------------------------------

SESSION_BIG, SESSION_SMALL = "2026-06", "2026-12"
IMPORTED = 50  # candidates of one session whose B1 scores an import corrects


def _statistics_json() -> str:
    from certif.stats.presenting import as_json
    from certif.stats.presenting import statistics as figures
    from certif.stats.scope import Scope

    return json.dumps(as_json(figures(Scope())), sort_keys=True)


class Changes:
    """The typical changes, made through Certif's services as a user makes them."""

    def __init__(self) -> None:
        from certif.core.roles import Role

        self.client, self.staff = _client_as("bench-stats", Role.STAFF)
        _, self.president = _client_as("bench-stats-president", Role.JURY_PRESIDENT)
        self.round = 0

    def sheet(self) -> str:
        """A gestionnaire corrects one score of one submitted sheet of the big session (the
        candidate's result is computed again, as the page does)."""
        from decimal import Decimal

        from certif.grading.models import COUNTING, Score, SheetStatus
        from certif.grading.services import change_score

        self.round += 1
        score = (
            Score.objects.filter(
                sheet__session__code=SESSION_BIG,
                sheet__status=SheetStatus.SUBMITTED,
                sheet__marking__in=COUNTING,
                criterion__kind="points",
                criterion__block__code="B1",
            )
            .select_related("criterion")
            .order_by("sheet_id")[self.round * 7919 % 50_000]
        )
        maximum = score.criterion.max_points or Decimal(1)
        value = Decimal(score.value) / 100
        new = value - Decimal("0.5") if value >= Decimal("0.5") else value + Decimal("0.5")
        new = min(new, maximum)
        change_score(
            score.sheet_id, score.criterion.code, new, actor=self.staff, reason="Banc d'essai."
        )
        return f"sheet {score.sheet_id}: {score.criterion.code} {value} -> {new}"

    def import_(self) -> str:
        """An import correcting the B1 scores of ``IMPORTED`` candidates of the small session."""
        import csv
        import os
        import tempfile
        from decimal import Decimal

        from certif.grading.models import COUNTING, Score
        from certif.imports.scores import import_scores

        self.round += 1
        rows = list(
            Score.objects.filter(
                sheet__session__code=SESSION_SMALL,
                sheet__marking__in=COUNTING,
                criterion__block__code="B1",
                criterion__kind="points",
            )
            .order_by("sheet__candidate_id", "criterion__code")
            .values_list("sheet__candidate__numero", "criterion__code", "value")
        )
        numeros = sorted({numero for numero, _c, _v in rows})
        start = self.round * IMPORTED % max(1, len(numeros) - IMPORTED)
        chosen = set(numeros[start : start + IMPORTED])
        path = os.path.join(tempfile.gettempdir(), f"bench-stats-import-{self.round}.csv")
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(["candidat", "session", "bloc", "partie", "critere", "valeur"])
            for numero, code, value in rows:
                if numero in chosen:
                    points = Decimal(value) / 100
                    new = points - Decimal("0.5") if points >= 1 else points + Decimal("0.5")
                    text = f"{new:.2f}".replace(".", ",")
                    writer.writerow([numero, SESSION_SMALL, "B1", "", code, text])
        report = import_scores(path, replace=True, include_validated=True, actor=self.staff)
        return f"import of {IMPORTED} candidates' B1 in {SESSION_SMALL}: {report.rows} rows"

    def jury(self) -> str:
        """The jury of the small session closes its deliberation (every proposal confirmed)."""
        from datetime import date, timedelta

        from certif.deliberations.models import Affiliation, MemberRole
        from certif.deliberations.services import (
            close_deliberation,
            confirm_all_pending,
            open_deliberation,
            record_member,
        )
        from certif.sessions.models import ExamSession

        session = ExamSession.objects.get(code=SESSION_SMALL)
        ExamSession.objects.filter(pk=session.pk).update(
            start_date=date.today() - timedelta(days=20), end_date=date.today() - timedelta(days=16)
        )
        session.refresh_from_db()
        deliberation = open_deliberation(
            session, self.staff, date.today(), "Lyon", acknowledge_unfinished=True
        )
        for name, role, user in (
            ("Présidente", MemberRole.PRESIDENT, self.president),
            ("Membre", MemberRole.MEMBER, None),
        ):
            record_member(
                deliberation, self.staff, full_name=name, role=role,
                affiliation=Affiliation.EXTERNAL, user=user,
            )  # fmt: skip
        confirm_all_pending(deliberation, self.president)
        close_deliberation(deliberation, self.president)
        return f"deliberation of {SESSION_SMALL} closed: {deliberation.decisions.count()} decisions"


def _forget_statistics() -> None:
    """Drop the kept statistics of everyone (not the parts they are made of, nor the
    charts): the page then computes them as it would first after the change."""
    import hashlib

    from django.core.cache import cache

    from certif.stats.freshness import VERSION, data_stamp
    from certif.stats.scope import Scope

    name = f"statistics|{Scope()!r}|None"
    digest = hashlib.sha256(f"{VERSION}|{name}|{data_stamp()}".encode()).hexdigest()
    cache.delete("certif.stats:" + digest)


def step_changes(rounds: str) -> dict[str, Any]:
    """The first JSON and the first page after each kind of change (sheet, import, jury),
    ``rounds`` times each (the jury once), then the figures kept; at the end, the statistics
    computed from nothing again must equal those brought up to date."""
    import os

    from django.core.cache import cache
    from django.urls import reverse

    changes = Changes()
    page = _get(changes.client, reverse("stats:page"))
    found: dict[str, Any] = {"load": [os.getloadavg()[0]]}
    found["cold_json_s"] = _once(_statistics_json)
    found["cold_page_s"] = _once(page)
    kinds: list[tuple[str, Callable[[], str], int]] = [
        ("sheet", changes.sheet, int(rounds)),
        ("import", changes.import_, int(rounds)),
        ("jury", changes.jury, 1),
    ]
    for kind, change, count in kinds:
        runs: list[dict[str, Any]] = []
        for _ in range(count):
            what = change()
            first_json = _once(_statistics_json)
            kept_json = _once(_statistics_json)
            if kind == "jury":
                _forget_statistics()  # the closing once more, for the page
            else:
                change()
            first_page = _once(page)
            runs.append(
                {"change": what, "json_s": first_json, "kept_json_s": kept_json,
                 "page_s": first_page, "load": os.getloadavg()[0]}
            )  # fmt: skip
        found[kind] = runs
    # The same changes seen by a first page (the jury's closing already counted above).
    found["kept_page_s"] = _timed(page, 3)["median_ms"] / 1000
    brought = _statistics_json()
    cache.clear()
    try:  # the decoded results kept in the process's memory too, where there are
        from certif.stats.population import forget
    except ImportError:
        pass
    else:
        forget()
    started = time.perf_counter()
    from_nothing = _statistics_json()
    found["full_json_s"] = time.perf_counter() - started
    found["equal_to_full"] = brought == from_nothing
    found["load"].append(os.getloadavg()[0])
    return found


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "changes": step_changes,
    "json": step_json,
    "page": step_page,
    "baseline": step_baseline,
}

if __name__ == "__main__":
    _setup()
    name, *args = sys.argv[1:]
    print(json.dumps(STEPS[name](*args)))
