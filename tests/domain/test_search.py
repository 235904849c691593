"""Folding text for search: accents, case, punctuation and word order never hide a match."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from certif.domain.search import folded, search_key, search_words


def test_accents_and_case_are_folded() -> None:
    assert folded("GUÉRIN") == folded("guerin") == "guerin"


def test_ligatures_are_spelt_out() -> None:
    assert folded("Œuvray-Lætitia") == "oeuvray laetitia"


def test_punctuation_separates_words() -> None:
    assert search_words("d'Artagnan-Lefèvre") == ["artagnan", "lefevre", "d"]


def test_a_key_holds_each_word_once_framed_by_spaces() -> None:
    assert search_key(["C000007", "GUÉRIN", "", "Guérin", "Anne-Marie"]) == (
        " c000007 guerin anne marie "
    )


def test_nothing_to_search_gives_an_empty_key() -> None:
    assert search_key(["", "  ", "'"]) == ""


@given(st.text(alphabet=st.characters(codec="ascii")))
def test_folding_ignores_the_case_of_latin_letters(text: str) -> None:
    assert folded(text.upper()) == folded(text.lower()) == folded(text)


@given(st.text())
def test_folding_ignores_how_accents_are_composed(text: str) -> None:
    composed, decomposed = (unicodedata.normalize(form, text) for form in ("NFC", "NFD"))
    assert folded(composed) == folded(decomposed)


@given(st.lists(st.text(min_size=1), min_size=1, max_size=6))
def test_every_word_typed_from_a_stored_part_is_found_in_the_key(parts: list[str]) -> None:
    key = search_key(parts)
    for part in parts:
        for word in search_words(part):
            assert f" {word} " in key
