"""``certif import scores``: scores in long format, checked as a whole, written all at once.

The file is checked set-wise, never with a Python loop per row: each distinct
(block, part, criterion) and each distinct (criterion, value) is resolved once in a
small table, then joined back to the millions of rows by integer keys. On any error
nothing is written. Otherwise, in one transaction: unknown sessions are created,
sheets, enrolments and scores inserted in bulk, replaced scores updated with their
history, and every candidate concerned gets their decision recomputed — for a large
import in worker processes (one per core), while this one writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from certif.accounts.models import ConflictOfInterest
from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.bulk import fetch_frame, insert_frame, refresh_statistics, stored_datetime
from certif.core.progress import Reporter, Silent
from certif.core.roles import Role
from certif.domain.codes import CODE_PATTERN, CODE_RULE
from certif.domain.numbers import format_quantity
from certif.domain.referential.schema import CriterionKind
from certif.domain.values import INTEGER_PATTERN, POINTS_PATTERN, YES_NO_WORDS
from certif.grading.models import COUNTING, Marking, Score, ScoreChange, ScoreSheet, SheetStatus
from certif.imports import actions, checks, staging
from certif.imports.acquired import leave_out_validated
from certif.imports.columns import SCORE_COLUMNS, SCORE_OPTIONAL
from certif.imports.guard import file_sha256, importing
from certif.imports.models import ImportBatch
from certif.imports.reading import LINE, FileRejected, Problem, read_file
from certif.imports.stored import stored_as_text
from certif.imports.written import record_candidates
from certif.referential.models import Block, Criterion, Part, ReferentialVersion
from certif.referential.services import current_version
from certif.results import batch
from certif.results.models import CandidateResult
from certif.results.services import engines, fetch_rows, store
from certif.sessions.models import Enrolment, ExamSession

REQUIRED = SCORE_COLUMNS
OPTIONAL = SCORE_OPTIONAL
# Few distinct values over many rows: stored as categories.
REPEATED = ("session", "bloc", "partie", "critere", "valeur", "evaluateur")
UNIT = ["version_id", "bloc", "partie", "critere"]
SHEET = ["candidate_id", "session_id", "block_id", "part_code"]
# Above this many candidates to decide, worker processes decide while this one writes (each
# at least this many), at most MAX_WORKERS of them.
WORKER_THRESHOLD = 5000
MAX_WORKERS = 4
# From this many new scores, the query planner is told the tables grew.
BIG_IMPORT = 50_000


@dataclass
class ScoresReport:
    rows: int = 0
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    sheets_created: int = 0
    sessions_created: list[str] = field(default_factory=list)
    candidates_recomputed: int = 0
    batch_id: int | None = None
    # Candidates whose rows were left out: their block already validated, no new sheet.
    left_out: list[str] = field(default_factory=list)
    rows_left_out: int = 0
    encoding: str | None = None  # of the file read (« UTF-8 », « Windows-1252 », « XLSX »…)

    def lines(self) -> list[str]:
        lines = [f"Session créée : {code}" for code in self.sessions_created]
        lines.append(
            f"{self.rows} ligne(s) : {self.created} note(s) créée(s), {self.replaced} remplacée(s), "
            f"{self.unchanged} inchangée(s) ; {self.sheets_created} feuille(s) créée(s)"
        )
        lines.append(f"Résultats recalculés pour {self.candidates_recomputed} candidat(s)")
        if self.left_out:
            lines.append(
                f"{self.rows_left_out} ligne(s) laissée(s) de côté, bloc déjà validé : "
                + ", ".join(self.left_out[:20])
                + (" …" if len(self.left_out) > 20 else "")
            )
        if self.encoding is not None:
            lines.append(f"Fichier lu en {self.encoding}")
        return lines


# -- the référentiel as small tables ---------------------------------------------------------


@dataclass(frozen=True)
class _Catalog:
    blocks: pl.DataFrame
    parts: pl.DataFrame
    criteria: pl.DataFrame


def _catalog(version_ids: list[int]) -> _Catalog:
    parts = pl.DataFrame(
        list(
            Part.objects.filter(block__version_id__in=version_ids).values_list("block_id", "code")
        ),
        schema={"block_id": pl.Int64, "part_code": pl.String},
        orient="row",
    )
    part_lists = parts.group_by("block_id").agg(
        pl.col("part_code").sort().str.join(", ").alias("part_list")
    )
    blocks = (
        pl.DataFrame(
            list(
                Block.objects.filter(version_id__in=version_ids).values_list(
                    "version_id", "id", "code"
                )
            ),
            schema={"version_id": pl.Int64, "block_id": pl.Int64, "block_code": pl.String},
            orient="row",
        )
        .join(part_lists, on="block_id", how="left")
        .with_columns(
            pl.col("block_code").str.to_lowercase().alias("bloc_key"),
            pl.col("part_list").is_not_null().alias("has_parts"),
        )
    )
    rows = Criterion.objects.filter(block__version_id__in=version_ids).values_list(
        "block__version_id", "id", "code", "block_id", "block__code", "kind", "max_points"
    )
    criteria = pl.DataFrame(
        [
            (version, pk, code, block_id, block_code, kind,
             int(maximum * 100) if maximum is not None else None,
             format_quantity(maximum) if maximum is not None else "")
            for version, pk, code, block_id, block_code, kind, maximum in rows
        ],
        schema={
            "version_id": pl.Int64, "criterion_id": pl.Int64, "criterion_code": pl.String,
            "criterion_block_id": pl.Int64, "criterion_block_code": pl.String, "kind": pl.String,
            "max_stored": pl.Int64, "max_text": pl.String,
        },
        orient="row",
    ).with_columns(pl.col("criterion_code").str.to_lowercase().alias("critere_key"))  # fmt: skip
    parts = parts.with_columns(pl.col("part_code").str.to_lowercase().alias("partie_key"))
    return _Catalog(blocks, parts, criteria)


# -- checks, each on the distinct values, then joined back to the rows ------------------------


def _errors_at(frame: pl.DataFrame, found: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """The rows of ``frame`` whose key has an error in ``found`` (key, column, message)."""
    if found.is_empty():
        return checks.no_errors()
    hits = frame.select(LINE, *{*key, "bloc", "partie", "critere", "valeur"}).join(
        found, on=key, how="inner"
    )
    quoted = pl.coalesce(
        pl.when(pl.col("column") == name).then(pl.col(name).cast(pl.String))
        for name in ("bloc", "partie", "critere", "valeur")
    )
    return hits.select(
        pl.col(LINE).alias("line"), pl.col("column"), quoted.alias("value"), pl.col("message")
    )


def _resolve_candidates(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    numeros = frame["candidat"].unique().to_list()
    candidates = Candidate.objects.all()
    if len(numeros) < 5000:
        candidates = candidates.filter(numero__in=numeros)
    known = pl.DataFrame(
        list(candidates.values_list("numero", "id")),
        schema={"candidat": pl.String, "candidate_id": pl.Int64},
        orient="row",
    )
    frame = checks.attach(frame, known, "candidat")
    unknown = checks.errors_where(
        frame,
        (pl.col("candidat") != "") & pl.col("candidate_id").is_null(),
        "candidat",
        "candidat inconnu",
    )
    return frame, unknown


UNKNOWN_SESSION = (
    "session inconnue : créez-la d'abord (page « Sessions »), ou autorisez l'import à créer les "
    "sessions qu'il nomme"
)


def _resolve_sessions(
    frame: pl.DataFrame, create_sessions: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each session's id, version and date. An unknown code is refused — a typo (« 2027-21 »)
    must not become a session without dates — unless the import is told to create the sessions
    it names, on the version in force."""
    known = pl.DataFrame(
        list(ExamSession.objects.values_list("code", "id", "referential_version_id", "start_date")),
        schema={
            "code": pl.String,
            "session_id": pl.Int64,
            "version_id": pl.Int64,
            "session_date": pl.Date,
        },
        orient="row",
    )
    sessions = (
        frame.select("session")
        .unique()
        .with_columns(pl.col("session").cast(pl.String).alias("code"))
    )
    sessions = sessions.join(known, on="code", how="left")
    unknown = sessions.filter(pl.col("session_id").is_null() & (pl.col("code") != ""))
    if unknown.height and not create_sessions:
        frame = checks.attach(frame, sessions.drop("code"), "session")
        refused = checks.errors_where(
            frame.join(unknown.select("session"), on="session", how="semi"),
            pl.lit(True),
            "session",
            UNKNOWN_SESSION,
        )
        return frame, refused
    if unknown.height:
        version = current_version()
        if version is None:
            raise FileRejected(
                [
                    Problem(
                        None, "session", None, "aucun référentiel chargé : lancez « certif init »"
                    )
                ]
            )
        sessions = sessions.with_columns(pl.col("version_id").fill_null(version.pk))
    # A session the import would create gets a code people and programs can address.
    not_addressable = sessions.filter(
        pl.col("session_id").is_null()
        & (pl.col("code") != "")
        & ~pl.col("code").str.contains(CODE_PATTERN)
    )
    frame = checks.attach(frame, sessions.drop("code"), "session")
    errors = checks.errors_where(
        frame.join(not_addressable.select("session"), on="session", how="semi"),
        pl.lit(True),
        "session",
        f"code de session non admis : {CODE_RULE}",
    )
    return frame, errors


