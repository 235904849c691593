"""A scores import enrols no one again in a block a jury already validated for them, unless told
to: the enrolment service's rule (``acquired_blocks``), on the import's new sheets only."""

from __future__ import annotations

from pathlib import Path

import pytest

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.grading.models import ScoreSheet
from certif.imports.scores import import_scores
from certif.sessions.models import Enrolment, ExamSession
from tests.support.builders import score_rows
from tests.support.deliberations import DECEMBER, december, deliberation, jury, session
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db

# June closed by its jury, December to come (tests/support/deliberations.py).
__all__ = ["december", "deliberation", "jury", "session"]


def december_file(tmp_path: Path, ccab: Referential) -> Path:
    rows = [
        *score_rows(ccab, "C001", "B1", "12", session=DECEMBER),
        *score_rows(ccab, "C002", "B1", "12", session=DECEMBER),
    ]
    return write_csv(tmp_path / "decembre.csv", SCORE_HEADER, rows)


def graded_in_b1(session: ExamSession) -> list[str]:
    return sorted(
        ScoreSheet.objects.filter(session=session, block__code="B1").values_list(
            "candidate__numero", flat=True
        )
    )


def test_a_candidate_whose_block_a_jury_validated_is_left_out_and_named(
    december: ExamSession, ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    report = import_scores(december_file(tmp_path, ccab))
    assert report.left_out == ["C001"]
    assert report.rows_left_out == len(score_rows(ccab, "C001", "B1", "12"))
    assert graded_in_b1(december) == ["C002"]
    assert not Enrolment.objects.filter(session=december, candidate__numero="C001").exists()
    assert any("laissée(s) de côté" in line and "C001" in line for line in report.lines())


def test_a_validated_candidate_is_enrolled_when_asked(
    december: ExamSession, ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    report = import_scores(december_file(tmp_path, ccab), include_validated=True)
    assert report.left_out == []
    assert graded_in_b1(december) == ["C001", "C002"]
