"""A cohort whose statistics are known by construction, for the statistics' tests.

Session 2026-06, held 15–19 June 2026; the candidates and what they sat (every score from the
référentiel's thresholds, never written here):

- C001, C002, C003: every block ``threshold + 4`` and a thesis meeting its conditions:
  certified, every unit validated;
- C004: every block ``threshold - 4`` (B3's parts too) and a valid thesis: every points unit
  not validated, the mémoire validated;
- C005: B1 exactly at its threshold (validated, borderline); B2 with one criterion missing
  (incomplete);
- C006: B1 one point below its threshold (not validated, borderline);
- C007: nothing (not in the session; every unit not assessed);
- access paths: C001 and C004 « VAE », the others none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from certif.candidates.models import Candidate
from certif.domain.referential.schema import CriterionKind, Referential
from certif.domain.rules.engine import Value
from certif.domain.values import encode
from certif.grading.models import Score, ScoreSheet, SheetStatus
from certif.referential.models import Block, Criterion
from certif.sessions.models import ExamSession
from tests.support.builders import score_rows, threshold
from tests.support.deliberations import (
    SESSION,
    SESSION_DAYS,
    add_candidates,
    every_block_rows,
    held,
    import_rows,
)

PASSED = ("C001", "C002", "C003")
FAILED = "C004"
AT_THRESHOLD, BELOW = "C005", "C006"
ABSENT = "C007"
VAE = ("C001", "C004")
MARGIN = Decimal(4)


@dataclass(frozen=True)
class Cohort:
    session: ExamSession
    candidates: list[Candidate]


def cohort_rows(ccab: Referential) -> list[tuple[str, str, str, str, str, str]]:
    high = threshold(ccab, "B1") + MARGIN
    rows = [row for numero in PASSED for row in every_block_rows(ccab, numero, high)]
    rows += every_block_rows(ccab, FAILED, threshold(ccab, "B1") - MARGIN)
    rows += score_rows(ccab, AT_THRESHOLD, "B1", threshold(ccab, "B1"))
    rows += score_rows(ccab, AT_THRESHOLD, "B2", threshold(ccab, "B2"))[1:]
    rows += score_rows(ccab, BELOW, "B1", threshold(ccab, "B1") - 1)
    return rows


@pytest.fixture
def cohort(ccab: Referential, version: object, tmp_path: Path) -> Cohort:
    numeros = (*PASSED, FAILED, AT_THRESHOLD, BELOW, ABSENT)
    candidates = add_candidates(tmp_path, *numeros)
    Candidate.objects.filter(numero__in=VAE).update(access_path="VAE")
    import_rows(tmp_path, cohort_rows(ccab))
    session = held(SESSION, *SESSION_DAYS)
    assert session.start_date == date(2026, 6, 15)
    return Cohort(session, candidates)


def marked_sheet(
    session: ExamSession,
    numero: str,
    block: str,
    evaluator: Any,
    marking: str,
    values: Mapping[str, Value],
    part: str = "",
) -> ScoreSheet:
    """A submitted first or second marking's sheet with its values, as two evaluators leave
    them on a double-marked unit (the counting, agreed sheet is another one)."""
    block_row = Block.objects.get(version=session.referential_version, code=block)
    sheet = ScoreSheet.objects.create(
        candidate=Candidate.objects.get(numero=numero),
        session=session,
        block=block_row,
        part=part,
        evaluator=evaluator,
        marking=marking,
        status=SheetStatus.SUBMITTED,
    )
    criteria = {c.code: c for c in Criterion.objects.filter(block=block_row)}
    Score.objects.bulk_create(
        Score(
            sheet=sheet,
            criterion=criteria[code],
            value=encode(CriterionKind(criteria[code].kind), value),
        )
        for code, value in values.items()
    )
    return sheet
