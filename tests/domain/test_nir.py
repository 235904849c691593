"""The NIR: what a person types, what is refused and why, and the key's arithmetic."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.nir import Nir, NirRejected, control_key, parse_nir, with_key

# Keys computed by hand: 97 − (13 digits mod 97), 2A → 19 and 2B → 18.
PARIS_1985 = "185057505612388"
CORSICA_2A = "253072A07300443"
CORSICA_2B = "253072B07300470"
REUNION = "181099744161135"
BORN_ABROAD = "295109912611193"
PSEUDO_MONTH = "299309935201037"


@pytest.mark.parametrize(
    "value", [PARIS_1985, CORSICA_2A, CORSICA_2B, REUNION, BORN_ABROAD, PSEUDO_MONTH]
)
def test_known_valid_numbers_are_accepted_as_they_are(value: str) -> None:
    assert parse_nir(value).value == value


@pytest.mark.parametrize(
    "typed",
    [
        "1 85 05 75 056 123 88",
        "1.85.05.75.056.123.88",
        "1-85-05-75-056-123-88",
        " 185 057 505 612 388 ",
        "1\u00a085\u00a005 75 056 123 88",
    ],
)
def test_spaces_dots_and_dashes_between_groups_are_ignored(typed: str) -> None:
    assert parse_nir(typed).value == PARIS_1985


def test_corsica_letters_are_read_in_either_case() -> None:
    assert parse_nir("2 53 07 2a 073 004 43").value == CORSICA_2A


def test_the_key_counts_2a_as_19_and_2b_as_18() -> None:
    assert control_key("253072A073004") == control_key("2530719073004") == 43
    assert control_key("253072B073004") == control_key("2530718073004") == 70


def test_a_nir_gives_its_parts() -> None:
    nir = parse_nir(PARIS_1985)
    assert (nir.sex, nir.birth_year_digits, nir.birth_month, nir.department) == ("M", 85, 5, "75")
    assert (nir.place_code, nir.order_number, nir.key) == ("056", "123", "88")


def test_overseas_departments_take_three_digits_and_communes_two() -> None:
    nir = parse_nir(REUNION)
    assert (nir.department, nir.place_code) == ("974", "41")
    assert nir.formatted == "1 81 09 974 41 611 35"


def test_born_abroad_the_place_is_the_country_code() -> None:
    nir = parse_nir(BORN_ABROAD)
    assert nir.born_abroad
    assert (nir.department, nir.place_code) == ("99", "126")


def test_a_pseudo_month_has_no_real_month() -> None:
    nir = parse_nir(PSEUDO_MONTH)
    assert nir.birth_month_code == 30
    assert nir.birth_month is None


def test_the_cdc_gets_the_13_characters_without_the_key() -> None:
    assert parse_nir(CORSICA_2B).without_key == "253072B073004"


def test_the_masked_form_keeps_only_the_sex_and_the_key() -> None:
    assert parse_nir(PARIS_1985).masked == "1 ** ** ** *** *** 88"
    assert parse_nir(REUNION).masked == "1 ** ** ** *** *** 35"


def test_printing_a_nir_by_accident_shows_it_masked() -> None:
    nir = parse_nir(PARIS_1985)
    assert str(nir) == nir.masked
    assert "056" not in repr(nir)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("185057505612341", "clé de contrôle incorrecte : 88 attendu, 41 saisi"),
        ("1 85 13 75 056 123 88", "mois de naissance impossible « 13 »"),
        ("1 85 00 75 056 123 88", "mois de naissance impossible « 00 »"),
        ("1 85 25 75 056 123 88", "mois de naissance impossible « 25 »"),
        ("1 85 45 75 056 123 88", "mois de naissance impossible « 45 »"),
        ("5 85 05 75 056 123 88", "premier chiffre (sexe) impossible « 5 »"),
        ("1 85 05 00 056 123 88", "département de naissance impossible « 00 »"),
        ("1 85 05 2C 056 123 88", "caractère non autorisé « C »"),
        ("1 85 05 970 56 123 88", "département d'outre-mer impossible « 970 »"),
        ("1 85 05 75 056 000 88", "numéro d'ordre impossible « 000 »"),
        ("1 85 05 75 A56 123 88", "commune de naissance impossible « A56 »"),
        ("1850575056123", "clé de contrôle manquante"),
        ("18505750561238", "un NIR compte 15 caractères (13 chiffres et la clé), 14 saisis"),
        ("", "NIR vide"),
        ("1 85 05 75 056 123 8B", "clé de contrôle impossible « 8B »"),
    ],
)
def test_each_wrong_part_is_named_in_french(typed: str, message: str) -> None:
    with pytest.raises(NirRejected, match=re.escape(message)):
        parse_nir(typed)


@pytest.mark.parametrize("digit", ["3", "4", "7", "8"])
def test_temporary_numbers_are_refused_with_their_reason(digit: str) -> None:
    body = digit + "850575056123"
    with pytest.raises(NirRejected, match=r"numéro provisoire.*1 ou 2"):
        parse_nir(f"{body}{control_key(body):02d}")


def test_a_message_never_quotes_more_than_80_characters_of_the_input() -> None:
    pasted = "1 85 05 75 056 123 88 " + "et un long commentaire collé par erreur " * 10
    with pytest.raises(NirRejected) as refused:
        parse_nir(pasted)
    quoted = str(refused.value).rsplit("« ", 1)[1].rsplit(" »", 1)[0]
    assert len(quoted) <= 80


def test_the_nir_and_the_identity_agree_or_say_how_they_differ() -> None:
    nir = parse_nir(PARIS_1985)
    assert nir.disagreements(date(1985, 5, 2), "M") == []
    assert nir.disagreements(None, "") == []
    assert nir.disagreements(date(1986, 6, 2), "F") == [
        "le NIR indique le sexe M, la fiche F",
        "le NIR indique une naissance en …85, la fiche en 1986",
        "le NIR indique le mois 05, la fiche le mois 06",
    ]


def test_a_pseudo_month_agrees_with_any_month() -> None:
    assert parse_nir(PSEUDO_MONTH).disagreements(date(1999, 11, 5), "F") == []


def test_building_a_nir_directly_checks_it_too() -> None:
    with pytest.raises(NirRejected):
        Nir("185057505612341")


# -- properties -------------------------------------------------------------------------------

MONTHS = [f"{m:02d}" for m in [*range(1, 13), 20, *range(30, 43), *range(50, 100)]]


@st.composite
def bodies(draw: st.DrawFn) -> str:
    """A well-formed 13-character body: metropolitan, Corsican, overseas or abroad."""
    sex = draw(st.sampled_from("12"))
    year = f"{draw(st.integers(0, 99)):02d}"
    month = draw(st.sampled_from(MONTHS))
    kind = draw(st.sampled_from(["metropolitan", "corsica", "overseas", "abroad"]))
    if kind == "metropolitan":
        place = f"{draw(st.integers(1, 96)):02d}{draw(st.integers(0, 999)):03d}"
    elif kind == "corsica":
        place = draw(st.sampled_from(["2A", "2B"])) + f"{draw(st.integers(0, 999)):03d}"
    elif kind == "overseas":
        place = f"{draw(st.sampled_from(['97', '98']))}{draw(st.integers(1, 9))}"
        place += f"{draw(st.integers(0, 99)):02d}"
    else:
        place = f"99{draw(st.integers(1, 999)):03d}"
    order = f"{draw(st.integers(1, 999)):03d}"
    return sex + year + month + place + order


@given(bodies())
def test_any_body_with_its_computed_key_is_accepted(body: str) -> None:
    nir = parse_nir(f"{body}{control_key(body):02d}")
    assert nir.without_key == body


@given(bodies(), st.integers(0, 99))
def test_any_other_key_is_refused(body: str, key: int) -> None:
    if key == control_key(body):
        key = (key + 1) % 100
    with pytest.raises(NirRejected, match="clé de contrôle"):
        parse_nir(f"{body}{key:02d}")


@given(bodies())
def test_a_formatted_nir_reads_back_as_itself(body: str) -> None:
    nir = with_key(body)
    assert parse_nir(nir.formatted) == nir
    assert parse_nir(nir.formatted.lower()) == nir
