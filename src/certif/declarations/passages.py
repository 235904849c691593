"""From Certif's records to what the CDC's flux holds: a holder's identity, a passage, the
certification's code, the schema chosen. Nothing here writes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from certif.candidates.models import Candidate
from certif.cdc.flux import (
    AccessPath,
    Certification,
    HolderIdentity,
    Passage,
    missing_identity_fields,
    passage_problems,
)
from certif.cdc.schemas import CdcSchema, load_schema
from certif.declarations.models import CdcSettings, Declaration
from certif.domain.nir import Nir
from certif.domain.records import attributes
from certif.domain.referential.schema import Referential

# The path of the official kit's XSD on the server, when the certifier has it: it wins over the
# setting (the shipped 1.1.5 is a reconstruction, see its header).
XSD_VARIABLE = "CERTIF_CDC_XSD"


def chosen_schema(explicit: str | None = None) -> CdcSchema:
    """The schema a flux is written and checked against: the one asked (a version or a path),
    else the official kit's file named by CERTIF_CDC_XSD, else the settings' version."""
    if explicit:
        return load_schema(explicit)
    kit = os.environ.get(XSD_VARIABLE, "").strip()
    if kit:
        return load_schema(kit)
    return load_schema(CdcSettings.load().schema)


def certification_code(referential: Referential) -> str:
    """« RNCP12345 » from the référentiel's registration (empty when not configured)."""
    code = referential.metadata.rncp_code.strip()
    if not code:
        return ""
    return code if code.upper().startswith("RNCP") else f"RNCP{code}"


def identity_of(candidate: Candidate) -> HolderIdentity:
    first_names = tuple(
        name
        for name in (candidate.first_name, candidate.second_first_name, candidate.third_first_name)
        if name.strip()
    )
    return HolderIdentity(
        **attributes(candidate, "birth_name", "sex", "birth_date", "usage_name"),
        first_names=first_names,
        birth_commune_code=candidate.birth_place_code,
        birth_commune_name=candidate.birth_place,
        birth_country_code=candidate.birth_country_code,
        birth_country_name=candidate.birth_country,
        nir=Nir(candidate.nir) if candidate.nir else None,
    )


def missing_identity(candidate: Candidate, schema: CdcSchema) -> list[str]:
    """What the CDC needs to match the holder and the identity lacks (French labels)."""
    return missing_identity_fields(
        identity_of(candidate), accepts_nir=schema.has_national_identifier
    )


@dataclass(frozen=True)
class Built:
    """A declaration turned into a passage, or the reasons it cannot be."""

    declaration: Declaration
    passage: Passage | None
    problems: list[str]


def passage_of(declaration: Declaration, schema: CdcSchema) -> Built:
    """The declaration's passage: the jury's date as the start of validity, the session's
    dates as the exam's, the candidate's access path; refused with every reason when the
    identity lacks something or a value cannot be written."""
    candidate = declaration.candidate
    session = declaration.decision.deliberation.session
    problems = missing_identity(candidate, schema)
    if not declaration.certification_code:
        problems.append("code RNCP absent des mentions d'enregistrement du référentiel")
    if problems:
        return Built(declaration, None, problems)
    passage = Passage(
        technical_id=declaration.technical_id,
        holder=identity_of(candidate),
        validity_start=declaration.granted_on,
        access_path=AccessPath(candidate.access_path) if candidate.access_path else None,
        exam_start=session.start_date,
        exam_end=session.end_date,
        registration_date=candidate.registration_date,
    )
    problems = passage_problems(passage, schema)
    return Built(declaration, passage if not problems else None, problems)


def certification_of(code: str) -> Certification:
    return Certification(code=code)


def due_in(due_on: date, today: date) -> int:
    """Days left until the due date (negative: overdue)."""
    return (due_on - today).days
