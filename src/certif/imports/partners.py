"""``certif partners import`` and ``import-habilitations``: partners and their habilitations
from a file, all or nothing; ``habilitations-export``: the list owed to France compétences.

Each row goes through the partners' own validation (``certif.partners.forms``, the same as the
pages'), so that a SIRET refused on a page is refused in a file with the same message, naming
its line, its column and its value. Nothing is written unless every row passes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction

from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.errors import NON_FIELD, Invalid, Refused
from certif.core.progress import Reporter, Silent
from certif.core.text import quoted
from certif.core.validation import as_form_data, validated
from certif.domain.partners.declaration import DeclarationRow
from certif.domain.partners.siret import IdentifierRejected, parse_siret
from certif.imports import actions, checks
from certif.imports.exports import write_frame
from certif.imports.guard import file_sha256, importing
from certif.imports.models import ImportBatch
from certif.imports.problems import MAX_REPORTED, FileRejected, Problem
from certif.imports.reading import LINE, read_file
from certif.partners.forms import PARTNER_FIELDS, HabilitationForm, PartnerEditForm, PartnerForm
from certif.partners.models import Partner
from certif.partners.queries import list_rows
from certif.partners.services import (
    change_habilitation,
    create_habilitation,
    create_partner,
    known_blocks,
    record_export,
    update_partner,
)

# Columns as the issue names them; the first two required.
PARTNER_REQUIRED = ("siret", "raison_sociale")
PARTNER_OPTIONAL = ("nda", "adresse", "qualiopi_numero", "qualiopi_echeance", "courriel")
PARTNER_MULTILINE = ("adresse",)
# Which form field each column fills.
PARTNER_COLUMNS = {
    "siret": "siret",
    "raison_sociale": "legal_name",
    "nda": "nda",
    "adresse": "address",
    "qualiopi_numero": "qualiopi_number",
    "qualiopi_echeance": "qualiopi_expires_on",
    "courriel": "email",
}

HABILITATION_REQUIRED = ("siret", "nature", "certification", "debut", "fin")
HABILITATION_OPTIONAL = ("blocs",)
HABILITATION_FIELDS = {
    "nature": "nature",
    "certification": "certification",
    "blocs": "blocks",
    "debut": "starts_on",
    "fin": "ends_on",
}

EXPORT_COLUMNS = (
    "siret", "raison_sociale", "reference", "certification", "nature", "code_france_competences",
    "blocs", "debut", "fin", "etat",
)  # fmt: skip


@dataclass
class PartnersReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def lines(self) -> list[str]:
        return [
            f"{self.rows} ligne(s) : {self.created} créé(s), {self.updated} modifié(s), "
            f"{self.unchanged} inchangé(s)"
        ]


def _french_date(text: str) -> str:
    """« 31/12/2026 » as the form reads it (ISO); any other text as it is, for the form to
    refuse."""
    parts = text.split("/")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        day, month, year = parts
        return f"{year}-{month.zfill(2)}-{day.zfill(2)}"
    return text


def _form_data(row: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, str]:
    data = {}
    for column, field in fields.items():
        if column in row:
            value = row[column] or ""
            data[field] = (
                _french_date(value) if column in {"qualiopi_echeance", "debut", "fin"} else value
            )
    return data


def _problems(
    line: int, invalid: Invalid, row: Mapping[str, Any], fields: Mapping[str, str]
) -> list[Problem]:
    columns = {field: column for column, field in fields.items()}
    found = []
    for field, messages in invalid.errors.items():
        column = columns.get(field)
        value = quoted(row[column]).strip("« »") if column and row.get(column) else None
        for message in messages:
            found.append(Problem(line, column if field != NON_FIELD else None, value, message))
    return found


def _validate_rows(
    frame: pl.DataFrame, fields: Mapping[str, str], check: Callable[[dict[str, Any]], None]
) -> list[Problem]:
    problems: list[Problem] = []
    for row in frame.iter_rows(named=True):
        try:
            check(row)
        except Invalid as invalid:
            problems.extend(_problems(row[LINE], invalid, row, fields))
        except Refused as refused:
            problems.append(Problem(row[LINE], None, None, str(refused)))
    return problems


def _raise(problems: list[Problem]) -> None:
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        raise FileRejected(problems[:MAX_REPORTED], len(problems))


def _read(
    path: Path, required: Iterable[str], optional: Iterable[str], multiline: Iterable[str] = ()
) -> pl.DataFrame:
    frame = read_file(path).frame
    checks.check_columns(frame, tuple(required), tuple(optional))
    present = [c for c in frame.columns if c != LINE]
    checks.refuse_forbidden_characters(
        frame, [c for c in present if c not in multiline], [c for c in present if c in multiline]
    )
    checks.raise_if_any(checks.required_values(frame, required))
    return frame


# -- partners --------------------------------------------------------------------------------


def import_partners(
    path: str | Path, *, actor: Actor = None, reporter: Reporter | None = None
) -> PartnersReport:
    """Create the partners a file lists, or update those whose SIRET is known."""
    report = reporter or Silent()
    file = Path(path)
    sha256 = file_sha256(file)
    with importing("partners", sha256):
        report.phase("Lecture du fichier")
        frame = _read(file, PARTNER_REQUIRED, PARTNER_OPTIONAL, PARTNER_MULTILINE)
        report.phase("Vérification", frame.height)
        existing = {p.siret: p for p in Partner.objects.all()}

        def check(row: dict[str, Any]) -> None:
            data = _form_data(row, PARTNER_COLUMNS)
            partner = existing.get(_siret(row["siret"]))
            if partner is None:
                validated(PartnerForm, data)
            else:
                validated(PartnerEditForm, _merged(partner, data))

        problems = _validate_rows(frame, PARTNER_COLUMNS, check)
        problems += _duplicates(frame, "siret", "SIRET")
        _raise(problems)
        result = PartnersReport(rows=frame.height)
        report.phase("Écriture", frame.height)
        with transaction.atomic():
            for row in frame.iter_rows(named=True):
                data = _form_data(row, PARTNER_COLUMNS)
                partner = existing.get(_siret(row["siret"]))
                if partner is None:
                    create_partner(data, actor=actor)
                    result.created += 1
                else:
                    data.pop("siret")
                    before = partner.revision
                    changed = update_partner(partner, data, actor=actor)
                    if changed.revision != before:
                        result.updated += 1
                    else:
                        result.unchanged += 1
                report.advance()
            _batch(
                "partners", file.name, sha256, actor, result.rows, result.created, result.updated
            )
    return result


def _siret(text: str) -> str:
    """The SIRET's 14 digits, or the text as it is when it is not one (the form says why)."""
    try:
        return parse_siret(text).value
    except IdentifierRejected:
        return text


