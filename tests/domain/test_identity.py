"""Words that agree with a person's recorded sex."""

from __future__ import annotations

import pytest

from certif.domain.identity import agreed, born_participle


@pytest.mark.parametrize(
    ("sex", "expected"), [("M", "convoqué"), ("F", "convoquée"), ("", "convoqué(e)")]
)
def test_a_word_agrees_with_the_recorded_sex_or_takes_its_inclusive_form(
    sex: str, expected: str
) -> None:
    assert agreed(sex, "convoqué", "convoquée", "convoqué(e)") == expected


def test_the_birth_participle_agrees_the_same_way() -> None:
    assert [born_participle(sex) for sex in ("M", "F", "")] == ["né", "née", "né(e)"]
