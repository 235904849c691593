"""Loading a référentiel file: a broken file is named, located and explained in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from certif.domain.referential.loading import (
    LoadedReferential,
    ReferentialFileError,
    load_referential_file,
    parse_referential,
)


def broken(loaded: LoadedReferential, old: str, new: str) -> str:
    assert old in loaded.text
    return loaded.text.replace(old, new, 1)


def test_a_wrong_type_names_file_path_and_line(loaded_ccab: LoadedReferential) -> None:
    text = broken(loaded_ccab, "max_points: 4", 'max_points: "quatre"')
    with pytest.raises(ReferentialFileError) as caught:
        parse_referential(text, "cassé.yaml")
    problem = caught.value.problems[0]
    line = text.splitlines()[problem.line - 1] if problem.line else ""
    assert "quatre" in line
    assert str(caught.value).startswith(
        f"cassé.yaml:{problem.line}: blocks[0].criteria[0].max_points : "
    )
    assert "doit être un nombre" in str(caught.value)


def test_a_missing_field_is_named(loaded_ccab: LoadedReferential) -> None:
    text = broken(loaded_ccab, "      threshold: 12\n", "")
    with pytest.raises(ReferentialFileError) as caught:
        parse_referential(text, "cassé.yaml")
    assert "blocks[0].scoring.threshold : champ obligatoire manquant" in str(caught.value)


def test_an_unknown_field_is_named(loaded_ccab: LoadedReferential) -> None:
    text = broken(loaded_ccab, "schema_version: 1\n", "schema_version: 1\nseuil_global: 10\n")
    with pytest.raises(ReferentialFileError, match=r"seuil_global : champ inconnu"):
        parse_referential(text, "cassé.yaml")


def test_an_unknown_scoring_method_lists_the_admitted_ones(loaded_ccab: LoadedReferential) -> None:
    text = broken(loaded_ccab, "method: points", "method: moyenne")
    with pytest.raises(ReferentialFileError, match=r"blocks\[0\]\.scoring.*'points', 'pass_fail'"):
        parse_referential(text, "cassé.yaml")


def test_invalid_yaml_gives_its_line() -> None:
    with pytest.raises(ReferentialFileError) as caught:
        parse_referential("code: CCAB\nblocks: [\n  - : :\n", "cassé.yaml")
    assert caught.value.problems[0].line is not None
    assert "YAML illisible" in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReferentialFileError, match="fichier introuvable"):
        load_referential_file(tmp_path / "absent.yaml")


def test_every_problem_is_reported_at_once(loaded_ccab: LoadedReferential) -> None:
    text = broken(loaded_ccab, "max_points: 4", "max_points: -1")
    text = text.replace("code: CCAB", "code: ''", 1)
    with pytest.raises(ReferentialFileError) as caught:
        parse_referential(text, "cassé.yaml")
    assert len(caught.value.problems) == 2