def _resolve_units(frame: pl.DataFrame, catalog: _Catalog) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each distinct (version, bloc, partie, critere): block, part, criterion, or what is wrong."""
    units = (
        frame.select(UNIT)
        .unique()
        .filter(pl.col("version_id").is_not_null())
        .with_columns(
            pl.col("bloc").cast(pl.String).str.to_lowercase().alias("bloc_key"),
            pl.col("partie").cast(pl.String).str.to_lowercase().alias("partie_key"),
            pl.col("critere").cast(pl.String).str.to_lowercase().alias("critere_key"),
        )
        .join(catalog.blocks, on=["version_id", "bloc_key"], how="left")
        .join(catalog.criteria, on=["version_id", "critere_key"], how="left")
        .join(catalog.parts, on=["block_id", "partie_key"], how="left")
    )
    block_list = ", ".join(sorted(catalog.blocks["block_code"].unique().to_list()))
    block_known = pl.col("block_id").is_not_null()
    criterion_found = pl.col("criterion_id").is_not_null()
    bloc, partie, critere = (pl.col(c).cast(pl.String) for c in ("bloc", "partie", "critere"))
    problems = [
        ("bloc", (bloc != "") & ~block_known, pl.lit(f"bloc inconnu (blocs : {block_list})")),
        ("critere", (critere != "") & ~criterion_found & block_known,
         pl.format("critère inconnu du bloc {}", pl.col("block_code"))),
        ("critere", block_known & criterion_found & (pl.col("criterion_block_id") != pl.col("block_id")),
         pl.format("le critère {} appartient au bloc {}, pas au bloc {}", pl.col("criterion_code"),
                   pl.col("criterion_block_code"), pl.col("block_code"))),
        ("partie", block_known & ~pl.col("has_parts") & (partie != ""),
         pl.format("le bloc {} n'a pas de parties : laissez la colonne vide", pl.col("block_code"))),
        ("partie", block_known & pl.col("has_parts") & (partie == ""),
         pl.format("partie obligatoire pour le bloc {} ({})", pl.col("block_code"), pl.col("part_list"))),
        ("partie", block_known & pl.col("has_parts") & (partie != "") & pl.col("part_code").is_null(),
         pl.format("partie inconnue pour le bloc {} ({})", pl.col("block_code"), pl.col("part_list"))),
    ]  # fmt: skip
    found = pl.concat(
        [
            units.filter(condition).select(
                *UNIT, pl.lit(column).alias("column"), message.alias("message")
            )
            for column, condition, message in problems
        ]
    )
    usable = units.join(found.select(UNIT).unique(), on=UNIT, how="anti").filter(
        block_known & criterion_found & (bloc != "") & (critere != "")
    )
    resolved = usable.select(
        *UNIT,
        "block_id",
        pl.col("part_code").fill_null("").cast(pl.Categorical),
        "criterion_id",
        pl.col("kind").cast(pl.Categorical),
    )
    return checks.attach(frame, resolved, UNIT), _errors_at(frame, found, UNIT)


def _parse_values(frame: pl.DataFrame, catalog: _Catalog) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each distinct (criterion, value) parsed once: its stored form, or why it is refused."""
    pairs = (
        frame.select("criterion_id", "valeur")
        .filter(pl.col("criterion_id").is_not_null())
        .unique()
        .join(
            catalog.criteria.select(
                "criterion_id", "criterion_code", "kind", "max_stored", "max_text"
            ),
            on="criterion_id",
        )
    )
    text = pl.col("valeur").cast(pl.String)
    points = text.str.replace(",", ".", literal=True)
    whole = points.str.extract(r"^([0-9]{1,7})(?:\.|$)", 1).cast(pl.Int64, strict=False)
    hundredths = (
        points.str.extract(r"\.([0-9]{0,2})$", 1)
        .fill_null("")
        .str.pad_end(2, "0")
        .cast(pl.Int64, strict=False)
    )
    is_points = pl.col("kind") == CriterionKind.POINTS.value
    is_yes_no = pl.col("kind") == CriterionKind.YES_NO.value
    is_integer = pl.col("kind") == CriterionKind.INTEGER.value
    yes_no = text.str.to_lowercase().replace_strict(
        {word: int(answer) for word, answer in YES_NO_WORDS.items()},
        default=None,
        return_dtype=pl.Int64,
    )
    pairs = pairs.with_columns(
        pl.when(is_points & text.str.contains(POINTS_PATTERN))
        .then(whole * 100 + hundredths)
        .when(is_yes_no)
        .then(yes_no)
        .when(is_integer & text.str.contains(INTEGER_PATTERN))
        .then(text.cast(pl.Int64, strict=False))
        .otherwise(None)
        .alias("stored")
    )
    given = text != ""
    too_precise = text.str.contains(r"^[0-9]+[.,][0-9]{3,}$")
    problems = [
        (given & is_points & too_precise, pl.lit("plus de deux décimales")),
        (given & is_points & ~too_precise & pl.col("stored").is_null(),
         pl.format("n'est pas un nombre de points (exemples : 2 ; 2,5 ; 2.75) pour {}", pl.col("criterion_code"))),
        (given & is_points & (pl.col("stored") > pl.col("max_stored")),
         pl.format("hors barème : {} vaut au plus {} point(s)", pl.col("criterion_code"), pl.col("max_text"))),
        (given & is_yes_no & pl.col("stored").is_null(),
         pl.format("attendu « oui » ou « non » pour {}", pl.col("criterion_code"))),
        (given & is_integer & pl.col("stored").is_null(),
         pl.format("attendu un nombre entier pour {}", pl.col("criterion_code"))),
    ]  # fmt: skip
    found = pl.concat(
        [
            pairs.filter(condition).select(
                "criterion_id", "valeur", pl.lit("valeur").alias("column"), message.alias("message")
            )
            for condition, message in problems
        ]
    )
    accepted = pairs.join(found, on=["criterion_id", "valeur"], how="anti").filter(given)
    frame = checks.attach(
        frame, accepted.select("criterion_id", "valeur", "stored"), ["criterion_id", "valeur"]
    )
    return frame, _errors_at(frame, found, ["criterion_id", "valeur"])


