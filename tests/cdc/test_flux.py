"""Writing a flux: what goes in it, for each schema, and what is refused before writing."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from certif.cdc.errors import FluxRefused
from certif.cdc.flux import (
    Action,
    DigitalLevel,
    DigitalResult,
    LanguageLevel,
    Mention,
    build_flux_tree,
    format_timestamp,
    passage_problems,
    write_flux,
)
from certif.cdc.schemas import load_schema
from certif.cdc.validation import validate_flux_file
from tests.cdc.factories import (
    PARIS_SUMMER,
    a_header,
    a_passage,
    born_in_algiers,
    born_in_paris,
    eloise_nir,
    passages,
    texts,
    validates_whole,
)

SCHEMAS = ["1.1.5", "1.1.2"]


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("version", SCHEMAS)
def test_a_written_flux_validates_against_its_schema(tmp_path: Path, version: str) -> None:
    path = tmp_path / "flux.xml"
    written = write_flux(path, a_header(), passages(6), schema=version)
    assert written.passages == 6
    assert validates_whole(path, load_schema(version))
    assert validate_flux_file(path, version) == 6


def test_1_1_5_states_the_action_and_1_1_2_has_none(tmp_path: Path) -> None:
    write_flux(tmp_path / "a.xml", a_header(), passages(1), schema="1.1.5")
    write_flux(tmp_path / "b.xml", a_header(), passages(1), schema="1.1.2")
    assert texts(tmp_path / "a.xml", "/cpf:flux/cpf:action/text()") == ["CREATION"]
    assert texts(tmp_path / "b.xml", "//cpf:action") == []


def test_with_1_1_5_a_holder_with_a_nir_is_identified_by_it(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    holder = born_in_paris(nir=eloise_nir())
    write_flux(path, a_header(), [a_passage(1, holder)], schema="1.1.5")
    national = "//cpf:identificationTitulaire/cpf:identifiantNational"
    assert texts(path, f"{national}/cpf:nir/text()") == ["2900375056123"]
    assert texts(path, f"{national}/cpf:nomNaissance/text()") == ["Lefèvre"]
    assert texts(path, "//cpf:titulaire") == []


def test_with_1_1_2_a_holder_with_a_nir_is_described_in_full(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    holder = born_in_paris(nir=eloise_nir())
    write_flux(path, a_header(), [a_passage(1, holder)], schema="1.1.2")
    assert texts(path, "//cpf:identifiantNational") == []
    assert texts(path, "//cpf:titulaire/cpf:prenom1/text()") == ["Éloïse"]


def test_without_a_nir_the_holder_is_described_in_full(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(), [a_passage(1, born_in_paris())])
    holder = "//cpf:titulaire"
    assert texts(path, f"{holder}/cpf:nomNaissance/text()") == ["Lefèvre"]
    assert texts(path, f"{holder}/cpf:nomUsage/text()") == ["Martin-Lefèvre"]
    assert texts(path, f"{holder}/cpf:prenom2/text()") == ["Anne"]
    assert texts(path, f"{holder}/cpf:anneeNaissance/text()") == ["1990"]
    assert texts(path, f"{holder}/cpf:moisNaissance/text()") == ["3"]
    assert texts(path, f"{holder}/cpf:jourNaissance/text()") == ["12"]
    assert texts(path, f"{holder}//cpf:codeInsee/text()") == ["75056"]


def test_born_abroad_the_commune_code_is_nil_and_the_country_is_given(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(), [a_passage(1, born_in_algiers())], schema="1.1.2")
    holder = "//cpf:titulaire"
    assert texts(path, f"{holder}//cpf:codePostal/@xsi:nil") == ["true"]
    assert texts(path, f"{holder}/cpf:codePaysNaissance/text()") == ["352"]
    assert texts(path, f"{holder}/cpf:libellePaysNaissance/text()") == ["Algérie"]


def test_required_values_that_are_unknown_are_written_nil(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(), [a_passage(1, born_in_paris(usage_name=""))])
    for element in ("dateFinValidite", "scoring", "mentionValidee", "nomUsage"):
        assert texts(path, f"//cpf:{element}/@xsi:nil") == ["true"], element


def test_optional_values_that_are_unknown_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(), [a_passage(1, exam_mode=None, exam_start=None, exam_end=None)])
    for element in ("modalitePassageExamen", "dateDebutExamen", "urlPreuve", "verbatim"):
        assert texts(path, f"//cpf:{element}") == [], element


@pytest.mark.parametrize("version", SCHEMAS)
def test_every_optional_element_filled_still_validates(tmp_path: Path, version: str) -> None:
    full = a_passage(
        1,
        proof_url="https://certif.example.fr/v/ABC",
        option_label="Option assurance de personnes",
        validity_end=date(2031, 6, 30),
        language_level=LanguageLevel.B2,
        digital_level=DigitalLevel(890, (DigitalResult(5, "3", "4"), DigitalResult(7, "1", "1"))),
        scoring="15,2/20",
        mention=Mention.MENTION_BIEN,
        verbatim="Certificat de compétences",
    )
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(), [full], schema=version)
    assert validates_whole(path, load_schema(version))
    assert texts(path, "//cpf:resultat/cpf:niveau/text()") == ["5", "7"]


def test_a_suppression_flux_validates_against_1_1_5(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(action=Action.SUPPRESSION), passages(2), schema="1.1.5")
    assert texts(path, "/cpf:flux/cpf:action/text()") == ["SUPPRESSION"]
    assert validates_whole(path, load_schema("1.1.5"))


def test_a_suppression_flux_is_refused_for_1_1_2_which_cannot_say_it(tmp_path: Path) -> None:
    with pytest.raises(FluxRefused, match=re.escape("1.1.2 n'a pas d'élément « action »")):
        write_flux(
            tmp_path / "f.xml", a_header(action=Action.SUPPRESSION), passages(1), schema="1.1.2"
        )
    assert leftovers(tmp_path) == []


def test_the_timestamp_has_seconds_and_an_offset_with_a_colon() -> None:
    assert format_timestamp(datetime(2026, 7, 1, 10, 15, 7, 999, tzinfo=PARIS_SUMMER)) == (
        "2026-07-01T10:15:07+02:00"
    )


def test_a_timestamp_without_timezone_is_refused() -> None:
    with pytest.raises(FluxRefused, match="sans fuseau horaire"):
        format_timestamp(datetime(2026, 7, 1, 10, 15))


def test_the_written_file_is_described_by_its_hash_size_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    written = write_flux(path, a_header(), passages(3))
    content = path.read_bytes()
    assert written.sha256 == hashlib.sha256(content).hexdigest()
    assert written.size == len(content)
    assert written.technical_ids == ("2026-06-C00001", "2026-06-C00002", "2026-06-C00003")
    assert texts(path, "/cpf:flux/cpf:idFlux/text()") == [str(written.flux_id)]


def test_the_streamed_file_holds_the_same_document_as_the_tree_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    written = write_flux(path, a_header(), passages(5))
    tree = build_flux_tree(a_header(), passages(5), flux_id=written.flux_id)
    # Indentation and repeated namespace declarations aside, byte for byte the same.
    reparsed = etree.fromstring(path.read_bytes(), etree.XMLParser(remove_blank_text=True))
    assert etree.tostring(reparsed, method="c14n") == etree.tostring(tree, method="c14n")


def test_each_element_is_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(), passages(2))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(line.count("<cpf:") <= 1 for line in lines)


# -- refusals: nothing is written ---------------------------------------------------------------


def test_a_name_too_long_refuses_the_passage_naming_the_field(tmp_path: Path) -> None:
    holder = born_in_paris(birth_name="A" * 61)
    with pytest.raises(FluxRefused) as refused:
        write_flux(tmp_path / "f.xml", a_header(), [a_passage(7, holder)])
    assert refused.value.technical_id == "2026-06-C00007"
    assert "nom de naissance trop long : 61 caractères, 60 au plus" in str(refused.value)
    assert leftovers(tmp_path) == []


def test_a_refused_passage_lists_all_its_problems() -> None:
    passage = a_passage(
        1, born_in_paris(first_names=("É" * 70,), sex="X"), exam_centre_postcode="1234567890"
    )
    problems = passage_problems(passage)
    assert "identité incomplète, il manque : sexe" in problems
    assert (
        "prénom 1 trop long : 70 caractères, 60 au plus (« ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ… »)"
        in problems
    )
    assert any(
        problem.startswith("code postal du centre d'examen trop long") for problem in problems
    )


def test_a_refusal_in_the_middle_of_a_flux_leaves_no_file(tmp_path: Path) -> None:
    stream = [*passages(5), a_passage(99, born_in_paris(birth_date=None)), *passages(5, 10)]
    with pytest.raises(FluxRefused, match="date de naissance complète"):
        write_flux(tmp_path / "f.xml", a_header(), stream)
    assert leftovers(tmp_path) == []


def test_an_existing_file_is_left_untouched_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "f.xml"
    path.write_text("previous", encoding="utf-8")
    with pytest.raises(FluxRefused):
        write_flux(path, a_header(), [a_passage(1, born_in_paris(birth_name=""))])
    assert path.read_text(encoding="utf-8") == "previous"
    assert leftovers(tmp_path) == ["f.xml"]


def test_a_flux_without_passage_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FluxRefused, match="aucun passage"):
        write_flux(tmp_path / "f.xml", a_header(), [])
    assert leftovers(tmp_path) == []


def test_the_same_technical_id_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FluxRefused, match="en double"):
        write_flux(tmp_path / "f.xml", a_header(), [a_passage(1), a_passage(1)])


def test_a_nir_that_contradicts_the_identity_is_refused() -> None:
    holder = born_in_paris(nir=eloise_nir(), birth_date=date(1991, 3, 12))
    assert passage_problems(a_passage(1, holder)) == [
        "NIR et identité en désaccord : le NIR indique une naissance en …90, la fiche en 1991"
    ]


def test_with_a_nir_only_the_birth_name_is_needed() -> None:
    holder = born_in_paris(nir=eloise_nir(), first_names=(), sex="", birth_commune_code="")
    assert passage_problems(a_passage(1, holder), "1.1.5") == []
    assert passage_problems(a_passage(1, holder), "1.1.2") == [
        "identité incomplète, il manque : prénom, sexe, code INSEE de la commune de naissance"
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"emitter_id": "AB123"}, "identifiant client de l'émetteur « AB123 » : 8 caractères"),
        ({"certifier_id": ""}, "identifiant client du certificateur manquant"),
        ({"contract_id": "X" * 21}, "numéro de contrat du certificateur trop long : 21"),
    ],
)
def test_a_wrong_header_is_refused_naming_the_field(
    tmp_path: Path, changes: dict[str, str], problem: str
) -> None:
    with pytest.raises(FluxRefused, match="en-tête du flux") as refused:
        write_flux(tmp_path / "f.xml", a_header(**changes), passages(1))
    assert problem in str(refused.value)


def test_four_first_names_are_refused_rather_than_cut() -> None:
    holder = born_in_paris(first_names=("Éloïse", "Anne", "Marie", "Jeanne"))
    assert "4 prénoms : le flux en accepte 3 au plus" in passage_problems(a_passage(1, holder))


def test_a_date_outside_the_schema_years_is_refused() -> None:
    problems = passage_problems(a_passage(1, validity_end=date(2150, 1, 1)))
    assert problems == ["date de fin de validité : année 2150 hors de la plage 1900–2099"]


def test_control_characters_are_refused() -> None:
    problems = passage_problems(a_passage(1, born_in_paris(birth_name="Le\x07fèvre")))
    assert problems == ["nom de naissance : caractère de contrôle interdit"]


# -- properties ----------------------------------------------------------------------------------

NAME_CHARACTERS = st.characters(codec="utf-8", categories=("L", "Zs"), include_characters="'-’")
names = st.text(NAME_CHARACTERS, min_size=1, max_size=60).filter(lambda text: text.strip())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(birth_name=names, first=names, usage=st.one_of(st.just(""), names))
def test_any_name_with_accents_or_apostrophes_validates_against_both_schemas(
    tmp_path: Path, birth_name: str, first: str, usage: str
) -> None:
    holder = born_in_paris(birth_name=birth_name, first_names=(first,), usage_name=usage)
    for version in SCHEMAS:
        path = tmp_path / f"{version}.xml"
        write_flux(path, a_header(), [a_passage(1, holder)], schema=version)
        assert validates_whole(path, load_schema(version))
        written = texts(path, "//cpf:titulaire/cpf:nomNaissance/text()")
        assert written == [unicodedata.normalize("NFC", birth_name).strip()]


@settings(max_examples=25, deadline=None)
@given(
    st.text(NAME_CHARACTERS, min_size=61, max_size=120).filter(lambda text: len(text.strip()) > 60)
)
def test_any_name_longer_than_the_schema_allows_is_refused_never_cut(name: str) -> None:
    problems = passage_problems(a_passage(1, born_in_paris(usage_name=name)), "1.1.2")
    assert len(problems) == 1
    assert problems[0].startswith("nom d'usage trop long")
