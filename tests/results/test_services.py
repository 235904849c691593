"""Stored results stay current and cost one query to read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext

from certif.candidates.models import Candidate
from certif.core import bulk
from certif.domain.referential.schema import Referential
from certif.domain.rules.results import Status
from certif.imports.scores import import_scores
from certif.results.batch import status_fragment
from certif.results.models import CandidateResult
from certif.results.queries import iter_results
from certif.results.services import recompute_all, recompute_candidate
from tests.support.builders import failing, passing, score_rows
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db


def test_results_of_the_whole_population_are_read_in_one_query(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = score_rows(ccab, "C001", "B1", passing(ccab, "B1")) + score_rows(
        ccab, "C002", "B1", failing(ccab, "B1", "3")
    )
    import_scores(write_csv(tmp_path / "n.csv", SCORE_HEADER, rows), create_sessions=True)
    with CaptureQueriesContext(connection) as queries:
        results = list(iter_results())
    assert [numero for _id, numero, _result in results] == ["C001", "C002"]
    assert len(queries.captured_queries) == 1


def test_results_can_be_limited_to_a_session(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = score_rows(ccab, "C001", "B1", passing(ccab, "B1"), session="2026-06") + score_rows(
        ccab, "C002", "B1", passing(ccab, "B1"), session="2026-12"
    )
    import_scores(write_csv(tmp_path / "n.csv", SCORE_HEADER, rows), create_sessions=True)
    assert [numero for _id, numero, _result in iter_results(session="2026-12")] == ["C002"]


def test_results_name_the_referential_version_they_used(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    import_scores(
        write_csv(
            tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", passing(ccab, "B1"))
        ),
        create_sessions=True,
    )
    result = CandidateResult.objects.get(candidate__numero="C001")
    assert result.decision.referential == "CCAB 2026.1"
    assert result.referential_version.code == "CCAB"


def test_recomputing_one_candidate_matches_the_stored_result(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    import_scores(
        write_csv(
            tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B3", "13.75", part="eti")
        ),
        create_sessions=True,
    )
    stored = CandidateResult.objects.get(candidate__numero="C001").decision
    assert recompute_candidate(candidates[0]) == stored
    assert stored.blocks["B3"].parts["eti"].status is Status.NOT_VALIDATED


def test_recompute_all_writes_one_result_per_candidate(candidates: list[Candidate]) -> None:
    CandidateResult.objects.all().delete()
    assert recompute_all() == 2
    assert CandidateResult.objects.count() == 2


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the candidates list's substring test is SQLite's only"
)
def test_a_stored_summary_holds_the_status_fragment_of_each_block_and_part(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    """The candidates list's quick substring test relies on it (SQLite)."""
    rows = score_rows(ccab, "C001", "B1", passing(ccab, "B1")) + score_rows(
        ccab, "C001", "B3", "13.75", part="eti"
    )
    import_scores(write_csv(tmp_path / "n.csv", SCORE_HEADER, rows), create_sessions=True)
    text = (
        CandidateResult.objects.filter(candidate__numero="C001")
        .annotate(text=Cast("summary", TextField()))
        .values_list("text", flat=True)
        .get()
    )
    assert status_fragment("B1", "validated") in text
    assert status_fragment("eti", "not_validated") in text
    assert status_fragment("B3", "not_validated") in text
    assert status_fragment("B2", "not_assessed") in text


def results_by_candidate() -> dict[str, tuple[bool, Any, Any]]:
    return {
        numero: (certified, data, summary)
        for numero, certified, data, summary in CandidateResult.objects.values_list(
            "candidate__numero", "certified", "data", "summary"
        )
    }


def test_many_decisions_are_stored_whether_their_candidate_had_a_result_or_not(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = score_rows(ccab, "C001", "B1", passing(ccab, "B1"))
    import_scores(write_csv(tmp_path / "n.csv", SCORE_HEADER, rows), create_sessions=True)
    expected = results_by_candidate()
    CandidateResult.objects.filter(candidate__numero="C002").delete()
    CandidateResult.objects.filter(candidate__numero="C001").update(certified=True, data={})
    monkeypatch.setattr(bulk, "STAGE_FROM", 1)  # the way of thousands of decisions
    recompute_all()
    assert results_by_candidate() == expected