def _merged(partner: Partner, data: Mapping[str, Any]) -> dict[str, Any]:
    """A known partner's identity with what the row changes (a column left out keeps it)."""
    stored = as_form_data({name: getattr(partner, name) for name in PARTNER_FIELDS})
    return {**stored, **{key: value for key, value in data.items() if key != "siret"}}


def _duplicates(frame: pl.DataFrame, column: str, what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    found = []
    for line, value in frame.select(LINE, column).iter_rows():
        key = "".join(ch for ch in value if ch.isdigit())
        if key in seen:
            found.append(
                Problem(
                    line,
                    column,
                    quoted(value).strip("« »"),
                    f"{what} en double (déjà ligne {seen[key]})",
                )
            )
        else:
            seen[key] = line
    return found


def _batch(
    kind: str, name: str, sha256: str, actor: Actor, rows: int, created: int, updated: int
) -> None:
    batch = ImportBatch.objects.create(
        kind=kind, file_name=name, sha256=sha256, imported_by=account_of(actor), rows=rows,
        created=created, updated=updated, unchanged=rows - created - updated,
    )  # fmt: skip
    audit.record(
        actions.PARTNERS_IMPORTED,
        batch,
        actor=actor,
        after={"file": name, "kind": kind, "created": created, "updated": updated},
    )


# -- candidates' partners -------------------------------------------------------------------


def with_partners(frame: pl.DataFrame, column: str = "partenaire") -> pl.DataFrame:
    """``_partner_id``: the partner whose SIRET (spaces and dots allowed) the column names."""
    sirets = frame.get_column(column).str.replace_all(r"[\s.]", "")
    known = Partner.objects.filter(siret__in=sirets.unique().to_list()).values_list("siret", "pk")
    ids = dict(known)
    return frame.with_columns(
        sirets.replace_strict(ids, default=None, return_dtype=pl.Int64).alias("_partner_id")
    )


def unknown_partners(frame: pl.DataFrame, column: str = "partenaire") -> pl.DataFrame:
    return checks.errors_where(
        frame,
        (pl.col(column) != "") & pl.col("_partner_id").is_null(),
        column,
        "organisme partenaire inconnu (SIRET) : créez-le ou importez-le d'abord",
    )


def import_partner_candidates(
    path: str | Path, partner: Partner, *, actor: Actor = None, reporter: Reporter | None = None
) -> Any:
    """A partner's staff importing their candidates' identities: the candidates' importer, every
    row linked to ``partner``; a numero already used by someone else's candidate is refused
    (without saying whose)."""
    from certif.candidates.models import Candidate
    from certif.imports.candidates import import_candidates_frame

    file = Path(path)
    sha256 = file_sha256(file)
    frame = read_file(file).frame
    if "partenaire" in frame.columns:
        frame = frame.drop("partenaire")
    if "numero" in frame.columns:
        numeros = frame.get_column("numero").to_list()
        taken = set(
            Candidate.objects.filter(numero__in=numeros)
            .exclude(partner=partner)
            .values_list("numero", flat=True)
        )
        problems = [
            Problem(
                line,
                "numero",
                quoted(numero).strip("« »"),
                "numéro déjà utilisé : choisissez-en un autre",
            )
            for line, numero in frame.select(LINE, "numero").iter_rows()
            if numero in taken
        ]
        _raise(problems)
    frame = frame.with_columns(pl.lit(partner.siret).alias("partenaire"))
    return import_candidates_frame(frame, file.name, sha256=sha256, actor=actor, reporter=reporter)


# -- habilitations ---------------------------------------------------------------------------


@dataclass
class HabilitationsReport:
    rows: int = 0

    def lines(self) -> list[str]:
        return [f"{self.rows} habilitation(s) créée(s) et activée(s) à leur date de début"]


def import_habilitations(
    path: str | Path, *, actor: Actor = None, reporter: Reporter | None = None
) -> HabilitationsReport:
    """Create the habilitations a file lists, each activated on its start date: the file
    records acts already signed. The overlap rule is checked against the stored ones and the
    file's own earlier rows; any refusal and nothing is written."""
    report = reporter or Silent()
    file = Path(path)
    sha256 = file_sha256(file)
    with importing("habilitations", sha256):
        report.phase("Lecture du fichier")
        frame = _read(file, HABILITATION_REQUIRED, HABILITATION_OPTIONAL)
        partners = {p.siret: p for p in Partner.objects.all()}
        report.phase("Vérification", frame.height)

        def siret_of(row: Mapping[str, Any]) -> str:
            return "".join(ch for ch in row["siret"] if ch.isdigit())

        def check(row: dict[str, Any]) -> None:
            if siret_of(row) not in partners:
                raise Invalid.on("siret", "organisme inconnu : importez-le d'abord", row["siret"])
            data = _form_data(row, HABILITATION_FIELDS)
            form = HabilitationForm(data, known_blocks=known_blocks)
            if not form.is_valid():
                raise Invalid.from_form(form)

        fields = {"siret": "siret", **HABILITATION_FIELDS}
        problems = _validate_rows(frame, fields, check)
        _raise(problems)
        result = HabilitationsReport(rows=frame.height)
        report.phase("Écriture", frame.height)
        problems = []
        with transaction.atomic():
            for row in frame.iter_rows(named=True):
                data = _form_data(row, HABILITATION_FIELDS)
                habilitation = create_habilitation(partners[siret_of(row)], data, actor=actor)
                try:
                    change_habilitation(
                        habilitation,
                        {"action": "activate", "effective_on": habilitation.starts_on},
                        actor=actor,
                    )
                except Refused as refused:
                    problems.append(Problem(row[LINE], None, None, str(refused)))
                report.advance()
            if problems:
                transaction.set_rollback(True)
            else:
                _batch("habilitations", file.name, sha256, actor, result.rows, result.rows, 0)
        _raise(problems)
    return result


# -- the list for France compétences ---------------------------------------------------------


def _day(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def habilitations_frame(rows: Iterable[DeclarationRow]) -> pl.DataFrame:
    data = [
        (
            row.siret,
            row.legal_name,
            row.reference,
            row.certification,
            row.nature.value,
            row.france_competences_code,
            " ".join(row.blocks),
            _day(row.starts_on),
            _day(row.ends_on),
            row.state.label.fr,
        )
        for row in rows
    ]
    return pl.DataFrame(data, schema={c: pl.String for c in EXPORT_COLUMNS}, orient="row")


@dataclass(frozen=True)
class ExportedList:
    rows: int
    sha256: str
    export_id: int


def export_habilitations(
    path: str | Path, *, on: date | None = None, actor: Actor = None
) -> ExportedList:
    """Write the list (CSV or XLSX by the file's suffix) and record the export, to be marked
    « transmise » once sent."""
    day = on or date.today()
    file = Path(path)
    frame = habilitations_frame(list_rows(day))
    write_frame(frame, file)
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    export = record_export(day, frame.height, file.suffix.lstrip(".").lower(), digest, actor)
    return ExportedList(frame.height, digest, export.pk)