def _evaluator_table(names: list[str]) -> pl.DataFrame:
    """(evaluateur, evaluator_id, is_evaluator) of the accounts the file names. The role is
    the evaluator group itself: an administrator's every-role does not make them the author of
    a sheet."""
    evaluators = set(
        get_user_model()
        .objects.filter(username__in=names, groups__name=Role.EVALUATOR.value)
        .values_list("pk", flat=True)
    )
    return pl.DataFrame(
        [
            (username, pk, pk in evaluators)
            for username, pk in get_user_model()
            .objects.filter(username__in=names)
            .values_list("username", "id")
        ],
        schema={"evaluateur": pl.String, "evaluator_id": pl.Int64, "is_evaluator": pl.Boolean},
        orient="row",
    ).with_columns(pl.col("evaluateur").cast(pl.Categorical))


def _links(frame: pl.DataFrame) -> pl.DataFrame:
    """(evaluator_id, candidate_id, linked) of every declared link between the accounts and the
    candidates the file names."""
    evaluator_ids = [i for i in frame["evaluator_id"].unique().to_list() if i is not None]
    candidate_ids = [i for i in frame["candidate_id"].unique().to_list() if i is not None]
    pairs = (
        ConflictOfInterest.objects.filter(
            user_id__in=evaluator_ids, candidate_id__in=candidate_ids
        ).values_list("user_id", "candidate_id")
        if evaluator_ids and candidate_ids
        else []
    )
    return pl.DataFrame(
        [(user_id, candidate_id, True) for user_id, candidate_id in pairs],
        schema={"evaluator_id": pl.Int64, "candidate_id": pl.Int64, "linked": pl.Boolean},
        orient="row",
    )


