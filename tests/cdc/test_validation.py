"""Validating a flux file against its XSD, streaming, with lines and French messages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from certif.cdc.errors import CdcError, FluxInvalid
from certif.cdc.flux import write_flux
from certif.cdc.validation import french_message, validate_flux_file
from tests.cdc.factories import FIXTURES, a_header, passages

EXAMPLE = FIXTURES / "cdc-certification-flux-example.xml"


def written(tmp_path: Path, count: int = 3) -> Path:
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(), passages(count))
    return path


def tampered(path: Path, old: str, new: str, occurrence: int = 1) -> int:
    """Replace the ``occurrence``-th line containing ``old``; returns that line's number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    found = [index for index, line in enumerate(lines) if old in line][occurrence - 1]
    lines[found] = lines[found].replace(old, new)
    path.write_text("\n".join(lines), encoding="utf-8")
    return found + 1


def issues_of(path: Path, schema: str = "1.1.5", **options: int) -> list[tuple[int, str]]:
    with pytest.raises(FluxInvalid) as invalid:
        validate_flux_file(path, schema, **options)
    return [(issue.line, issue.message) for issue in invalid.value.issues]


def test_the_cdc_example_validates_against_1_1_2() -> None:
    assert validate_flux_file(EXAMPLE, "1.1.2") == 3


def test_the_cdc_example_lacks_the_action_that_1_1_5_requires() -> None:
    [(line, message)] = issues_of(EXAMPLE, "1.1.5")
    assert line == 2
    assert message.startswith("élément « flux » : incomplet, il manque : action")


def test_a_value_too_long_is_reported_at_its_line_with_its_passage(tmp_path: Path) -> None:
    path = written(tmp_path)
    line = tampered(path, ">Lefèvre<", f">{'L' * 61}<", occurrence=2)
    assert issues_of(path) == [
        (
            line,
            "passage « 2026-06-C00003 », élément « nomNaissance » : 61 caractères, 60 au plus",
        )
    ]


def test_a_wrong_value_in_the_header_is_reported_at_its_line(tmp_path: Path) -> None:
    path = written(tmp_path)
    line = tampered(path, ">AB123CDE<", ">AB123<")
    assert issues_of(path) == [(line, "élément « idClient » : 5 caractères, 8 attendus")]


def test_a_missing_element_is_named(tmp_path: Path) -> None:
    path = written(tmp_path)
    line = tampered(path, "<cpf:dateDebutValidite>2026-07-01</cpf:dateDebutValidite>", "")
    [(reported, message)] = issues_of(path)
    assert reported < line
    assert message.startswith("passage « 2026-06-C00001 », élément « passageCertification » :")
    assert "il manque" in message


def test_a_value_outside_its_list_is_named(tmp_path: Path) -> None:
    path = written(tmp_path)
    line = tampered(path, ">EN_PRESENTIEL<", ">SUR_PLACE<")
    [(reported, message)] = issues_of(path)
    assert reported == line
    assert "élément « modalitePassageExamen » : valeur « SUR_PLACE » hors de la liste" in message


def test_a_truncated_file_is_malformed_xml_at_its_end(tmp_path: Path) -> None:
    path = written(tmp_path)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    [(line, message)] = issues_of(path)
    assert line > 1
    assert message.startswith("XML mal formé")


def test_only_the_first_errors_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "flux.xml"
    write_flux(path, a_header(), passages(30))
    path.write_text(path.read_text(encoding="utf-8").replace(">76000<", ">7600000000<"))
    assert len(issues_of(path, max_issues=5)) == 5


def test_the_error_names_the_file_and_the_schema(tmp_path: Path) -> None:
    path = written(tmp_path)
    tampered(path, ">AB123CDE<", ">AB<")
    with pytest.raises(FluxInvalid) as invalid:
        validate_flux_file(path)
    assert str(invalid.value).startswith(
        "le fichier flux.xml n'est pas conforme au schéma CDC 1.1.5 :\n- ligne "
    )


def test_a_file_of_another_kind_is_not_a_flux(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<rapport/>", encoding="utf-8")
    [(line, message)] = issues_of(path)
    assert (line, message) == (
        1,
        "élément « rapport » : n'est pas la racine d'un flux de ce schéma",
    )


def test_messages_the_validator_does_not_know_are_kept_without_namespaces() -> None:
    assert french_message("Element '{urn:x}a': Something new.") == "élément « a » : Something new."


def test_a_missing_file_is_named_in_french(tmp_path: Path) -> None:
    with pytest.raises(CdcError, match=r"fichier illisible : absent\.xml"):
        validate_flux_file(tmp_path / "absent.xml")


def test_threads_validating_at_once_each_get_their_own_errors(tmp_path: Path) -> None:
    good = written(tmp_path)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(good.read_bytes().replace(b">AB123CDE<", b">AB<"))

    def outcome(path: Path) -> str:
        try:
            return f"{validate_flux_file(path)} passages"
        except FluxInvalid as invalid:
            return invalid.issues[0].message

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(outcome, [good, bad] * 20))
    assert results == ["3 passages", "élément « idClient » : 2 caractères, 8 attendus"] * 20
