"""The rule for text fields (control characters, surrogates, noncharacters) and ``quoted``."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db.migrations.writer import MigrationWriter
from hypothesis import given
from hypothesis import strategies as st

from certif.core.text import (
    MultilineText,
    SingleLineText,
    check_multiline,
    check_single_line,
    normalise_newlines,
    quoted,
)

NONCHARACTERS = [*range(0xFDD0, 0xFDF0)] + [
    plane << 16 | low for plane in range(17) for low in (0xFFFE, 0xFFFF)
]


def refused_everywhere(number: int) -> bool:
    """The rule, written independently of the module: refused in every text field."""
    return (
        (number < 0x20 and number not in (0x09, 0x0A, 0x0D))
        or 0x7F <= number <= 0x9F
        or 0xD800 <= number <= 0xDFFF
        or number in NONCHARACTERS
    )


def refused_on_one_line(number: int) -> bool:
    return refused_everywhere(number) or number in (0x09, 0x0A, 0x0D, 0x2028, 0x2029)


def code(number: int) -> str:
    """The code point as the message names it, as a pattern for ``pytest.raises``."""
    return re.escape(f"U+{number:04X}")


any_character = st.characters(codec=None, exclude_categories=())
clean_single = st.text(any_character.filter(lambda c: not refused_on_one_line(ord(c))))
clean_multi = st.lists(
    st.one_of(
        any_character.filter(lambda c: not refused_everywhere(ord(c)) and c != "\r"),
        st.just("\r\n"),
    )
).map("".join)
forbidden_everywhere = st.one_of(
    st.integers(0x00, 0x08),
    st.sampled_from([0x0B, 0x0C]),
    st.integers(0x0E, 0x1F),
    st.integers(0x7F, 0x9F),
    st.integers(0xD800, 0xDFFF),
    st.sampled_from(NONCHARACTERS),
)


@given(clean_single)
def test_any_text_without_forbidden_characters_passes_on_one_line(value: str) -> None:
    check_single_line(value)
    SingleLineText()(value)


@given(clean_multi)
def test_any_text_without_forbidden_characters_passes_on_several_lines(value: str) -> None:
    check_multiline(value)
    MultilineText()(value)


@given(
    before=clean_single,
    number=st.one_of(forbidden_everywhere, st.sampled_from([0x09, 0x0A, 0x0D, 0x2028, 0x2029])),
    after=st.text(any_character),
)
def test_one_line_refuses_the_first_forbidden_character_and_names_it(
    before: str, number: int, after: str
) -> None:
    value = before + chr(number) + after
    with pytest.raises(ValueError, match=code(number)) as refused:
        check_single_line(value)
    assert f"(position {len(before) + 1})" in str(refused.value)
    with pytest.raises(ValidationError, match=code(number)):
        SingleLineText()(value)


@given(before=clean_multi, number=forbidden_everywhere, after=st.text(any_character))
def test_several_lines_refuse_the_first_forbidden_character_and_name_it(
    before: str, number: int, after: str
) -> None:
    value = before + chr(number) + after
    with pytest.raises(ValueError, match=code(number)) as refused:
        check_multiline(value)
    assert f"(position {len(before) + 1})" in str(refused.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Jean\x1fPierre", "caractère de contrôle U+001F interdit (position 5)"),
        ("Jean\tPierre", "caractère de contrôle U+0009 (tabulation) interdit dans un texte d'une"),
        ("Jean\nPierre", "U+000A (saut de ligne) interdit dans un texte d'une ligne (position 5)"),
        ("a\u0085b", "caractère de contrôle U+0085 (fin de ligne) interdit (position 2)"),
        ("a\ud800", "caractère de substitution isolé U+D800 interdit (position 2)"),
        ("a\U0001fffe", "non-caractère Unicode U+1FFFE interdit (position 2)"),
        ("a\u2028b", "U+2028 (séparateur de ligne) interdit dans un texte d'une ligne"),
    ],
)
def test_single_line_messages(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        check_single_line(value)


def test_multiline_keeps_tab_lf_and_crlf_but_not_a_lone_cr() -> None:
    check_multiline("Observation :\tRAS\r\nSuite\nfin\u2028")
    with pytest.raises(ValueError, match=r"U\+000D \(retour chariot\) interdit hors d'une fin"):
        check_multiline("ligne 1\rligne 2")
    with pytest.raises(ValueError, match=r"U\+000D"):
        check_multiline("fin\r")
    assert normalise_newlines("a\r\nb\nc\r\n") == "a\nb\nc\n"


def test_validators_ignore_what_is_not_text() -> None:
    SingleLineText()(None)
    MultilineText()(12)


def test_validators_are_written_into_migrations_by_path() -> None:
    assert SingleLineText().deconstruct() == ("certif.core.text.SingleLineText", (), {})
    assert MultilineText() == MultilineText()
    assert SingleLineText() != MultilineText()
    assert MigrationWriter.serialize(SingleLineText()) == (
        "certif.core.text.SingleLineText()",
        {"import certif.core.text"},
    )


def test_validation_error_has_a_code() -> None:
    with pytest.raises(ValidationError) as refused:
        SingleLineText()("a\x00")
    assert refused.value.code == "forbidden_character"


# -- quoted --


def test_quoted_cuts_with_an_ellipsis_and_the_full_length() -> None:
    assert quoted("Jean-Pierre" + "x" * 601, 10) == "Jean-Pier… (612 caractères)"
    assert quoted("A" * 2_000, 5) == "AAAA… (2\u202f000 caractères)"
    assert quoted("Élodie GUÉRIN") == "Élodie GUÉRIN"


def test_quoted_shows_invisible_characters_as_escapes() -> None:
    assert quoted("a\x1fb\nc\u202ed") == "a\\u001fb\\u000ac\\u202ed"
    assert quoted("\ud800") == "\\ud800"


def test_quoted_reads_only_the_start_of_a_huge_value() -> None:
    huge = "B" * 50_000_000
    assert quoted(huge) == "B" * 79 + "… (50\u202f000\u202f000 caractères)"


@given(value=st.text(any_character, max_size=400), limit=st.integers(1, 200))
def test_quoted_never_exceeds_the_limit_by_more_than_a_small_constant(
    value: str, limit: int
) -> None:
    shown = quoted(value, limit)
    assert len(shown) <= limit + 32
    assert not any(refused_on_one_line(ord(c)) for c in shown)
    if len(value) <= limit and shown == value:
        assert "…" not in shown or "…" in value


def test_quoting_the_start_of_a_value_names_the_whole_values_length() -> None:
    assert (
        quoted("A" * 100, length=600_000_000) == "A" * 79 + "… (600\u202f000\u202f000 caractères)"
    )