def _resolve_evaluators(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``evaluateur`` column names an account with the evaluator role, free of any declared
    link with the row's candidate: the sheet it names is theirs."""
    names = [n for n in frame["evaluateur"].cast(pl.String).unique().to_list() if n]
    frame = checks.attach(frame, _evaluator_table(names), "evaluateur")
    frame = checks.attach(frame, _links(frame), ["evaluator_id", "candidate_id"])
    named = pl.col("evaluateur") != ""
    errors = pl.concat(
        [
            checks.errors_where(
                frame, named & pl.col("evaluator_id").is_null(), "evaluateur", "évaluateur inconnu"
            ),
            checks.errors_where(
                frame,
                named & pl.col("evaluator_id").is_not_null() & ~pl.col("is_evaluator"),
                "evaluateur",
                "ce compte n'a pas le rôle d'évaluateur",
            ),
            checks.errors_where(
                frame,
                named & pl.col("is_evaluator") & pl.col("linked").fill_null(False),
                "evaluateur",
                "un lien d'intérêt est déclaré entre cet évaluateur et le candidat",
            ),
        ]
    )
    return frame.drop("is_evaluator", "linked"), errors


def _duplicates(frame: pl.DataFrame) -> pl.DataFrame:
    key = ["candidate_id", "session", "block_id", "part_code", "criterion_id"]
    # A 64-bit hash per row finds the few possible repeats cheaply; the exact comparison
    # then runs on those rows only (a hash collision is never reported as a repeat).
    hashed = frame.select(pl.struct(key).hash().alias("_hash"))
    maybe = (
        frame.filter(hashed["_hash"].is_duplicated()).select(LINE, "critere", *key).drop_nulls(key)
    )
    repeated = maybe.filter(maybe.select(key).is_duplicated())
    return checks.duplicates(repeated, key, "critere", "note")


def _existing(frame: pl.DataFrame) -> pl.DataFrame:
    """Join the sheets and scores already stored for the file's sessions (none on a first import)."""
    session_ids = [s for s in frame["session_id"].unique().to_list() if s is not None]
    sheet_schema = {
        "sheet_id": pl.Int64, "candidate_id": pl.Int64, "session_id": pl.Int64, "block_id": pl.Int64,
        "part_code": pl.String,
    }  # fmt: skip
    score_schema = {
        "sheet_id": pl.Int64,
        "criterion_id": pl.Int64,
        "score_id": pl.Int64,
        "existing": pl.Int64,
    }
    sheets = pl.DataFrame(schema=sheet_schema)
    scores = pl.DataFrame(schema=score_schema)
    if session_ids and ScoreSheet.objects.filter(session_id__in=session_ids).exists():
        marks = ", ".join(["%s"] * len(session_ids))
        counting = ", ".join(f"'{m}'" for m in COUNTING)
        sheets = fetch_frame(
            f"SELECT id, candidate_id, session_id, block_id, part FROM {ScoreSheet._meta.db_table} "
            f"WHERE session_id IN ({marks}) AND marking IN ({counting})",
            session_ids,
            sheet_schema,
        )
        scores = fetch_frame(
            f"SELECT sc.sheet_id, sc.criterion_id, sc.id, sc.value FROM {Score._meta.db_table} sc "
            f"JOIN {ScoreSheet._meta.db_table} sh ON sh.id = sc.sheet_id "
            f"WHERE sh.session_id IN ({marks}) AND sh.marking IN ({counting})",
            session_ids,
            score_schema,
        )
    sheets = sheets.with_columns(pl.col("part_code").cast(pl.Categorical))
    frame = checks.attach(frame, sheets, SHEET)
    return checks.attach(frame, scores, ["sheet_id", "criterion_id"])


def rows_frame(rows: Sequence[Mapping[str, str | None]]) -> pl.DataFrame:
    """Rows given as values (the API's) as ``read_table`` gives a file's: every column as text,
    stripped, repeated values as categories, each row numbered from 0 in ``__line``."""
    columns = [*REQUIRED, *OPTIONAL]
    data = {c: [(row.get(c) or "").strip() for row in rows] for c in columns}
    frame = pl.DataFrame(data, schema={c: pl.String for c in columns})
    return frame.with_columns(
        *(pl.col(c).cast(pl.Categorical) for c in REPEATED),
        pl.int_range(0, pl.len(), dtype=pl.Int64).alias(LINE),
    )


def check_scores_frame(
    frame: pl.DataFrame,
    replace: bool = False,
    reporter: Reporter | None = None,
    *,
    create_sessions: bool = False,
) -> pl.DataFrame:
    """Check rows as ``read_table`` gives them (text cells, ``__line``), from a file or not;
    return the resolved rows, or raise ``FileRejected``."""
    report = reporter or Silent()
    checks.check_columns(frame, REQUIRED, OPTIONAL)
    checks.refuse_forbidden_characters(frame, [c for c in frame.columns if c != LINE])
    frame = checks.with_optional_columns(frame, OPTIONAL).with_columns(
        pl.col("evaluateur").cast(pl.Categorical)
    )
    report.phase("Vérification", frame.height)
    errors = checks.required_values(frame, ["candidat", "session", "bloc", "critere", "valeur"])
    frame, unknown_candidates = _resolve_candidates(frame)
    frame, session_errors = _resolve_sessions(frame, create_sessions)
    version_ids = [v for v in frame["version_id"].unique().to_list() if v is not None]
    catalog = _catalog(version_ids)
    frame, unit_errors = _resolve_units(frame, catalog)
    frame, value_errors = _parse_values(frame, catalog)
    frame, evaluator_errors = _resolve_evaluators(frame)
    errors += [
        unknown_candidates,
        session_errors,
        unit_errors,
        value_errors,
        evaluator_errors,
        _duplicates(frame),
    ]
    checks.raise_if_any(errors)
    frame = _existing(
        frame.select(
            LINE,
            "candidate_id",
            "session",
            "session_id",
            "version_id",
            "session_date",
            "block_id",
            "part_code",
            "criterion_id",
            "kind",
            "valeur",
            "stored",
            "evaluator_id",
        )
    )
    if not replace:
        conflicts = frame.filter(
            pl.col("existing").is_not_null() & (pl.col("existing") != pl.col("stored"))
        )
        if conflicts.height:
            conflicts = conflicts.join(
                catalog.criteria.select("criterion_id", "criterion_code"), on="criterion_id"
            )
            checks.raise_if_any(
                [
                    checks.errors_where(
                        conflicts,
                        pl.lit(True),
                        "valeur",
                        pl.format(
                            "une autre valeur est déjà enregistrée pour {} : « {} » (utilisez --replace pour la remplacer)",
                            pl.col("criterion_code"),
                            stored_as_text(pl.col("existing"), pl.col("kind")),
                        ),
                    )
                ]
            )
    report.advance(frame.height)
    # The text of the values and the line numbers serve the messages only: not kept while
    # millions of rows are written.
    return frame.drop("valeur", LINE)


# -- decisions ---------------------------------------------------------------------------------


def _decision_rows(frame: pl.DataFrame, changed: pl.DataFrame, touched: list[int]) -> pl.LazyFrame:
    """Every value of the candidates concerned once the import is written: the stored ones
    (read before writing) with the file's new and replaced values in their place."""
    catalog = pl.DataFrame(
        list(
            Criterion.objects.filter(pk__in=frame["criterion_id"].unique().to_list()).values_list(
                "id", "code", "block__code"
            )
        ),
        schema={"criterion_id": pl.Int64, "criterion": pl.String, "block": pl.String},
        orient="row",
    ).with_columns(pl.col("criterion", "block").cast(pl.Categorical))
    # Sheets not yet stored get provisional negative numbers, one per (candidate, session, unit).
    # (The session may not exist yet either: its code stands for it.)
    unit = ["candidate_id", "session", "block_id", "part_code"]
    # Lazy: written to the decision worker's file as a stream, never whole in this process.
    new_sheets = (
        changed.lazy()
        .filter(pl.col("sheet_id").is_null())
        .select(unit)
        .unique(maintain_order=True)
        .with_row_index("provisional")
    )
    incoming = (
        changed.lazy()
        .select(*unit, "sheet_id", "session_date", "version_id", "criterion_id", "kind", "stored")
        .join(catalog.lazy(), on="criterion_id")
        .join(new_sheets, on=unit, how="left")
        .select(
            "candidate_id",
            pl.coalesce("sheet_id", -(pl.col("provisional").cast(pl.Int64) + 1)).alias("sheet_id"),
            "session",
            "session_date",
            "version_id",
            "block",
            pl.col("part_code").alias("part"),
            "criterion",
            "kind",
            "stored",
        )
    )
    text = ["session", "block", "part", "criterion", "kind"]
    stored = fetch_rows(touched).with_columns(pl.col(text).cast(pl.Categorical))
    if stored.is_empty():
        return incoming
    kept = stored.lazy().join(
        incoming.select("sheet_id", "criterion"), on=["sheet_id", "criterion"], how="anti"
    )
    return pl.concat([kept, incoming])


class _Decisions:
    """Decide the touched candidates: in worker processes for many (they decide while this
    process writes, each a share of the candidates), here for a few."""

    def __init__(self, rows: pl.LazyFrame, touched: list[int]) -> None:
        self.touched, self.today = touched, date.today()
        self._workers: list[tuple[Path, subprocess.Popen[bytes]]] = []
        # Collected only to decide here: for workers they stream to their jobs' files, and this
        # process writes millions of scores without holding them.
        self._rows: pl.DataFrame | None = None
        if len(touched) < WORKER_THRESHOLD:
            self._rows = rows.collect()
            return
        self._folder = tempfile.TemporaryDirectory(prefix="certif-decide-")
        documents = {
            pk: version.document for pk, version in ReferentialVersion.objects.in_bulk().items()
        }
        default = engines().default
        for index, share in enumerate(_shares(touched)):
            folder = Path(self._folder.name) / str(index)
            folder.mkdir()
            in_share = pl.col("candidate_id").is_between(share[0], share[-1])
            batch.write_job(folder, rows.filter(in_share), share, documents, default, self.today)
            worker = subprocess.Popen(
                [sys.executable, "-m", "certif.results.batch", str(folder)],
                stderr=subprocess.PIPE,
            )
            self._workers.append((folder, worker))

    def result(self) -> list[batch.Decided]:
        if not self._workers:
            assert self._rows is not None
            return batch.decide(batch.rows_of(self._rows), self.touched, engines(), self.today)
        decided: list[batch.Decided] = []
        for folder, worker in self._workers:
            _, stderr = worker.communicate()
            if worker.returncode != 0:
                raise RuntimeError(
                    f"le calcul des décisions a échoué : {stderr.decode(errors='replace')[-2000:]}"
                )
            decided += batch.read_decisions(folder)
        return decided

    def close(self) -> None:
        if not self._workers:
            return
        for _, worker in self._workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        self._folder.cleanup()
        self._workers = []


def _shares(touched: list[int]) -> list[list[int]]:
    """The candidates (sorted) in contiguous shares, one per worker: as many workers as the
    machine has cores, up to MAX_WORKERS, each with at least WORKER_THRESHOLD candidates. Once
    this process has written, the workers decide on every core."""
    count = max(1, min(MAX_WORKERS, os.cpu_count() or 1, len(touched) // WORKER_THRESHOLD))
    # Sizes differing by one at most: none falls below the threshold the count was set by.
    size, larger = divmod(len(touched), count)
    shares: list[list[int]] = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < larger else 0)
        shares.append(touched[start:end])
        start = end
    return [share for share in shares if share]


# -- writing -----------------------------------------------------------------------------------


def _create_sessions(frame: pl.DataFrame, batch_id: int) -> tuple[pl.DataFrame, list[str]]:
    missing = (
        frame.filter(pl.col("session_id").is_null())
        .select(pl.col("session").cast(pl.String), "version_id")
        .unique()
    )
    created = [
        ExamSession.objects.create(code=code, referential_version_id=version_id, batch_id=batch_id)
        for code, version_id in missing.sort("session").iter_rows()
    ]
    if not created:
        return frame, []
    ids = pl.DataFrame(
        [(s.code, s.pk) for s in created],
        schema={"code": pl.String, "new_session_id": pl.Int64},
        orient="row",
    ).with_columns(pl.col("code").cast(pl.Categorical).alias("session"))
    frame = frame.join(ids.drop("code"), on="session", how="left").with_columns(
        pl.coalesce("session_id", "new_session_id").alias("session_id")
    )
    return frame.drop("new_session_id"), [s.code for s in created]


def _create_sheets(
    frame: pl.DataFrame, now: str, report: Reporter, batch_id: int | None = None
) -> tuple[pl.DataFrame, int]:
    new_sheets = (
        frame.filter(pl.col("sheet_id").is_null())
        .group_by(SHEET)
        .agg(pl.col("evaluator_id").drop_nulls().first())
        .sort(SHEET)  # index order: appending to a B-tree costs far less than inserting at random
    )
    if new_sheets.is_empty():
        return frame, 0
    insert_frame(
        ScoreSheet._meta.db_table,
        new_sheets.select(
            "candidate_id",
            "session_id",
            "block_id",
            pl.col("part_code").cast(pl.String).alias("part"),
            "evaluator_id",
            pl.lit(SheetStatus.SUBMITTED.value).alias("status"),
            pl.lit(Marking.SINGLE.value).alias("marking"),
            pl.lit(1).alias("revision"),
            pl.lit(now).alias("created_at"),
            pl.lit(now).alias("updated_at"),
            pl.lit(now).alias("submitted_at"),
            pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),  # what its revert removes
        ),
        progress=report.advance,
        defer=True,
    )
    session_ids = new_sheets["session_id"].unique().to_list()
    marks = ", ".join(["%s"] * len(session_ids))
    stored = fetch_frame(
        f"SELECT id, candidate_id, session_id, block_id, part FROM {ScoreSheet._meta.db_table} "
        f"WHERE session_id IN ({marks}) AND marking = '{Marking.SINGLE.value}'",
        session_ids,
        {
            "new_sheet_id": pl.Int64,
            "candidate_id": pl.Int64,
            "session_id": pl.Int64,
            "block_id": pl.Int64,
            "part_code": pl.String,
        },
    ).with_columns(pl.col("part_code").cast(pl.Categorical))
    frame = (
        checks.attach(frame, stored, SHEET)
        .with_columns(pl.coalesce("sheet_id", "new_sheet_id").alias("sheet_id"))
        .drop("new_sheet_id")
    )
    _create_enrolments(new_sheets, now, report, batch_id)
    return frame, new_sheets.height


def _create_enrolments(
    sheets: pl.DataFrame, now: str, report: Reporter, batch_id: int | None = None
) -> None:
    session_ids = sheets["session_id"].unique().to_list()
    marks = ", ".join(["%s"] * len(session_ids))
    existing = fetch_frame(
        f"SELECT candidate_id, session_id, block_id, part FROM {Enrolment._meta.db_table} WHERE session_id IN ({marks})",
        session_ids,
        {
            "candidate_id": pl.Int64,
            "session_id": pl.Int64,
            "block_id": pl.Int64,
            "part_code": pl.String,
        },
    ).with_columns(pl.col("part_code").cast(pl.Categorical))
    missing = sheets.select(SHEET).join(existing, on=SHEET, how="anti")
    insert_frame(
        Enrolment._meta.db_table,
        missing.select(
            "candidate_id",
            "session_id",
            "block_id",
            pl.col("part_code").cast(pl.String).alias("part"),
            pl.lit(now).alias("created_at"),
            pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),  # what its revert removes
        ),
        progress=report.advance,
        defer=True,
    )


