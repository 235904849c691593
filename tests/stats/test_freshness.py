"""Kept statistics are computed again when what they are made of changes, not otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from certif.core import audit
from certif.domain.referential.schema import Referential
from certif.stats.freshness import data_stamp
from certif.stats.presenting import statistics
from certif.stats.scope import Scope
from tests.support.builders import score_rows, threshold
from tests.support.deliberations import import_rows
from tests.support.stats import ABSENT, Cohort

pytestmark = pytest.mark.django_db


def validated_b1() -> int:
    return statistics(Scope(), draws=20).results.unit("B1").counts["validated"]


def test_an_import_of_scores_brings_the_figures_up_to_date(
    cohort: Cohort, ccab: Referential, tmp_path: Path
) -> None:
    before = validated_b1()
    rows = score_rows(ccab, ABSENT, "B1", threshold(ccab, "B1") + 2)
    import_rows(tmp_path, rows, "absent.csv")
    assert validated_b1() == before + 1


def test_an_event_that_changes_no_figure_leaves_the_stamp_as_it_was(cohort: Cohort) -> None:
    before = data_stamp()
    refused = audit.known("access.refused")
    assert refused is not None
    audit.record(refused, cohort.session)
    assert data_stamp() == before
