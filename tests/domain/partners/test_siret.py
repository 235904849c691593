"""SIRET and SIREN: what is accepted, what is refused and why, La Poste's exception."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from certif.domain.partners.siret import (
    LA_POSTE_HEAD_OFFICE,
    LA_POSTE_SIREN,
    IdentifierRejected,
    Siret,
    digit_sum,
    luhn_check_digit,
    luhn_is_valid,
    parse_siren,
    parse_siret,
    siret_with_key,
)

# INSEE's own example: the seventh establishment (0007, key 4) of SIREN 732 829 320.
KNOWN = "73282932000074"
# A La Poste establishment: its digits add up to 15, a multiple of 5; it fails Luhn.
LA_POSTE = "35600000000010"


def test_a_known_siret_is_accepted_as_it_is() -> None:
    assert parse_siret(KNOWN).value == KNOWN


@pytest.mark.parametrize(
    "typed",
    [
        "732 829 320 00074",
        " 73282932000074 ",
        "732\u00a0829\u00a0320\u00a000074",
        "732.829.320.00074",
        "732 829 320\u202f00074",
    ],
)
def test_spaces_and_dots_between_groups_are_ignored(typed: str) -> None:
    assert parse_siret(typed).value == KNOWN


def test_a_siret_gives_its_siren_its_nic_and_its_printed_form() -> None:
    siret = parse_siret(KNOWN)
    assert siret.siren.value == "732829320"
    assert siret.nic == "00074"
    assert siret.formatted == "732 829 320 00074"


def test_thirteen_digits_are_refused_saying_how_many_were_typed() -> None:
    with pytest.raises(IdentifierRejected, match="13 chiffres au lieu de 14"):
        parse_siret("732 829 320 0007")


def test_fifteen_digits_are_refused_too() -> None:
    with pytest.raises(IdentifierRejected, match="15 chiffres au lieu de 14"):
        parse_siret(KNOWN + "1")


def test_a_letter_is_refused_and_named() -> None:
    with pytest.raises(IdentifierRejected, match="caractère non autorisé « O »"):
        parse_siret("732 829 32O 00074")


def test_an_empty_siret_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match="SIRET vide"):
        parse_siret("   ")


def test_a_wrong_last_digit_is_refused_as_a_wrong_control_key() -> None:
    with pytest.raises(IdentifierRejected, match="clé de contrôle incorrecte dans le SIRET"):
        parse_siret("73282932000075")


def test_a_siret_whose_siren_fails_luhn_is_refused_naming_the_siren() -> None:
    # The 14 digits satisfy Luhn (the key is computed over them) but the first nine do not.
    body = "732829321" + "0007"
    typed = body + luhn_check_digit(body)
    assert luhn_is_valid(typed)
    with pytest.raises(IdentifierRejected, match="le SIREN 732829321"):
        parse_siret(typed)


def test_the_placeholder_siren_of_zeros_is_refused_although_it_satisfies_luhn() -> None:
    assert luhn_is_valid("00000000000000")
    with pytest.raises(IdentifierRejected, match="SIREN impossible"):
        parse_siret("000 000 000 00000")


def test_a_message_quotes_at_most_80_characters_of_what_was_typed() -> None:
    pasted = "732 829 320 " + "x" * 200
    with pytest.raises(IdentifierRejected) as refused:
        parse_siret(pasted)
    quoted = re.search(r"« (.*?) »", str(refused.value).split("dans le SIRET")[1])
    assert quoted is not None
    assert len(quoted.group(1)) <= 80
    assert quoted.group(1).endswith("…")


def test_a_la_poste_establishment_is_accepted_by_its_digit_sum_although_it_fails_luhn() -> None:
    assert not luhn_is_valid(LA_POSTE)
    siret = parse_siret(LA_POSTE)
    assert siret.is_la_poste
    assert siret.siren.value == LA_POSTE_SIREN


def test_a_la_poste_establishment_whose_digit_sum_is_not_a_multiple_of_5_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match=r"La Poste .* multiple de 5"):
        parse_siret("35600000000011")


def test_la_postes_head_office_is_checked_by_luhn_like_any_other_siret() -> None:
    assert digit_sum(LA_POSTE_HEAD_OFFICE) % 5 != 0
    siret = parse_siret(LA_POSTE_HEAD_OFFICE)
    assert not siret.is_la_poste


def test_a_known_siren_is_accepted_and_printed_in_groups_of_three() -> None:
    siren = parse_siren("732 829 320")
    assert siren.value == "732829320"
    assert siren.formatted == "732 829 320"


def test_a_siren_with_a_wrong_key_is_refused() -> None:
    with pytest.raises(IdentifierRejected, match="clé de contrôle incorrecte dans le SIREN"):
        parse_siren("732829321")


def test_a_siren_of_eight_digits_is_refused_saying_how_many() -> None:
    with pytest.raises(IdentifierRejected, match="8 chiffres au lieu de 9"):
        parse_siren("73282932")


def test_a_siret_cannot_be_built_around_an_invalid_value() -> None:
    with pytest.raises(IdentifierRejected):
        Siret("73282932000075")


# --- Properties ------------------------------------------------------------------------------


@st.composite
def valid_sirets(draw: st.DrawFn) -> str:
    """A SIRET built digit by digit: a SIREN with its Luhn key, an order number, the key."""
    siren_body = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    siren = siren_body + luhn_check_digit(siren_body)
    assume(siren != "000000000" and siren != LA_POSTE_SIREN)
    order = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    return siret_with_key(siren + order).value


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_a_computed_luhn_key_always_makes_a_valid_number(body: str) -> None:
    assert luhn_is_valid(body + luhn_check_digit(body))


@given(valid_sirets())
def test_a_generated_valid_siret_is_accepted(siret: str) -> None:
    assert parse_siret(siret).value == siret


@given(valid_sirets(), st.integers(min_value=0, max_value=13), st.integers(1, 9))
def test_changing_one_digit_of_a_valid_siret_is_refused(siret: str, at: int, shift: int) -> None:
    changed = siret[:at] + str((int(siret[at]) + shift) % 10) + siret[at + 1 :]
    # La Poste's numbers follow a weaker rule: a change that lands on its SIREN is another case.
    assume(not changed.startswith(LA_POSTE_SIREN))
    with pytest.raises(IdentifierRejected, match=r"clé de contrôle incorrecte|SIREN impossible"):
        parse_siret(changed)


@given(valid_sirets(), st.lists(st.sampled_from([" ", "\u00a0", "."]), max_size=14))
def test_separators_anywhere_do_not_change_the_siret(siret: str, separators: list[str]) -> None:
    typed = "".join(
        digit + (separators[index] if index < len(separators) else "")
        for index, digit in enumerate(siret)
    )
    assert parse_siret(typed).value == siret


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_any_la_poste_establishment_whose_digits_add_up_to_a_multiple_of_5_is_accepted(
    nic: str,
) -> None:
    siret = LA_POSTE_SIREN + nic
    assume(siret != LA_POSTE_HEAD_OFFICE)
    if digit_sum(siret) % 5 == 0:
        assert parse_siret(siret).is_la_poste
    else:
        with pytest.raises(IdentifierRejected, match="La Poste"):
            parse_siret(siret)
