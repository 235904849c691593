"""A candidate's name as French documents write it."""

from __future__ import annotations

import pytest

from certif.candidates.models import Candidate


def candidate(sex: str, usage_name: str = "Martin") -> Candidate:
    return Candidate(
        numero="C001", birth_name="Lefèvre", usage_name=usage_name, first_name="Éloïse", sex=sex
    )


@pytest.mark.parametrize(
    ("sex", "expected"),
    [
        ("F", "MARTIN (née LEFÈVRE) Éloïse"),
        ("M", "MARTIN (né LEFÈVRE) Éloïse"),
        ("", "MARTIN (né(e) LEFÈVRE) Éloïse"),
    ],
)
def test_the_birth_name_follows_a_participle_agreeing_with_the_recorded_sex(
    sex: str, expected: str
) -> None:
    assert candidate(sex).display_name == expected


def test_a_usage_name_equal_to_the_birth_name_is_not_repeated() -> None:
    assert candidate("F", usage_name="Lefèvre").display_name == "LEFÈVRE Éloïse"
