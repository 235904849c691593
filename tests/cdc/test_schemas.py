"""Choosing the flux's XSD: the two shipped ones, or an official kit given by its path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from certif.cdc.errors import SchemaUnavailable
from certif.cdc.schemas import load_schema, shipped_schema_path


def test_the_default_schema_is_the_reconstructed_1_1_5() -> None:
    schema = load_schema()
    assert schema.name == "1.1.5"
    assert schema.version == "1.1.5-reconstructed"


def test_1_1_5_has_the_action_and_the_national_identifier() -> None:
    schema = load_schema("1.1.5")
    assert schema.actions == {"CREATION", "SUPPRESSION"}
    assert schema.has_national_identifier


def test_1_1_2_has_neither_action_nor_national_identifier() -> None:
    schema = load_schema("1.1.2")
    assert not schema.has_action
    assert not schema.has_national_identifier


def test_both_schemas_ship_inside_the_package() -> None:
    for version in ("1.1.5", "1.1.2"):
        path = shipped_schema_path(version)
        assert path.is_file()
        assert "certif/cdc/schemas" in path.as_posix()


def test_a_kit_given_by_its_path_is_read_for_what_it_allows(tmp_path: Path) -> None:
    kit = tmp_path / "kit" / "flux.xsd"
    kit.parent.mkdir()
    shutil.copy(shipped_schema_path("1.1.5"), kit)
    schema = load_schema(str(kit))
    assert schema.path == kit.resolve()
    assert schema.has_action
    assert schema.has_national_identifier


def test_a_kit_replaced_in_place_is_read_again(tmp_path: Path) -> None:
    kit = tmp_path / "flux.xsd"
    shutil.copy(shipped_schema_path("1.1.5"), kit)
    assert load_schema(kit).has_action
    shutil.copy(shipped_schema_path("1.1.2"), kit)
    assert not load_schema(kit).has_action


def test_loading_the_same_schema_twice_compiles_it_once() -> None:
    assert load_schema("1.1.2").xml_schema is load_schema("1.1.2").xml_schema


def test_a_missing_kit_is_refused_in_french(tmp_path: Path) -> None:
    with pytest.raises(SchemaUnavailable, match="schéma XSD introuvable") as refused:
        load_schema("1.1.3")
    assert "choisissez 1.1.5 ou 1.1.2, ou le chemin d'un fichier XSD" in str(refused.value)


def test_a_file_that_is_not_a_schema_is_refused_in_french(tmp_path: Path) -> None:
    not_a_schema = tmp_path / "flux.xsd"
    not_a_schema.write_text("<flux/>", encoding="utf-8")
    with pytest.raises(SchemaUnavailable, match="n'est pas un schéma XSD"):
        load_schema(not_a_schema)


def test_a_schema_without_passages_is_not_a_flux_schema(tmp_path: Path) -> None:
    other = tmp_path / "other.xsd"
    other.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:element name="x" type="xs:string"/></xs:schema>',
        encoding="utf-8",
    )
    with pytest.raises(SchemaUnavailable, match="passageCertification"):
        load_schema(other)
