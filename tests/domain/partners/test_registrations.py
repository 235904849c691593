"""The NDA and the Qualiopi certificate number; the partner that holds them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.partners.partner import LEGAL_NAME_MAX, Partner, PartnerRejected
from certif.domain.partners.registrations import (
    NDA_REGIONS,
    Nda,
    parse_nda,
    parse_qualiopi_number,
)
from certif.domain.partners.siret import IdentifierRejected, parse_siret


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("11 75 39666 75", "Île-de-France"),
        ("84691783769", "Auvergne-Rhône-Alpes"),
        ("93 06 10643 06", "Provence-Alpes-Côte d'Azur"),
        ("04 97 36763 97", "La Réunion"),
        ("82 69 11894 69", "Rhône-Alpes"),
        ("91 34 06579 34", "Languedoc-Roussillon"),
    ],
)
def test_published_ndas_are_accepted_with_the_region_they_were_declared_in(
    typed: str, region: str
) -> None:
    assert parse_nda(typed).region == region


def test_an_nda_is_printed_in_the_grouping_training_bodies_use() -> None:
    assert parse_nda("11753966675").formatted == "11 75 39666 75"


def test_an_nda_of_ten_digits_is_refused_saying_how_many() -> None:
    with pytest.raises(IdentifierRejected, match="10 chiffres au lieu de 11"):
        parse_nda("11 75 39666 7")


def test_an_nda_whose_first_two_digits_are_no_region_is_refused_naming_them() -> None:
    with pytest.raises(IdentifierRejected, match="code région « 05 » inconnu"):
        parse_nda("05 75 39666 75")


def test_an_nda_with_a_letter_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match="caractère non autorisé « O »"):
        parse_nda("11 75 39666 7O")


def test_an_empty_nda_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match="vide"):
        parse_nda("")


@given(st.sampled_from(sorted(NDA_REGIONS)), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_any_eleven_digits_after_a_known_region_code_make_an_nda(region: str, rest: str) -> None:
    assert parse_nda(region + rest) == Nda(region + rest)


@pytest.mark.parametrize("typed", ["25FOR02027.1", "26-042-04", "FR059412-1", "N° 2025 B 123"])
def test_qualiopi_numbers_as_certifying_bodies_write_them_are_accepted(typed: str) -> None:
    assert parse_qualiopi_number(typed).value == typed


def test_a_qualiopi_number_has_its_whitespace_collapsed() -> None:
    assert parse_qualiopi_number("  26-042\u00a0 04 ").value == "26-042 04"


def test_a_qualiopi_number_without_any_digit_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match="sans aucun chiffre"):
        parse_qualiopi_number("en cours")


def test_a_qualiopi_number_longer_than_50_characters_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match="trop long"):
        parse_qualiopi_number("1" * 51)


def test_a_qualiopi_number_shorter_than_3_characters_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match="trop court"):
        parse_qualiopi_number("12")


def test_a_qualiopi_number_with_an_invisible_character_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match="caractère invisible"):
        parse_qualiopi_number("26-042\u200b-04")


def test_a_partner_is_keyed_by_its_siret() -> None:
    partner = Partner(parse_siret("73282932000074"), "ÉCOLE DU BOIS")
    assert partner.key == "73282932000074"


def test_a_partner_needs_a_legal_name() -> None:
    with pytest.raises(PartnerRejected, match="raison sociale manquante"):
        Partner(parse_siret("73282932000074"), "  ")


def test_a_partner_legal_name_is_bounded() -> None:
    with pytest.raises(PartnerRejected, match="trop longue"):
        Partner(parse_siret("73282932000074"), "A" * (LEGAL_NAME_MAX + 1))
