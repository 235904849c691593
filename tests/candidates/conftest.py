"""Candidates with stored decisions, made through the importers as the application does."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from certif.candidates.models import Candidate
from certif.domain.referential.schema import PointsScoring, Referential
from certif.imports.scores import import_scores
from tests.support.builders import score_rows
from tests.support.files import SCORE_HEADER, write_csv


def b1_threshold(ccab: Referential) -> Decimal:
    scoring = ccab.block("B1").scoring
    assert isinstance(scoring, PointsScoring)
    return scoring.threshold


@pytest.fixture
def scored(ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> list[Candidate]:
    """C001 just below B1's threshold (not validated), C002 at it (validated), session 2026-06."""
    threshold = b1_threshold(ccab)
    rows = score_rows(ccab, "C001", "B1", threshold - 1) + score_rows(ccab, "C002", "B1", threshold)
    import_scores(write_csv(tmp_path / "notes.csv", SCORE_HEADER, rows), create_sessions=True)
    return candidates
