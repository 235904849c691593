"""A refused value is worded in the reader's language, numbers as that language writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from certif.domain.referential.schema import Referential
from certif.domain.values import ValueRejected, parse_value
from certif.grading.wording import rejection


def _refusal(ccab: Referential, text: str) -> ValueRejected:
    criterion = ccab.block("B1").criteria[0]
    with pytest.raises(ValueRejected) as refused:
        parse_value(criterion, text)
    return refused.value


def test_a_value_off_the_scale_is_worded_in_french_by_default(ccab: Referential) -> None:
    criterion = ccab.block("B1").criteria[0]
    beyond = (criterion.max_points or Decimal(0)) + Decimal("0.5")
    refused = _refusal(ccab, str(beyond))
    assert rejection(refused) == str(refused)
    assert "hors barème" in rejection(refused)


def test_a_value_off_the_scale_is_worded_in_english_with_a_decimal_point(
    ccab: Referential,
) -> None:
    criterion = ccab.block("B1").criteria[0]
    beyond = (criterion.max_points or Decimal(0)) + Decimal("0.5")
    with translation.override("en"):
        worded = rejection(_refusal(ccab, str(beyond).replace(".", ",")))
    assert worded.startswith(f"{beyond.normalize()} is off the scale: {criterion.code}")


def test_negative_points_are_called_negative_not_unreadable(ccab: Referential) -> None:
    refused = _refusal(ccab, "-1")
    assert refused.code == "negative"
    assert "jamais négatifs" in str(refused)
