"""``certif import scores``: scores in long format, checked as a whole, written all at once.

The file is checked set-wise (polars joins and expressions, no Python loop per row)
against the candidates, the sessions and the référentiel of each session. On any
error nothing is written. Otherwise, in one transaction: unknown sessions are
created, sheets, enrolments and scores inserted in bulk, replaced scores updated
with their history, and every candidate concerned gets their decision recomputed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import Actor
from certif.core.bulk import fetch_frame, insert_frame, stored_datetime
from certif.core.progress import Reporter, Silent
from certif.domain.numbers import format_quantity
from certif.domain.referential.schema import CriterionKind
from certif.domain.values import INTEGER_PATTERN, POINTS_PATTERN, YES_NO_WORDS
from certif.grading.models import ImportBatch, Score, ScoreChange, ScoreSheet, SheetStatus
from certif.imports import checks
from certif.imports.columns import SCORE_COLUMNS, SCORE_OPTIONAL
from certif.imports.reading import FileRejected, Problem, read_table
from certif.imports.stored import stored_as_text
from certif.referential.models import Block, Criterion, Part
from certif.referential.services import current_version
from certif.results.services import recompute
from certif.sessions.models import Enrolment, ExamSession

REQUIRED = SCORE_COLUMNS
OPTIONAL = SCORE_OPTIONAL
KEY = ["candidate_id", "session_code", "block_id", "part_code"]


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

    def lines(self) -> list[str]:
        lines = [f"Session créée : {code}" for code in self.sessions_created]
        lines.append(
            f"{self.rows} ligne(s) : {self.created} note(s) créée(s), {self.replaced} remplacée(s), "
            f"{self.unchanged} inchangée(s) ; {self.sheets_created} feuille(s) créée(s)"
        )
        lines.append(f"Résultats recalculés pour {self.candidates_recomputed} candidat(s)")
        return lines


# -- the référentiel as frames ---------------------------------------------------------------


def _catalog(version_ids: list[int]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    blocks = pl.DataFrame(
        list(
            Block.objects.filter(version_id__in=version_ids).values_list("version_id", "id", "code")
        ),
        schema={"version_id": pl.Int64, "block_id": pl.Int64, "block_code": pl.String},
        orient="row",
    )
    parts = pl.DataFrame(
        list(
            Part.objects.filter(block__version_id__in=version_ids).values_list("block_id", "code")
        ),
        schema={"block_id": pl.Int64, "part_code": pl.String},
        orient="row",
    )
    has_parts = parts.group_by("block_id").agg(
        pl.col("part_code").sort().str.join(", ").alias("part_list")
    )
    blocks = blocks.join(has_parts, on="block_id", how="left").with_columns(
        pl.col("block_code").str.to_lowercase().alias("bloc_key"),
        pl.col("part_list").is_not_null().alias("has_parts"),
    )
    criteria = pl.DataFrame(
        list(
            Criterion.objects.filter(block__version_id__in=version_ids).values_list(
                "block__version_id", "id", "code", "block_id", "block__code", "kind", "max_points"
            )
        ),
        schema={
            "version_id": pl.Int64,
            "criterion_id": pl.Int64,
            "criterion_code": pl.String,
            "criterion_block_id": pl.Int64,
            "criterion_block_code": pl.String,
            "kind": pl.String,
            "max_points": pl.Object,
        },
        orient="row",
    )
    criteria = criteria.with_columns(
        pl.Series(
            "max_stored",
            [int(m * 100) if m is not None else None for m in criteria["max_points"]],
            dtype=pl.Int64,
        ),
        pl.Series(
            "max_text",
            [format_quantity(m) if m is not None else "" for m in criteria["max_points"]],
            dtype=pl.String,
        ),
        pl.col("criterion_code").str.to_lowercase().alias("critere_key"),
    ).drop("max_points")
    parts = parts.with_columns(pl.col("part_code").str.to_lowercase().alias("partie_key"))
    return blocks, parts, criteria


# -- checks ----------------------------------------------------------------------------------


def _resolve_candidates(frame: pl.DataFrame) -> pl.DataFrame:
    numeros = frame["candidat"].unique().to_list()
    candidates = Candidate.objects.all()
    if len(numeros) < 5000:
        candidates = candidates.filter(numero__in=numeros)
    known = pl.DataFrame(
        list(candidates.values_list("numero", "id")),
        schema={"candidat": pl.String, "candidate_id": pl.Int64},
        orient="row",
    )
    return frame.join(known, on="candidat", how="left")


def _resolve_sessions(frame: pl.DataFrame) -> pl.DataFrame:
    """Known sessions bring their version; unknown ones will be created on the version in force."""
    known = pl.DataFrame(
        list(ExamSession.objects.values_list("code", "id", "referential_version_id")),
        schema={"session": pl.String, "session_id": pl.Int64, "version_id": pl.Int64},
        orient="row",
    )
    frame = frame.join(known, on="session", how="left")
    unknown = frame.filter(pl.col("session_id").is_null() & (pl.col("session") != ""))
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
        frame = frame.with_columns(pl.col("version_id").fill_null(version.pk))
    return frame


def _value_checks(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    value = pl.col("valeur")
    points = value.str.replace(",", ".", literal=True)
    whole = points.str.extract(r"^(\d{1,7})(?:\.|$)", 1).cast(pl.Int64, strict=False)
    hundredths = (
        points.str.extract(r"\.(\d{0,2})$", 1)
        .fill_null("")
        .str.pad_end(2, "0")
        .cast(pl.Int64, strict=False)
    )
    is_points = pl.col("kind") == CriterionKind.POINTS.value
    is_yes_no = pl.col("kind") == CriterionKind.YES_NO.value
    is_integer = pl.col("kind") == CriterionKind.INTEGER.value
    yes_no = value.str.to_lowercase().replace_strict(
        {word: int(answer) for word, answer in YES_NO_WORDS.items()},
        default=None,
        return_dtype=pl.Int64,
    )
    frame = frame.with_columns(
        pl.when(is_points & value.str.contains(POINTS_PATTERN))
        .then(whole * 100 + hundredths)
        .when(is_yes_no)
        .then(yes_no)
        .when(is_integer & value.str.contains(INTEGER_PATTERN) & (value.str.len_chars() <= 9))
        .then(value.cast(pl.Int64, strict=False))
        .otherwise(None)
        .alias("stored")
    )
    known = pl.col("criterion_id").is_not_null() & (value != "")
    too_precise = value.str.contains(r"^\d+[.,]\d{3,}$")
    errors = [
        checks.errors_where(
            frame, known & is_points & too_precise, "valeur", "plus de deux décimales"
        ),
        checks.errors_where(
            frame,
            known & is_points & ~too_precise & pl.col("stored").is_null(),
            "valeur",
            pl.format(
                "n'est pas un nombre de points (exemples : 2 ; 2,5 ; 2.75) pour {}",
                pl.col("criterion_code"),
            ),
        ),
        checks.errors_where(
            frame,
            known & is_points & (pl.col("stored") > pl.col("max_stored")),
            "valeur",
            pl.format(
                "hors barème : {} vaut au plus {} point(s)",
                pl.col("criterion_code"),
                pl.col("max_text"),
            ),
        ),
        checks.errors_where(
            frame,
            known & is_yes_no & pl.col("stored").is_null(),
            "valeur",
            pl.format("attendu « oui » ou « non » pour {}", pl.col("criterion_code")),
        ),
        checks.errors_where(
            frame,
            known & is_integer & pl.col("stored").is_null(),
            "valeur",
            pl.format("attendu un nombre entier pour {}", pl.col("criterion_code")),
        ),
    ]
    return frame, errors


def _reference_checks(
    frame: pl.DataFrame, blocks: pl.DataFrame, parts: pl.DataFrame, criteria: pl.DataFrame
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    frame = frame.with_columns(
        pl.col("bloc").str.to_lowercase().alias("bloc_key"),
        pl.col("partie").str.to_lowercase().alias("partie_key"),
        pl.col("critere").str.to_lowercase().alias("critere_key"),
    )
    frame = frame.join(blocks, on=["version_id", "bloc_key"], how="left")
    frame = frame.join(criteria, on=["version_id", "critere_key"], how="left")
    frame = frame.join(parts, on=["block_id", "partie_key"], how="left")
    block_list = ", ".join(sorted(blocks["block_code"].unique().to_list()))
    block_known = pl.col("block_id").is_not_null()
    criterion_found = pl.col("criterion_id").is_not_null()
    errors = [
        checks.errors_where(
            frame,
            (pl.col("bloc") != "") & ~block_known & pl.col("version_id").is_not_null(),
            "bloc",
            f"bloc inconnu (blocs : {block_list})",
        ),
        checks.errors_where(
            frame,
            (pl.col("critere") != "") & ~criterion_found & block_known,
            "critere",
            pl.format("critère inconnu du bloc {}", pl.col("block_code")),
        ),
        checks.errors_where(
            frame,
            block_known & criterion_found & (pl.col("criterion_block_id") != pl.col("block_id")),
            "critere",
            pl.format(
                "le critère {} appartient au bloc {}, pas au bloc {}",
                pl.col("criterion_code"),
                pl.col("criterion_block_code"),
                pl.col("block_code"),
            ),
        ),
        checks.errors_where(
            frame,
            block_known & ~pl.col("has_parts") & (pl.col("partie") != ""),
            "partie",
            pl.format(
                "le bloc {} n'a pas de parties : laissez la colonne vide", pl.col("block_code")
            ),
        ),
        checks.errors_where(
            frame,
            block_known & pl.col("has_parts") & (pl.col("partie") == ""),
            "partie",
            pl.format(
                "partie obligatoire pour le bloc {} ({})", pl.col("block_code"), pl.col("part_list")
            ),
        ),
        checks.errors_where(
            frame,
            block_known
            & pl.col("has_parts")
            & (pl.col("partie") != "")
            & pl.col("part_code").is_null(),
            "partie",
            pl.format(
                "partie inconnue pour le bloc {} ({})", pl.col("block_code"), pl.col("part_list")
            ),
        ),
    ]
    # A criterion of another block must not be recorded, even if the file goes on.
    frame = frame.with_columns(
        pl.when(pl.col("criterion_block_id") == pl.col("block_id"))
        .then(pl.col("criterion_id"))
        .otherwise(None)
        .alias("criterion_id"),
        pl.col("part_code").fill_null(""),
    )
    return frame, errors


def _resolve_evaluators(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    names = [n for n in frame["evaluateur"].unique().to_list() if n]
    users = pl.DataFrame(
        list(get_user_model().objects.filter(username__in=names).values_list("username", "id")),
        schema={"evaluateur": pl.String, "evaluator_id": pl.Int64},
        orient="row",
    )
    frame = frame.join(users, on="evaluateur", how="left")
    error = checks.errors_where(
        frame,
        (pl.col("evaluateur") != "") & pl.col("evaluator_id").is_null(),
        "evaluateur",
        "évaluateur inconnu",
    )
    return frame, [error]


def _existing(frame: pl.DataFrame) -> pl.DataFrame:
    """Join the sheets and scores already stored for the file's sessions (none on a first import)."""
    session_ids = [s for s in frame["session_id"].unique().to_list() if s is not None]
    sheet_schema = {
        "sheet_id": pl.Int64, "candidate_id": pl.Int64, "session_id": pl.Int64, "block_id": pl.Int64, "part_code": pl.String,
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
        sheets = fetch_frame(
            f"SELECT id, candidate_id, session_id, block_id, part FROM {ScoreSheet._meta.db_table} "
            f"WHERE session_id IN ({marks})",
            list(session_ids),
            sheet_schema,
        )
        scores = fetch_frame(
            f"SELECT sc.sheet_id, sc.criterion_id, sc.id, sc.value FROM {Score._meta.db_table} sc "
            f"JOIN {ScoreSheet._meta.db_table} sh ON sh.id = sc.sheet_id WHERE sh.session_id IN ({marks})",
            list(session_ids),
            score_schema,
        )
    frame = frame.join(
        sheets, on=["candidate_id", "session_id", "block_id", "part_code"], how="left"
    )
    return frame.join(scores, on=["sheet_id", "criterion_id"], how="left")


def check_scores(
    path: str | Path, replace: bool = False, reporter: Reporter | None = None
) -> pl.DataFrame:
    """Read and check the whole file; return the resolved rows, or raise ``FileRejected``."""
    report = reporter or Silent()
    report.phase("Lecture du fichier")
    frame = read_table(path)
    checks.check_columns(frame, REQUIRED, OPTIONAL)
    frame = checks.with_optional_columns(frame, OPTIONAL)
    report.phase("Vérification", frame.height)
    errors = checks.required_values(frame, ["candidat", "session", "bloc", "critere", "valeur"])
    errors.append(
        checks.too_long(frame, "session", ExamSession._meta.get_field("code").max_length or 32)
    )
    frame = _resolve_candidates(frame)
    errors.append(
        checks.errors_where(
            frame,
            (pl.col("candidat") != "") & pl.col("candidate_id").is_null(),
            "candidat",
            "candidat inconnu",
        )
    )
    frame = _resolve_sessions(frame)
    version_ids = [v for v in frame["version_id"].unique().to_list() if v is not None]
    blocks, parts, criteria = _catalog(version_ids)
    frame, reference_errors = _reference_checks(frame, blocks, parts, criteria)
    errors += reference_errors
    frame, value_errors = _value_checks(frame)
    errors += value_errors
    frame, evaluator_errors = _resolve_evaluators(frame)
    errors += evaluator_errors
    errors.append(
        checks.duplicates(
            frame,
            ["candidat", "session", "bloc_key", "partie_key", "critere_key"],
            "critere",
            "note",
        )
    )
    checks.raise_if_any(errors)
    frame = _existing(frame)
    conflict = pl.col("existing").is_not_null() & (pl.col("existing") != pl.col("stored"))
    if not replace:
        checks.raise_if_any(
            [
                checks.errors_where(
                    frame,
                    conflict,
                    "valeur",
                    pl.format(
                        "une autre valeur est déjà enregistrée pour {} : « {} » "
                        "(utilisez --replace pour la remplacer)",
                        pl.col("criterion_code"),
                        stored_as_text(pl.col("existing"), pl.col("kind")),
                    ),
                )
            ]
        )
    report.advance(frame.height)
    return frame.with_columns(pl.col("session").alias("session_code"))


# -- writing ---------------------------------------------------------------------------------


def _create_sessions(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    missing = frame.filter(pl.col("session_id").is_null()).select("session", "version_id").unique()
    created = []
    for code, version_id in missing.sort("session").iter_rows():
        session = ExamSession.objects.create(code=code, referential_version_id=version_id)
        created.append(session)
    if not created:
        return frame, []
    ids = pl.DataFrame(
        [(s.code, s.pk) for s in created],
        schema={"session": pl.String, "new_session_id": pl.Int64},
        orient="row",
    )
    frame = frame.join(ids, on="session", how="left").with_columns(
        pl.coalesce("session_id", "new_session_id").alias("session_id")
    )
    return frame.drop("new_session_id"), [s.code for s in created]


def _create_sheets(frame: pl.DataFrame, now: str) -> tuple[pl.DataFrame, int]:
    sheet_key = ["candidate_id", "session_id", "block_id", "part_code"]
    new_sheets = (
        frame.filter(pl.col("sheet_id").is_null())
        .group_by(sheet_key)
        .agg(pl.col("evaluator_id").drop_nulls().first())
    )
    if new_sheets.height:
        insert_frame(
            ScoreSheet._meta.db_table,
            new_sheets.select(
                pl.col("candidate_id"),
                pl.col("session_id"),
                pl.col("block_id"),
                pl.col("part_code").alias("part"),
                pl.col("evaluator_id"),
                pl.lit(SheetStatus.SUBMITTED.value).alias("status"),
                pl.lit(1).alias("revision"),
                pl.lit(now).alias("created_at"),
                pl.lit(now).alias("updated_at"),
                pl.lit(now).alias("submitted_at"),
            ),
        )
        session_ids = new_sheets["session_id"].unique().to_list()
        marks = ", ".join(["%s"] * len(session_ids))
        stored = fetch_frame(
            f"SELECT id, candidate_id, session_id, block_id, part FROM {ScoreSheet._meta.db_table} "
            f"WHERE session_id IN ({marks})",
            session_ids,
            {
                "new_sheet_id": pl.Int64,
                "candidate_id": pl.Int64,
                "session_id": pl.Int64,
                "block_id": pl.Int64,
                "part_code": pl.String,
            },
        )
        frame = (
            frame.join(stored, on=sheet_key, how="left")
            .with_columns(pl.coalesce("sheet_id", "new_sheet_id").alias("sheet_id"))
            .drop("new_sheet_id")
        )
        _create_enrolments(new_sheets, now)
    return frame, new_sheets.height


def _create_enrolments(sheets: pl.DataFrame, now: str) -> None:
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
    )
    missing = sheets.select("candidate_id", "session_id", "block_id", "part_code").join(
        existing, on=["candidate_id", "session_id", "block_id", "part_code"], how="anti"
    )
    insert_frame(
        Enrolment._meta.db_table,
        missing.select(
            "candidate_id",
            "session_id",
            "block_id",
            pl.col("part_code").alias("part"),
            pl.lit(now).alias("created_at"),
        ),
    )


def _replace_scores(
    changed: pl.DataFrame, batch: ImportBatch, actor_id: int | None, now: str
) -> None:
    table = connection.ops.quote_name(Score._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET value = %s, batch_id = %s WHERE id = %s",
            [
                (stored, batch.pk, score_id)
                for stored, score_id in changed.select("stored", "score_id").iter_rows()
            ],
        )
        sheet_ids = changed["sheet_id"].unique().to_list()
        sheets = connection.ops.quote_name(ScoreSheet._meta.db_table)
        for start in range(0, len(sheet_ids), 5000):
            chunk = sheet_ids[start : start + 5000]
            cursor.execute(
                f"UPDATE {sheets} SET revision = revision + 1, updated_at = %s WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                [now, *chunk],
            )
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
            pl.lit(batch.pk).alias("batch_id"),
            pl.lit("").alias("reason"),
        ),
    )


