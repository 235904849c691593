"""France compétences' tables of a year, against the cohort of known numbers."""

from __future__ import annotations

import pytest

from certif.stats.france_competences import promotion_tables
from tests.support.stats import PASSED, VAE, Cohort

pytestmark = pytest.mark.django_db


def test_the_promotion_counts_those_who_sat_that_year(cohort: Cohort) -> None:
    tables = promotion_tables(2026)
    assert (tables.presented, tables.certified) == (6, len(PASSED))


def test_certified_through_vae_counts_the_vae_holders_only(cohort: Cohort) -> None:
    # C001 (VAE) is certified, C004 (VAE) is not.
    assert promotion_tables(2026).certified_vae == len([n for n in VAE if n in PASSED])


def test_each_access_path_has_its_row(cohort: Cohort) -> None:
    rows = {
        row.access_path: (row.presented, row.certified)
        for row in promotion_tables(2026).by_access_path
    }
    assert rows["VAE"] == (2, 1)
    assert rows[""] == (4, 2)


def test_a_partial_validation_is_a_block_held_without_the_certification(cohort: Cohort) -> None:
    tables = promotion_tables(2026)
    # C005 holds B1 alone; C004 holds only the mémoire, which is no block.
    assert tables.partial == 1
    assert tables.partial_by_block["B1"] == 1
    assert tables.partial_by_block["B2"] == 0
    assert "MEM" not in tables.partial_by_block


def test_another_year_is_empty(cohort: Cohort) -> None:
    tables = promotion_tables(2027)
    assert (tables.presented, tables.certified, tables.partial) == (0, 0, 0)
