"""A document's number, as printed and as typed, read the same way everywhere."""

from __future__ import annotations

from certif.documents.models import format_number, is_public_id, new_public_id, normalise_number


def test_a_number_typed_with_dashes_spaces_and_in_lower_case_reads_as_stored() -> None:
    public_id = new_public_id()
    typed = " " + format_number(public_id).lower().replace("-", " - ", 1) + "\n"
    assert normalise_number(typed) == public_id


def test_digits_that_base32_never_uses_read_as_the_letters_they_resemble() -> None:
    assert normalise_number("0ABC-1DEF-8GHI-JKLM") == "OABCIDEFBGHIJKLM"


def test_only_sixteen_base32_characters_make_a_number() -> None:
    assert is_public_id(new_public_id())
    assert not is_public_id("ABCD")
    assert not is_public_id("ABCDEFGHIJKLMNO9")