def _replace_scores(changed: pl.DataFrame, batch_id: int, actor_id: int | None, now: str) -> None:
    staging.update_scores(changed, batch_id)
    sheet_ids = changed["sheet_id"].unique().to_list()
    for start in range(0, len(sheet_ids), 5000):
        ScoreSheet.objects.filter(pk__in=sheet_ids[start : start + 5000]).bump_revision()
    insert_frame(
        ScoreChange._meta.db_table,
        changed.select(
            "sheet_id",
            "criterion_id",
            pl.col("existing").alias("before"),
            pl.col("stored").alias("after"),
            pl.lit(actor_id, dtype=pl.Int64).alias("changed_by_id"),
            pl.lit(now).alias("changed_at"),
            pl.lit("import").alias("source"),
            pl.lit(batch_id).alias("batch_id"),
            pl.lit("").alias("reason"),
        ),
        defer=True,
    )


def import_scores(
    path: str | Path,
    *,
    replace: bool = False,
    create_sessions: bool = False,
    include_validated: bool = False,
    actor: Actor = None,
    reporter: Reporter | None = None,
) -> ScoresReport:
    report = reporter or Silent()
    file = Path(path)
    sha256 = file_sha256(file)
    with importing("scores", sha256):
        report.phase("Lecture du fichier")
        table = read_file(file, categorical=REPEATED)
        frame = check_scores_frame(
            table.frame, replace=replace, reporter=report, create_sessions=create_sessions
        )
        frame, left_out = leave_out_validated(frame, include_validated)
        result = _write_scores(frame, file.name, lambda: sha256, actor, report)
    result.encoding = table.encoding
    _tell_left_out(result, left_out)
    return result


