"""The template filters of the domain's words and numbers, in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils import translation

from certif.domain.referential.schema import Referential
from certif.domain.units import UnitRef
from certif.web.templatetags.certif_extras import points, status_badge, status_label, unit_label


def test_a_status_reads_in_french_by_default() -> None:
    assert status_label("not_validated") == "non validé"


def test_a_part_s_status_agrees_in_the_feminine() -> None:
    assert status_label("incomplete", "part") == "incomplète"


def test_a_status_reads_in_english_when_the_reader_chose_it() -> None:
    with translation.override("en"):
        assert status_label("not_assessed") == "not assessed"


def test_the_badge_carries_the_word_not_only_a_colour() -> None:
    assert str(status_badge("validated")) == '<span class="status status--validated">validé</span>'


def test_an_unknown_status_is_shown_as_it_is_in_a_neutral_badge() -> None:
    assert 'status--not_assessed">autre<' in str(status_badge("autre"))


def test_points_take_the_reader_s_decimal_separator() -> None:
    assert points(Decimal("12.5")) == "12,50"
    with translation.override("en"):
        assert points(Fraction(276, 23)) == "12.00"


def test_a_unit_reads_with_its_part_s_label_from_the_referential(ccab: Referential) -> None:
    part = ccab.block("B3").parts[1]
    assert unit_label(f"B3:{part.code}", ccab) == f"B3 — {part.label}"
    assert unit_label(UnitRef("B1")) == "B1"