def import_scores(
    path: str | Path,
    *,
    replace: bool = False,
    actor: Actor = None,
    reporter: Reporter | None = None,
) -> ScoresReport:
    report = reporter or Silent()
    file = Path(path)
    frame = check_scores(file, replace=replace, reporter=report)
    result = ScoresReport(rows=frame.height)
    new = frame.filter(pl.col("score_id").is_null())
    changed = frame.filter(
        pl.col("score_id").is_not_null() & (pl.col("existing") != pl.col("stored"))
    )
    result.unchanged = frame.height - new.height - changed.height
    if new.is_empty() and changed.is_empty():
        return result
    user = actor if getattr(actor, "pk", None) is not None else None
    now_moment = timezone.now()
    now = stored_datetime(now_moment)
    report.phase("Écriture des notes", new.height + changed.height)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind="scores",
            file_name=file.name,
            sha256=_sha256(file),
            imported_by=user,  # type: ignore[misc]
            rows=frame.height,
            created=new.height,
            updated=changed.height,
            unchanged=result.unchanged,
        )
        result.batch_id = batch.pk
        frame, result.sessions_created = _create_sessions(frame)
        frame, result.sheets_created = _create_sheets(frame, now)
        new = frame.filter(pl.col("score_id").is_null())
        insert_frame(
            Score._meta.db_table,
            new.select(
                "sheet_id",
                "criterion_id",
                pl.col("stored").alias("value"),
                pl.lit("").alias("comment"),
                pl.lit(batch.pk).alias("batch_id"),
            ),
            progress=report.advance,
        )
        if changed.height:
            _replace_scores(changed, batch, getattr(user, "pk", None), now)
            report.advance(changed.height)
        result.created, result.replaced = new.height, changed.height
        audit.record(
            "scores.imported",
            batch,
            actor=actor,
            after={
                "file": file.name,
                "rows": frame.height,
                "created": new.height,
                "replaced": changed.height,
                "sessions_created": result.sessions_created,
            },
        )
        touched = pl.concat([new.select("candidate_id"), changed.select("candidate_id")]).unique()
        report.phase("Calcul des résultats", touched.height)
        result.candidates_recomputed = recompute(
            touched["candidate_id"].to_list(), progress=report.advance
        )
    return result


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
