"""``certif export candidates|scores|results FILE``: CSV or XLSX by the file's extension.

Candidates and scores come out with exactly the import columns and values as a
person types them, so that an export can be imported again unchanged.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.contrib.auth import get_user_model

from certif.candidates.models import Candidate
from certif.core.bulk import fetch_frame
from certif.core.progress import Reporter, Silent
from certif.core.text import code_point, quoted
from certif.deliberations.standing import official_results
from certif.grading.models import COUNTING, Score, ScoreSheet
from certif.imports.cells import neutralise_frame, xlsx_text_cell
from certif.imports.columns import CANDIDATE_COLUMNS
from certif.imports.reading import BOM, LINE, MAX_REPORTED, FileRejected, Problem
from certif.imports.stored import stored_as_text
from certif.referential.models import Block, Criterion
from certif.results import presenting
from certif.results.queries import iter_results, population_referentials
from certif.sessions.models import ExamSession

XLSX_MAX_ROWS = 1_048_575
KINDS = ("candidates", "scores", "results")


def _french_date(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%d/%m/%Y").fill_null("")


def candidates_frame() -> pl.DataFrame:
    fields = [
        "numero", "birth_name", "usage_name", "first_name", "second_first_name", "third_first_name", "sex",
        "birth_date", "birth_place_code", "birth_place", "birth_country_code", "birth_country", "email", "phone",
        "access_path", "registration_date", "extra_time_percent", "accommodations",
    ]  # fmt: skip
    rows = Candidate.objects.order_by("numero").values_list(*fields)
    schema = {name: pl.String for name in fields} | {
        "birth_date": pl.Date, "registration_date": pl.Date, "extra_time_percent": pl.Int64,
    }  # fmt: skip
    frame = pl.DataFrame(list(rows), schema=schema, orient="row")
    first_names = pl.concat_str(
        ["first_name", "second_first_name", "third_first_name"], separator=" "
    )
    return frame.select(
        pl.col("numero"),
        pl.col("birth_name").alias("nom_naissance"),
        pl.col("usage_name").alias("nom_usage"),
        first_names.str.strip_chars().str.replace_all(r"\s+", " ").alias("prenoms"),
        pl.col("sex").alias("sexe"),
        _french_date("birth_date").alias("date_naissance"),
        pl.col("birth_place_code").alias("code_commune_naissance"),
        pl.col("birth_place").alias("commune_naissance"),
        pl.when(pl.col("birth_country_code") != "")
        .then(pl.col("birth_country_code"))
        .otherwise(pl.col("birth_country"))
        .alias("pays_naissance"),
        pl.col("email"),
        pl.col("phone").alias("telephone"),
        pl.col("access_path").alias("voie_acces"),
        _french_date("registration_date").alias("date_inscription"),
        pl.when(pl.col("extra_time_percent") > 0)
        .then(pl.col("extra_time_percent").cast(pl.String))
        .otherwise(pl.lit(""))
        .alias("temps_majore"),
        pl.col("accommodations").alias("amenagements"),
    ).select(CANDIDATE_COLUMNS)


def scores_frame() -> pl.DataFrame:
    users = get_user_model()._meta.db_table
    sql = (
        f"SELECT ca.numero, se.code, b.code, sh.part, c.code, c.kind, sc.value, u.username "
        f"FROM {Score._meta.db_table} sc "
        f"JOIN {ScoreSheet._meta.db_table} sh ON sh.id = sc.sheet_id "
        f"JOIN {Candidate._meta.db_table} ca ON ca.id = sh.candidate_id "
        f"JOIN {ExamSession._meta.db_table} se ON se.id = sh.session_id "
        f"JOIN {Block._meta.db_table} b ON b.id = sh.block_id "
        f"JOIN {Criterion._meta.db_table} c ON c.id = sc.criterion_id "
        f"LEFT JOIN {users} u ON u.id = sh.evaluator_id "
        # Only the markings that count: a double-marked unit's two markings would come back
        # as duplicated rows, and as values the decision never used.
        f"WHERE sh.marking IN ({', '.join(repr(m) for m in COUNTING)}) "
        f"ORDER BY ca.numero, se.code, b.position, sh.part, c.position"
    )
    schema = {
        "candidat": pl.String, "session": pl.String, "bloc": pl.String, "partie": pl.String, "critere": pl.String,
        "kind": pl.String, "value": pl.Int64, "evaluateur": pl.String,
    }  # fmt: skip
    frame = fetch_frame(sql, [], schema)
    valeur = stored_as_text(pl.col("value"), pl.col("kind"))
    return frame.with_columns(valeur.alias("valeur"), pl.col("evaluateur").fill_null("")).select(
        "candidat", "session", "bloc", "partie", "critere", "valeur", "evaluateur"
    )


def results_frame() -> pl.DataFrame:
    header = presenting.csv_header(population_referentials())
    rows = [
        presenting.csv_row(header, numero, decision)
        for numero, decision in official_results(iter_results())
    ]
    return pl.DataFrame(rows, schema={name: pl.String for name in header}, orient="row")


# What XML 1.0 cannot hold, hence no XLSX cell (openpyxl raises on it): C0 but TAB, LF, CR.
_NOT_IN_XML = "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]"


def _refuse_what_xml_cannot_hold(frame: pl.DataFrame) -> None:
    """A value stored before text fields refused control characters would make openpyxl raise
    mid-file (a 500 for the person exporting): name it instead, as an import would."""
    problems: list[Problem] = []
    total = 0
    numbered = frame.with_row_index(LINE, offset=2)
    for column in frame.columns:
        if frame.schema[column] not in (pl.String, pl.Categorical):
            continue
        text = pl.col(column).cast(pl.String)
        found = numbered.select(LINE, text).filter(text.str.contains(_NOT_IN_XML))
        total += found.height
        for line, value in found.head(MAX_REPORTED).iter_rows():
            character = next(c for c in value if ord(c) < 0x20 and c not in "\t\n\r")
            problems.append(
                Problem(
                    line,
                    column,
                    quoted(value),
                    f"caractère de contrôle {code_point(character)} : un classeur XLSX ne peut "
                    "pas le contenir ; corrigez la fiche, ou exportez en CSV",
                )
            )
    if problems:
        problems.sort(key=lambda problem: (problem.line or 0, problem.column or ""))
        raise FileRejected(problems[:MAX_REPORTED], total)


def write_frame(frame: pl.DataFrame, path: Path) -> None:
    """``frame`` as a CSV (UTF-8 with BOM, « ; ») or XLSX file, safe to open in a spreadsheet:
    a text a spreadsheet would take for a formula (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``)
    is written with a leading apostrophe (``certif.imports.cells``), which Certif's importers
    take off again; in XLSX every text is moreover an explicit text cell, never a formula."""
    frame = neutralise_frame(frame)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("wb") as handle:
            handle.write(BOM)
            frame.write_csv(handle, separator=";")
    elif suffix == ".xlsx":
        if frame.height > XLSX_MAX_ROWS:
            raise FileRejected(
                [
                    Problem(
                        None,
                        None,
                        None,
                        f"{frame.height} lignes : trop pour un classeur XLSX ({XLSX_MAX_ROWS} au plus), exportez en CSV",
                    )
                ]
            )
        _refuse_what_xml_cannot_hold(frame)
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(
                [xlsx_text_cell(sheet, value) if isinstance(value, str) else value for value in row]
            )
        workbook.save(path)
    else:
        raise FileRejected(
            [Problem(None, None, None, f"format non reconnu « {suffix} » : attendu .csv ou .xlsx")]
        )


def export(kind: str, path: str | Path, reporter: Reporter | None = None) -> int:
    report = reporter or Silent()
    report.phase("Lecture de la base")
    frame = {"candidates": candidates_frame, "scores": scores_frame, "results": results_frame}[
        kind
    ]()
    report.phase("Écriture du fichier", frame.height)
    write_frame(frame, Path(path))
    report.advance(frame.height)
    return frame.height
