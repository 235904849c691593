"""The printed report: the year's charts and tables in a PDF."""

from __future__ import annotations

import pytest

from certif.stats.presenting import statistics
from certif.stats.report import render_report
from certif.stats.scope import Scope
from tests.support.documents import pdf_text
from tests.support.stats import Cohort

pytestmark = pytest.mark.django_db


def test_the_report_of_a_year_holds_its_tables_and_france_competences(cohort: Cohort) -> None:
    text = pdf_text(render_report(statistics(Scope(year=2026), draws=20)))
    assert "Statistiques de la certification" in text
    assert "Taux de réussite par unité" in text
    assert "promotion 2026" in text
    assert "Certifiés par la VAE" in text


def test_the_report_of_a_year_gives_its_holders_insertion_beside_the_cohort(
    cohort: Cohort,
) -> None:
    text = pdf_text(render_report(statistics(Scope(year=2026), draws=20)))
    assert "Insertion des titulaires" in text
    assert "Aucune enquête pour cette promotion." in text  # the cohort has no survey yet


def test_the_report_of_all_years_has_no_insertion_section(cohort: Cohort) -> None:
    text = pdf_text(render_report(statistics(Scope(), draws=20)))
    assert "Insertion des titulaires" not in text