def import_scores_frame(
    frame: pl.DataFrame,
    source_name: str,
    *,
    sha256: str,
    replace: bool = False,
    create_sessions: bool = False,
    include_validated: bool = False,
    actor: Actor = None,
    reporter: Reporter | None = None,
) -> ScoresReport:
    """The file importer's pipeline, all or nothing, for rows that come from no file (the
    API): ``frame`` as ``rows_frame`` builds it; ``source_name`` and ``sha256`` (of the rows as
    received) stand for the file's name and digest in the import's record."""
    report = reporter or Silent()
    with importing("scores", sha256):
        checked = check_scores_frame(
            frame, replace=replace, reporter=report, create_sessions=create_sessions
        )
        checked, left_out = leave_out_validated(checked, include_validated)
        result = _write_scores(checked, source_name, lambda: sha256, actor, report)
    return _tell_left_out(result, left_out)


def _tell_left_out(result: ScoresReport, left_out: pl.DataFrame) -> ScoresReport:
    if left_out.is_empty():
        return result
    ids = left_out["candidate_id"].unique().to_list()
    result.left_out = list(
        Candidate.objects.filter(pk__in=ids).order_by("numero").values_list("numero", flat=True)
    )
    result.rows_left_out = left_out.height
    result.rows += left_out.height
    return result


