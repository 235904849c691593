"""Every session's criteria totals, kept by slices of sheets so that a change sums one slice
again, not the millions of scores of every session.

The sheets are cut into **slices** of consecutive ids (``SLICE`` sheets each). For each
slice, the totals of its counting, submitted sheets' scores per (session, criterion) are kept
in Django's cache with the slice's **stamp**: its sheets' count, the sum of their revisions,
their latest id and change time, and how many of them count (single or agreed marking,
submitted). Every write of a sheet or of its scores moves its slice's stamp — a score saved or
imported bumps its sheet's revision (``ScoreSheet.bump_revision``), a sheet submitted,
reopened or marked again changes its status, marking or time, a sheet created or removed
changes the count — so a slice whose stamp moved is summed again from the scores, and only it.
The sum of revisions moves whatever order the writers commit in, which a latest time alone
would not.

The stamps are read in one statement over the sheets (hundreds of thousands of rows, a
fraction of the scores); the stale slices are summed in one grouped query over their ranges
of sheet ids, which the scores' index (sheet, criterion) reads directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Sum

from certif.grading.models import COUNTING, Score, ScoreSheet, SheetStatus

SLICE = 4096
"""Sheets per slice: a sheet saved sums about 4,096 sheets' scores again (some 25,000)."""

COMPOUND = 400
CACHE_KEY = "certif.stats:criteria-slices:1"
KEEP_SECONDS = 24 * 3600

Totals = dict[tuple[int, int], tuple[int, int]]
"""(session id, criterion id) → (sum of the stored values, sheets)."""

Stamp = tuple[int, int, int, str, int]
Kept = dict[int, tuple[Stamp, Totals]]


def _counting() -> Q:
    return Q(marking__in=COUNTING, status=SheetStatus.SUBMITTED)


def slice_stamps() -> dict[int, Stamp]:
    """Each slice's stamp. One statement of one aggregate per slice over its range of ids
    (``UNION ALL``): each reads its range by the primary key, where a ``GROUP BY`` on the
    slice number would sort every sheet first (twice as slow on SQLite)."""
    last = ScoreSheet.objects.aggregate(last=Max("id"))["last"]
    if last is None:
        return {}
    quote = connection.ops.quote_name
    table = quote(ScoreSheet._meta.db_table)
    marking, status, updated = quote("marking"), quote("status"), quote("updated_at")
    counting = ", ".join(["%s"] * len(COUNTING))
    # Slice numbers and bounds are integers of ours, written in the statement.
    part = (
        "SELECT {number}, COUNT(*), "
        f"SUM({quote('revision')}), MAX({quote('id')}), MAX({updated}), "
        f"SUM(CASE WHEN {marking} IN ({counting}) AND {status} = %s THEN 1 ELSE 0 END) "
        f"FROM {table} WHERE {quote('id')} >= {{low}} AND {quote('id')} < {{high}}"
    )
    numbers = list(range(last // SLICE + 1))
    rows = []
    with connection.cursor() as cursor:
        # SQLite joins at most 500 SELECTs in one statement.
        for start in range(0, len(numbers), COMPOUND):
            chunk = numbers[start : start + COMPOUND]
            statement = " UNION ALL ".join(
                part.format(number=n, low=n * SLICE, high=(n + 1) * SLICE) for n in chunk
            )
            cursor.execute(statement, [*COUNTING, SheetStatus.SUBMITTED.value] * len(chunk))
            rows += cursor.fetchall()
    return {
        int(number): (count, int(revisions or 0), last_id, str(last_at), int(counted or 0))
        for number, count, revisions, last_id, last_at, counted in rows
        if count
    }


def ranges(slices: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive slices merged into ranges of sheet ids, [low, high)."""
    found: list[tuple[int, int]] = []
    for number in sorted(slices):
        low, high = number * SLICE, (number + 1) * SLICE
        if found and found[-1][1] == low:
            found[-1] = (found[-1][0], high)
        else:
            found.append((low, high))
    return found


def _counting_scores() -> QuerySet[Score]:
    return Score.objects.filter(
        sheet__marking__in=COUNTING, sheet__status=SheetStatus.SUBMITTED
    ).order_by()


def sum_slices(slices: Iterable[int]) -> dict[int, Totals]:
    """The totals of the given slices, summed from their scores in one grouped query."""
    found_ranges = ranges(slices)
    found: dict[int, Totals] = {number: {} for number in slices}
    if not found_ranges:
        return found
    within = reduce(or_, (Q(sheet_id__gte=low, sheet_id__lt=high) for low, high in found_ranges))
    rows = (
        _counting_scores()
        .filter(within)
        .annotate(slice=F("sheet_id") / SLICE)
        .values_list("slice", "sheet__session_id", "criterion_id")
        .annotate(total=Sum("value"), sheets=Count("id"))
    )
    for number, session, criterion, total, sheets in rows:
        found.setdefault(number, {})[(session, criterion)] = (total or 0, sheets)
    return found


def _merged(parts: Iterable[Totals]) -> Totals:
    found: Totals = {}
    for totals in parts:
        for key, (total, sheets) in totals.items():
            before = found.get(key, (0, 0))
            found[key] = (before[0] + total, before[1] + sheets)
    return found


def fresh_totals(stamps: Mapping[int, Stamp], kept: Kept) -> tuple[Totals, Kept, int]:
    """The totals of every slice as ``stamps`` describe them, reusing the kept slices whose
    stamp is the same; with the slices to keep and how many were summed again."""
    stale = [number for number, stamp in stamps.items() if kept.get(number, (None,))[0] != stamp]
    summed = sum_slices(stale)
    slices: Kept = {
        number: (stamp, summed[number] if number in summed else kept[number][1])
        for number, stamp in stamps.items()
    }
    return _merged(totals for _stamp, totals in slices.values()), slices, len(stale)


def totals_by_session(stamps: Mapping[int, Stamp] | None = None) -> Totals:
    """Every session's criteria totals over the counting, submitted sheets, each slice of
    sheets summed again only when its stamp moved since it was kept (``stamps``: the slices'
    stamps, when read already)."""
    stamps = slice_stamps() if stamps is None else stamps
    kept: Kept = cache.get(CACHE_KEY) or {}
    totals, slices, stale = fresh_totals(stamps, kept)
    if stale or len(slices) != len(kept):
        cache.set(CACHE_KEY, slices, timeout=KEEP_SECONDS)
    return totals
