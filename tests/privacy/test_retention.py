"""The retention periods come from the environment, with documented defaults."""

from __future__ import annotations

import pytest

from certif.config import RETENTION_VARIABLES, Retention, read_retention


def test_the_defaults_hold_without_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in RETENTION_VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    assert read_retention() == Retention(
        nir_days=90,
        identity_years=5,
        sheets_years=5,
        deposits_years=5,
        documents_years=1,
        journal_years=5,
    )


def test_each_period_is_read_from_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTIF_RETENTION_NIR_DAYS", "30")
    monkeypatch.setenv("CERTIF_RETENTION_JOURNAL_YEARS", "10")
    monkeypatch.setenv("CERTIF_RETENTION_DEPOSITS_YEARS", "7")
    periods = read_retention()
    assert (periods.nir_days, periods.journal_years, periods.sheets_years) == (30, 10, 5)
    assert periods.deposits_years == 7


def test_a_period_that_is_not_a_whole_number_is_refused_in_french(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CERTIF_RETENTION_SHEETS_YEARS", "cinq")
    with pytest.raises(ValueError, match="un nombre entier positif est attendu"):
        read_retention()