def _write_scores(
    frame: pl.DataFrame,
    source_name: str,
    digest: Callable[[], str],
    actor: Actor,
    report: Reporter,
) -> ScoresReport:
    result = ScoresReport(rows=frame.height)
    is_new = pl.col("score_id").is_null()
    is_changed = pl.col("score_id").is_not_null() & (pl.col("existing") != pl.col("stored"))
    # (A first import changes every row: no copy of millions of rows then.)
    changed = (
        frame
        if frame["score_id"].null_count() == frame.height
        else frame.filter(is_new | is_changed)
    )
    result.created = frame.filter(is_new).height
    result.replaced = changed.height - result.created
    result.unchanged = frame.height - changed.height
    if changed.is_empty():
        return result
    user = account_of(actor)
    now = stored_datetime(timezone.now())
    touched = changed["candidate_id"].unique().sort().to_list()
    with transaction.atomic():
        report.phase("Préparation des décisions", len(touched))
        decisions = _Decisions(_decision_rows(frame, changed, touched), touched)
        try:
            report.phase("Écriture des notes", result.created * 3 + result.replaced)
            batch_row = ImportBatch.objects.create(
                kind="scores", file_name=source_name, sha256=digest(), imported_by=user,
                rows=frame.height, created=result.created, updated=result.replaced, unchanged=result.unchanged,
            )  # fmt: skip
            result.batch_id = batch_row.pk
            frame, result.sessions_created = _create_sessions(frame, batch_row.pk)
            frame, result.sheets_created = _create_sheets(frame, now, report, batch_row.pk)
            insert_frame(
                Score._meta.db_table,
                (frame if result.created == frame.height else frame.filter(is_new))
                .select(
                    "sheet_id",
                    "criterion_id",
                    pl.col("stored").alias("value"),
                    pl.lit("").alias("comment"),
                    pl.lit(batch_row.pk).alias("batch_id"),
                )
                .sort("sheet_id", "criterion_id"),
                progress=report.advance,
                defer=True,
            )
            if result.replaced:
                _replace_scores(
                    frame.filter(is_changed), batch_row.pk, getattr(user, "pk", None), now
                )
            record_candidates(frame, batch_row.pk)  # the journal's entries, per candidate
            audit.record(
                actions.SCORES_IMPORTED,
                batch_row,
                actor=actor,
                after={
                    "file": source_name, "rows": frame.height, "created": result.created,
                    "replaced": result.replaced, "sessions_created": result.sessions_created,
                },
            )  # fmt: skip
            report.phase("Calcul des résultats", len(touched))
            decided = decisions.result()
        finally:
            decisions.close()
        store(decided)
        report.advance(len(decided))
        result.candidates_recomputed = len(decided)
        if result.created >= BIG_IMPORT:
            refresh_statistics(
                ScoreSheet._meta.db_table, Score._meta.db_table, Enrolment._meta.db_table,
                CandidateResult._meta.db_table,
            )  # fmt: skip
    return result
