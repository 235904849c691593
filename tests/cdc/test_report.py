"""Reading the CDC's processing report of a flux."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from certif.cdc.errors import ReportUnreadable
from certif.cdc.report import ProcessingReport, RejectedPassage, parse_report
from tests.cdc.factories import FIXTURES

EXAMPLE = FIXTURES / "cdc-rapport-traitement-example.xml"
OPEN = '<ns2:rapport xmlns:ns2="urn:cdc:cpf:pc5:rapport:schema">'


def report(body: str) -> bytes:
    return f"{OPEN}{body}</ns2:rapport>".encode()


def test_the_example_report_gives_its_ids_and_passages() -> None:
    assert parse_report(EXAMPLE) == ProcessingReport(
        flux_id="6f1c2b8e-0d4a-4c53-9a51-2f0e7c1d9b30",
        processing_id="51354",
        file_name="certif-0000demo-2026-07-01T101500.xml",
        accepted=("2026-06-C00001", "2026-06-C00002", "2026-06-C00005"),
        rejected=(
            RejectedPassage(
                "2026-06-C00017", "Aucun titulaire ne correspond aux critères obligatoires"
            ),
            RejectedPassage("2026-06-C00042", "Plusieurs titulaires ont été identifiés"),
        ),
    )


def test_a_report_reads_the_same_from_its_bytes_or_its_path() -> None:
    assert parse_report(EXAMPLE.read_bytes()) == parse_report(str(EXAMPLE))


def test_either_section_may_be_absent_or_hold_one_entry() -> None:
    parsed = parse_report(
        report(
            "<idFlux>F1</idFlux><idTraitement>7</idTraitement>"
            "<PassagesOK><idTechnique>A</idTechnique></PassagesOK>"
        )
    )
    assert (parsed.accepted, parsed.rejected, parsed.file_name) == (("A",), (), None)


def test_children_qualified_in_the_report_namespace_are_read_too() -> None:
    parsed = parse_report(
        report("<ns2:idFlux>F1</ns2:idFlux><ns2:idTraitement>7</ns2:idTraitement>")
    )
    assert (parsed.flux_id, parsed.processing_id) == ("F1", "7")


def test_a_report_of_another_namespace_is_refused_in_french() -> None:
    with pytest.raises(ReportUnreadable, match="ce n'est pas un rapport de traitement de la CDC"):
        parse_report(b'<rapport xmlns="urn:autre"><idFlux>F</idFlux></rapport>')


def test_a_malformed_report_is_refused_with_its_line() -> None:
    with pytest.raises(ReportUnreadable, match=r"rapport mal formé \(ligne 2\)"):
        parse_report(b"<a>\n<b></a>")


def test_a_report_without_flux_id_is_refused() -> None:
    with pytest.raises(ReportUnreadable, match="« idFlux » manquant ou vide"):
        parse_report(report("<idTraitement>7</idTraitement>"))


def test_a_rejected_passage_without_id_is_refused() -> None:
    body = "<idFlux>F</idFlux><idTraitement>7</idTraitement><PassagesKO><passage/></PassagesKO>"
    with pytest.raises(ReportUnreadable, match="passage refusé sans idTechnique"):
        parse_report(report(body))


def test_entities_are_never_expanded() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + report("<idFlux>&x;</idFlux><idTraitement>7</idTraitement>")
    )
    with pytest.raises(ReportUnreadable, match="DOCTYPE"):
        parse_report(hostile)


def test_a_report_beyond_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rapport.xml"
    path.write_bytes(EXAMPLE.read_bytes())
    with pytest.raises(ReportUnreadable, match="trop volumineux"):
        parse_report(path, max_bytes=100)
    with pytest.raises(ReportUnreadable, match="trop volumineux"):
        parse_report(EXAMPLE.read_bytes(), max_bytes=100)


def test_a_missing_report_file_is_refused_in_french(tmp_path: Path) -> None:
    with pytest.raises(ReportUnreadable, match=re.escape("rapport illisible : absent.xml")):
        parse_report(tmp_path / "absent.xml")
