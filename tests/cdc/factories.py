"""Plausible fluxes for the CDC tests: one header, holders born in France or abroad."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from lxml import etree

from certif.cdc.flux import (
    AccessPath,
    Certification,
    ExamMode,
    FluxHeader,
    HolderIdentity,
    Passage,
)
from certif.cdc.schemas import CdcSchema
from certif.domain.nir import Nir, parse_nir

FIXTURES = Path(__file__).parent / "fixtures"
PARIS_SUMMER = timezone(timedelta(hours=2))
NS = "urn:cdc:cpf:pc5:schema:1.0.0"
PREFIXES = {"cpf": NS, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
# 2 90 03 75 056 123 52: a woman born in Paris in March 1990.
ELOISE_NIR = "290037505612352"


def a_header(**changes: Any) -> FluxHeader:
    header = FluxHeader(
        timestamp=datetime(2026, 7, 1, 10, 15, tzinfo=PARIS_SUMMER),
        emitter_id="AB123CDE",
        certifier_id="E564ACB0",
        contract_id="2560080000127J",
        certification=Certification("RNCP12345"),
    )
    return replace(header, **changes)


def born_in_paris(**changes: Any) -> HolderIdentity:
    identity = HolderIdentity(
        birth_name="Lefèvre",
        first_names=("Éloïse", "Anne"),
        sex="F",
        birth_date=date(1990, 3, 12),
        usage_name="Martin-Lefèvre",
        birth_commune_code="75056",
        birth_commune_name="Paris",
    )
    return replace(identity, **changes)


def born_in_algiers(**changes: Any) -> HolderIdentity:
    identity = HolderIdentity(
        birth_name="Benali",
        first_names=("Karim",),
        sex="M",
        birth_date=date(1988, 7, 1),
        birth_commune_name="Alger",
        birth_country_code="352",
        birth_country_name="Algérie",
    )
    return replace(identity, **changes)


def eloise_nir() -> Nir:
    return parse_nir(ELOISE_NIR)


def a_passage(number: int = 1, holder: HolderIdentity | None = None, **changes: Any) -> Passage:
    passage = Passage(
        technical_id=f"2026-06-C{number:05d}",
        holder=holder or born_in_paris(),
        validity_start=date(2026, 7, 1),
        access_path=AccessPath.FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION,
        exam_start=date(2026, 6, 15),
        exam_end=date(2026, 6, 19),
        exam_mode=ExamMode.EN_PRESENTIEL,
        exam_centre_postcode="76000",
        registration_date=date(2026, 1, 10),
    )
    return replace(passage, **changes)


def passages(count: int, start: int = 1) -> list[Passage]:
    holders = [born_in_paris(), born_in_algiers(), born_in_paris(nir=eloise_nir())]
    return [a_passage(n, holders[n % 3]) for n in range(start, start + count)]


def parsed(path: Path) -> Any:
    return etree.parse(str(path))


def validates_whole(path: Path, schema: CdcSchema) -> bool:
    """The file checked the plain way, whole in memory: an independent witness."""
    return bool(schema.xml_schema.validate(parsed(path)))


def texts(path: Path, xpath: str) -> list[str]:
    return [str(value) for value in parsed(path).xpath(xpath, namespaces=PREFIXES)]
