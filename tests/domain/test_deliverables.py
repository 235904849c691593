"""Deliverables in the référentiel: what the shipped file asks for, how due dates are counted,
and files written before deliverables existed loading and hashing as they did."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from certif.domain.referential.loading import load_referential_file
from certif.domain.referential.render import referential_to_json, referential_to_text
from certif.domain.referential.schema import (
    BYTES_PER_MB,
    Deliverable,
    DeliverableKind,
    DueRule,
    FileFormat,
    Referential,
)

AS_PRINTED = Path(__file__).parent.parent / "fixtures" / "referential_as_printed.yaml"

epreuve_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31))
weeks = st.integers(min_value=0, max_value=52)
days = st.integers(min_value=0, max_value=365)


def test_b1_asks_for_a_pdf_written_support_a_week_before_the_oral(ccab: Referential) -> None:
    placed = ccab.deliverable("B1Support")
    assert placed.block.code == "B1"
    assert placed.deliverable.kind is DeliverableKind.WRITTEN_SUPPORT
    assert placed.deliverable.due.days_before == 7
    assert placed.deliverable.formats == [FileFormat.PDF]
    assert placed.min_pages is None


def test_b3_asks_for_one_written_support_covering_its_three_parts(ccab: Referential) -> None:
    b3 = [p for p in ccab.placed_deliverables() if p.block.code == "B3"]
    assert [p.deliverable.code for p in b3] == ["B3Support"]
    assert "(particulier - PME - ETI)" in b3[0].deliverable.label
    assert len(b3[0].block.parts) == 3


def test_the_memoire_is_a_pdf_due_two_weeks_before_with_thirty_pages_before_annexes(
    ccab: Referential,
) -> None:
    placed = ccab.deliverable("MEMDocument")
    assert placed.deliverable.kind is DeliverableKind.THESIS
    assert placed.deliverable.due.weeks_before_epreuve == 2
    assert placed.deliverable.max_size_bytes == 50 * 1024 * 1024
    assert placed.min_pages == 30


def test_every_deadline_decision_is_recorded_in_the_errata(ccab: Referential) -> None:
    decisions = " ".join(erratum.decision for erratum in ccab.errata)
    for placed in ccab.placed_deliverables():
        assert placed.deliverable.code in decisions


def test_the_modalities_without_a_written_support_ask_for_nothing(ccab: Referential) -> None:
    assert [p.block.code for p in ccab.placed_deliverables()] == ["B1", "B3", "MEM"]


def test_an_unknown_deliverable_code_is_a_key_error(ccab: Referential) -> None:
    with pytest.raises(KeyError):
        ccab.deliverable("B2Support")


def test_a_modality_finds_its_deliverable_by_kind(ccab: Referential) -> None:
    modality = ccab.block("MEM").modalities[0]
    thesis = modality.deliverable(DeliverableKind.THESIS)
    assert thesis is not None
    assert thesis.code == "MEMDocument"
    assert modality.deliverable(DeliverableKind.WRITTEN_SUPPORT) is None


def test_a_deliverable_defaults_to_pdf_and_20_mb() -> None:
    deliverable = Deliverable.model_validate(
        {
            "code": "X",
            "kind": "thesis",
            "label": "Mémoire",
            "due": {"days_before_epreuve": 0},
        }
    )
    assert deliverable.formats == [FileFormat.PDF]
    assert deliverable.max_size_bytes == 20 * BYTES_PER_MB
    assert deliverable.checks_min_pages is False


def test_a_file_without_deliverables_still_loads() -> None:
    referential = load_referential_file(AS_PRINTED).referential
    assert referential.placed_deliverables() == []


def test_a_file_without_deliverables_dumps_as_before_and_keeps_its_hash() -> None:
    # The stored version's identity is the hash of this dump (referential.services).
    dumped = load_referential_file(AS_PRINTED).referential.model_dump(mode="json")
    for block in dumped["blocks"]:
        for modality in block["modalities"]:
            assert "deliverables" not in modality


def test_deliverables_survive_the_dump_the_database_stores(ccab: Referential) -> None:
    again = Referential.model_validate(ccab.model_dump(mode="json"))
    assert again == ccab
    assert again.deliverable("MEMDocument").min_pages == 30


def test_deliverables_appear_in_the_json_form(ccab: Referential) -> None:
    document = json.loads(json.dumps(referential_to_json(ccab)))
    mem = next(block for block in document["blocks"] if block["code"] == "MEM")
    assert mem["modalities"][0]["deliverables"] == [
        {
            "code": "MEMDocument",
            "kind": "thesis",
            "label": "Mémoire professionnel",
            "due": {"weeks_before_epreuve": 2, "days_before_epreuve": None, "days_before": 14},
            "formats": ["pdf"],
            "max_size_mb": 50,
            "checks_min_pages": True,
        }
    ]
    b2 = next(block for block in document["blocks"] if block["code"] == "B2")
    assert b2["modalities"][0]["deliverables"] == []


def test_deliverables_appear_in_the_text_form(ccab: Referential) -> None:
    text = referential_to_text(ccab)
    assert (
        "    Livrable B1Support : Support écrit — PDF, 20 Mo au plus, à déposer au plus tard "
        "7 jours avant l'épreuve\n" in text
    )
    assert "à déposer au plus tard 2 semaines avant l'épreuve ; au moins 30 pages avant" in text


def test_a_deliverable_due_on_the_day_reads_so_in_the_text_form(ccab: Referential) -> None:
    document: dict[str, Any] = yaml.safe_load(yaml.safe_dump(ccab.model_dump(mode="json")))
    document["blocks"][0]["modalities"][0]["deliverables"][0]["due"] = {"days_before_epreuve": 0}
    text = referential_to_text(Referential.model_validate(document))
    assert "à déposer au plus tard le jour de l'épreuve" in text


# -- due dates ---------------------------------------------------------------------------------


def test_three_weeks_before_a_monday_is_a_monday() -> None:
    rule = DueRule(weeks_before_epreuve=3)
    assert rule.due_date(date(2026, 6, 15)) == date(2026, 5, 25)


def test_a_deadline_crosses_months_and_leap_days() -> None:
    assert DueRule(days_before_epreuve=7).due_date(date(2028, 3, 3)) == date(2028, 2, 25)
    assert DueRule(days_before_epreuve=3).due_date(date(2028, 3, 1)) == date(2028, 2, 27)


def test_zero_days_before_is_the_day_of_the_epreuve() -> None:
    assert DueRule(days_before_epreuve=0).due_date(date(2026, 6, 15)) == date(2026, 6, 15)


@pytest.mark.parametrize(
    "fields",
    [{}, {"weeks_before_epreuve": 1, "days_before_epreuve": 7}],
    ids=["none", "both"],
)
def test_a_rule_states_exactly_one_unit(fields: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="un seul des deux"):
        DueRule.model_validate(fields)


@given(epreuve_dates, days)
def test_the_due_date_is_that_many_days_before_the_epreuve(epreuve: date, before: int) -> None:
    due = DueRule(days_before_epreuve=before).due_date(epreuve)
    assert due <= epreuve
    assert (epreuve - due).days == before


@given(epreuve_dates, weeks)
def test_n_weeks_before_is_7n_days_before_on_the_same_weekday(epreuve: date, before: int) -> None:
    by_weeks = DueRule(weeks_before_epreuve=before).due_date(epreuve)
    assert by_weeks == DueRule(days_before_epreuve=7 * before).due_date(epreuve)
    assert by_weeks.weekday() == epreuve.weekday()


@given(epreuve_dates, days, days)
def test_a_longer_notice_never_gives_a_later_due_date(epreuve: date, a: int, b: int) -> None:
    shorter, longer = sorted((a, b))
    assert DueRule(days_before_epreuve=longer).due_date(epreuve) <= DueRule(
        days_before_epreuve=shorter
    ).due_date(epreuve)


@given(epreuve_dates, days, st.integers(min_value=-400, max_value=400))
def test_a_deposit_is_on_time_up_to_and_including_the_due_day(
    epreuve: date, before: int, shift: int
) -> None:
    rule = DueRule(days_before_epreuve=before)
    deposit_day = rule.due_date(epreuve) + timedelta(days=shift)
    assert rule.accepts_on(deposit_day, epreuve) is (shift <= 0)


def test_a_rule_read_from_yaml_counts_like_one_built_in_python(ccab: Referential) -> None:
    text = "due: {weeks_before_epreuve: 2}\n"
    rule = DueRule.model_validate(yaml.safe_load(text)["due"])
    assert rule == ccab.deliverable("MEMDocument").deliverable.due
