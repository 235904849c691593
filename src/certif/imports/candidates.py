"""``certif import candidates``: create or update candidates from a file, all or nothing.

A known ``numero`` updates that candidate. A column left out of the file leaves that
field as it is; a column present with an empty cell empties it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction

from certif.candidates import actions as candidates_actions
from certif.candidates.models import Candidate, Sex, masked_nir
from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.progress import Reporter, Silent
from certif.domain.codes import CODE_PATTERN, CODE_RULE
from certif.domain.identity import (
    ACCESS_PATHS,
    COMMUNE_CODE_PATTERN,
    EMAIL_PATTERN,
    NAME_MAX,
    PHONE_PATTERN,
)
from certif.domain.nir import NirRejected, parse_nir
from certif.imports import actions, checks
from certif.imports.columns import CANDIDATE_COLUMNS, CANDIDATE_IMPORT_ONLY, CANDIDATE_REQUIRED
from certif.imports.guard import file_sha256, importing
from certif.imports.models import ImportBatch
from certif.imports.partners import unknown_partners, with_partners
from certif.imports.reading import LINE, read_file
from certif.results.services import recompute

COLUMNS = (*CANDIDATE_COLUMNS, *CANDIDATE_IMPORT_ONLY)
REQUIRED = CANDIDATE_REQUIRED
OPTIONAL = tuple(column for column in COLUMNS if column not in REQUIRED)
MAX_FIRST_NAMES = 3
# Free text, on several lines (a textarea on the candidate's page); every other column is one line.
MULTILINE = ("amenagements",)

# Which model fields each optional column sets (absent column: fields untouched).
COLUMN_FIELDS: dict[str, tuple[str, ...]] = {
    "nom_usage": ("usage_name",),
    "sexe": ("sex",),
    "code_commune_naissance": ("birth_place_code",),
    "commune_naissance": ("birth_place",),
    "pays_naissance": ("birth_country_code", "birth_country"),
    "email": ("email",),
    "telephone": ("phone",),
    "voie_acces": ("access_path",),
    "date_inscription": ("registration_date",),
    "temps_majore": ("extra_time_percent",),
    "amenagements": ("accommodations",),
    "nir": ("nir",),
    "partenaire": ("partner_id",),
}
ALWAYS = ("birth_name", "first_name", "second_first_name", "third_first_name", "birth_date")


@dataclass
class CandidatesReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    encoding: str | None = None  # of the file read (« UTF-8 », « Windows-1252 », « XLSX »…)

    def lines(self) -> list[str]:
        lines = [
            f"{self.rows} ligne(s) : {self.created} candidat(s) créé(s), {self.updated} modifié(s), "
            f"{self.unchanged} inchangé(s)"
        ]
        if self.encoding is not None:
            lines.append(f"Fichier lu en {self.encoding}")
        return lines


def _date(column: str) -> pl.Expr:
    value = pl.col(column)
    return pl.coalesce(
        value.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
        value.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    )


def _parsed(frame: pl.DataFrame) -> pl.DataFrame:
    names = pl.col("prenoms").str.replace_all(r"[,\s]+", " ").str.strip_chars().str.split(" ")
    return frame.with_columns(
        _date("date_naissance").alias("_birth_date"),
        _date("date_inscription").alias("_registration_date"),
        names.alias("_first_names"),
        pl.col("sexe").str.to_uppercase().alias("_sex"),
        pl.col("voie_acces").str.to_uppercase().alias("_access_path"),
        pl.col("temps_majore")
        .str.replace(r"\s*%$", "")
        .cast(pl.Int64, strict=False)
        .alias("_extra_time"),
    )


def _checks(frame: pl.DataFrame) -> list[pl.DataFrame]:
    today = date.today()
    access_paths = list(ACCESS_PATHS)
    errors = checks.required_values(frame, REQUIRED)
    errors += [
        checks.too_long(frame, column, NAME_MAX)
        for column in ("nom_naissance", "nom_usage", "commune_naissance", "pays_naissance")
    ]
    errors += [
        checks.errors_where(
            frame,
            (pl.col("numero") != "") & ~pl.col("numero").str.contains(CODE_PATTERN),
            "numero",
            f"numéro non admis : {CODE_RULE}",
        ),
        checks.errors_where(
            frame,
            (pl.col("date_naissance") != "") & pl.col("_birth_date").is_null(),
            "date_naissance",
            "date invalide : attendu JJ/MM/AAAA ou AAAA-MM-JJ",
        ),
        checks.errors_where(
            frame,
            pl.col("_birth_date").is_not_null()
            & ((pl.col("_birth_date") > pl.lit(today)) | (pl.col("_birth_date").dt.year() < 1900)),
            "date_naissance",
            "date de naissance invraisemblable",
        ),
        checks.errors_where(
            frame,
            (pl.col("date_inscription") != "") & pl.col("_registration_date").is_null(),
            "date_inscription",
            "date invalide : attendu JJ/MM/AAAA ou AAAA-MM-JJ",
        ),
        checks.errors_where(
            frame,
            pl.col("_first_names").list.len() > MAX_FIRST_NAMES,
            "prenoms",
            f"au plus {MAX_FIRST_NAMES} prénoms (séparés par des espaces ou des virgules)",
        ),
        checks.errors_where(
            frame,
            pl.col("_first_names").list.eval(pl.element().str.len_chars() > NAME_MAX).list.any(),
            "prenoms",
            f"un prénom dépasse {NAME_MAX} caractères (registre national)",
        ),
        checks.errors_where(
            frame,
            (pl.col("sexe") != "") & ~pl.col("_sex").is_in([s.value for s in Sex]),
            "sexe",
            "attendu M ou F",
        ),
        checks.errors_where(
            frame,
            (pl.col("voie_acces") != "") & ~pl.col("_access_path").is_in(access_paths),
            "voie_acces",
            "voie d'accès inconnue (valeurs admises : " + ", ".join(access_paths) + ")",
        ),
        checks.errors_where(
            frame,
            (pl.col("email") != "") & ~pl.col("email").str.contains(EMAIL_PATTERN),
            "email",
            "adresse électronique invalide",
        ),
        checks.errors_where(
            frame,
            (pl.col("telephone") != "") & ~pl.col("telephone").str.contains(PHONE_PATTERN),
            "telephone",
            "numéro de téléphone invalide",
        ),
        checks.errors_where(
            frame,
            (pl.col("code_commune_naissance") != "")
            & ~pl.col("code_commune_naissance").str.contains(COMMUNE_CODE_PATTERN),
            "code_commune_naissance",
            "code de commune invalide : code INSEE (5 caractères) ou code postal (9 au plus)",
        ),
        checks.errors_where(
            frame,
            (pl.col("temps_majore") != "")
            & (
                pl.col("_extra_time").is_null()
                | (pl.col("_extra_time") < 0)
                | (pl.col("_extra_time") > 300)
            ),
            "temps_majore",
            "attendu un pourcentage entier entre 0 et 300",
        ),
        checks.duplicates(frame, ["numero"], "numero", "numéro de candidat"),
        _nir_problems(frame),
    ]
    return errors


def _nir_problems(frame: pl.DataFrame) -> pl.DataFrame:
    """Each NIR checked (key, parts, agreement with the sex and birth date of its row); the
    refusal never quotes the number itself, only its length."""
    found: list[tuple[int, str, str, str]] = []
    rows = frame.filter(pl.col("nir") != "").select(LINE, "nir", "_sex", "_birth_date")
    for line, typed, sex, born in rows.iter_rows():
        try:
            nir = parse_nir(typed)
        except NirRejected as refused:
            found.append((line, "nir", _nir_shown(typed), str(refused).replace(typed, "…")))
            continue
        contradictions = nir.disagreements(born, sex or "")
        if contradictions:
            found.append((line, "nir", _nir_shown(typed), "; ".join(contradictions)))
    return pl.DataFrame(
        found,
        schema={"line": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String},
        orient="row",
    )


def _nir_shown(typed: str) -> str:
    return f"({len(typed)} caractères masqués)"


def _records(frame: pl.DataFrame, present: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(numero, field values) per row, only for the fields the file carries."""
    for row in frame.iter_rows(named=True):
        first_names = [*row["_first_names"], "", ""][:MAX_FIRST_NAMES]
        values: dict[str, Any] = {
            "birth_name": row["nom_naissance"],
            "first_name": first_names[0],
            "second_first_name": first_names[1],
            "third_first_name": first_names[2],
            "birth_date": row["_birth_date"],
        }
        country = row["pays_naissance"]
        is_code = country.isdigit() and len(country) == 3
        optional = {
            "usage_name": row["nom_usage"],
            "sex": row["_sex"],
            "birth_place_code": row["code_commune_naissance"].upper(),
            "birth_place": row["commune_naissance"],
            "birth_country_code": country if is_code else "",
            "birth_country": "" if is_code else country,
            "email": row["email"],
            "phone": row["telephone"],
            "access_path": row["_access_path"],
            "registration_date": row["_registration_date"],
            "extra_time_percent": row["_extra_time"] or 0,
            "accommodations": row["amenagements"],
            "nir": parse_nir(row["nir"]).value if row["nir"] else "",
            "partner_id": row["_partner_id"],
        }
        for column, fields in COLUMN_FIELDS.items():
            if column in present:
                values.update({name: optional[name] for name in fields})
        yield row["numero"], values


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the journal keeps them: dates as text, the NIR masked."""
    return {
        key: masked_nir(value)
        if key == "nir"
        else value.isoformat()
        if isinstance(value, date)
        else value
        for key, value in values.items()
    }


def import_candidates(
    path: str | Path, *, actor: Actor = None, reporter: Reporter | None = None
) -> CandidatesReport:
    report = reporter or Silent()
    file = Path(path)
    sha256 = file_sha256(file)
    with importing("candidates", sha256):
        report.phase("Lecture du fichier")
        table = read_file(file)
        result = _import(table.frame, file.name, lambda: sha256, actor, report)
    result.encoding = table.encoding
    return result


def rows_frame(rows: Sequence[Mapping[str, str | None]]) -> pl.DataFrame:
    """Rows given as values (the API's) as ``read_table`` gives a file's: the columns are the
    fields given in any row (a row without one of them has it empty), cells stripped, each row
    numbered from 0 in ``__line``."""
    columns = list(dict.fromkeys(name for row in rows for name in row))
    data = {c: [(row.get(c) or "").strip() for row in rows] for c in columns}
    frame = pl.DataFrame(data, schema={c: pl.String for c in columns})
    return frame.with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(LINE))


def import_candidates_frame(
    frame: pl.DataFrame,
    source_name: str,
    *,
    sha256: str,
    actor: Actor = None,
    reporter: Reporter | None = None,
) -> CandidatesReport:
    """The file importer, all or nothing, for rows that come from no file (the API): ``frame``
    as ``rows_frame`` builds it; ``source_name`` and ``sha256`` stand for the file's name and
    digest in the import's record."""
    with importing("candidates", sha256):
        return _import(frame, source_name, lambda: sha256, actor, reporter or Silent())


def _import(
    frame: pl.DataFrame,
    source_name: str,
    digest: Callable[[], str],
    actor: Actor,
    report: Reporter,
) -> CandidatesReport:
    checks.check_columns(frame, REQUIRED, OPTIONAL)
    present = set(frame.columns) - {LINE}
    checks.refuse_forbidden_characters(
        frame, [c for c in present if c not in MULTILINE], [c for c in present if c in MULTILINE]
    )
    frame = with_partners(_parsed(checks.with_optional_columns(frame, OPTIONAL)))
    report.phase("Vérification", frame.height)
    checks.raise_if_any([*_checks(frame), unknown_partners(frame)])
    report.advance(frame.height)
    records = dict(_records(frame, present))
    existing = Candidate.objects.in_bulk(list(records), field_name="numero")
    to_create: list[Candidate] = []
    to_update: list[tuple[Candidate, dict[str, Any], dict[str, Any]]] = []
    for numero, values in records.items():
        candidate = existing.get(numero)
        if candidate is None:
            to_create.append(Candidate(numero=numero, **values))
            continue
        before = {k: getattr(candidate, k) for k, v in values.items() if getattr(candidate, k) != v}
        if before:
            to_update.append((candidate, before, {k: values[k] for k in before}))
    result = CandidatesReport(frame.height, len(to_create), len(to_update))
    result.unchanged = frame.height - result.created - result.updated
    if not to_create and not to_update:
        return result
    report.phase("Écriture des candidats", len(to_create) + len(to_update))
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind="candidates",
            file_name=source_name,
            sha256=digest(),
            imported_by=account_of(actor),
            rows=frame.height,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
        created = Candidate.objects.bulk_create(to_create, batch_size=5000)
        report.advance(len(created))
        for candidate, before, after in to_update:
            for name, value in after.items():
                setattr(candidate, name, value)
            candidate.save(update_fields=[*after, "updated_at"])
            audit.record(
                candidates_actions.CANDIDATE_UPDATED, candidate, actor=actor, before=_jsonable(before), after=_jsonable(after),
                reason=f"import {source_name}",
            )  # fmt: skip
            report.advance()
        audit.record(
            actions.CANDIDATES_IMPORTED,
            batch,
            actor=actor,
            after={"file": source_name, "created": result.created, "updated": result.updated},
        )
        new_ids = list(
            Candidate.objects.filter(numero__in=[c.numero for c in to_create]).values_list(
                "pk", flat=True
            )
        )
        report.phase("Calcul des résultats", len(new_ids))
        recompute(new_ids, progress=report.advance)
    return result
