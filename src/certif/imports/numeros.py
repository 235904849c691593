"""Reading a file of candidate numeros (to enrol them), all or nothing."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from certif.candidates.models import Candidate
from certif.imports import checks
from certif.imports.reading import LINE, FileRejected, Problem, read_table
from certif.sessions.services import CHUNK

NUMERO_COLUMNS = ("numero", "candidat")


def candidates_from_file(path: str | Path) -> list[int]:
    """The candidates a file lists by numero (column « numero » or « candidat »), all or nothing.

    Any unknown numero, or a line without one, refuses the whole file; each problem names
    its line and value.
    """
    frame = read_table(path)
    column = next((c for c in NUMERO_COLUMNS if c in frame.columns), None)
    if column is None:
        raise FileRejected(
            [Problem(1, None, None, "colonne « numero » absente (le numéro de chaque candidat)")]
        )
    if frame.is_empty():
        raise FileRejected([Problem(None, column, None, "le fichier ne liste aucun candidat")])
    numeros = frame[column].unique().to_list()
    known: dict[str, int] = {}
    for start in range(0, len(numeros), CHUNK):
        chunk = numeros[start : start + CHUNK]
        known.update(Candidate.objects.filter(numero__in=chunk).values_list("numero", "pk"))
    found = pl.DataFrame(
        list(known.items()), schema={column: pl.String, "_id": pl.Int64}, orient="row"
    )
    frame = checks.attach(frame.select(LINE, column), found, column)
    checks.raise_if_any(
        [
            *checks.required_values(frame, [column]),
            checks.errors_where(
                frame, (pl.col(column) != "") & pl.col("_id").is_null(), column, "candidat inconnu"
            ),
        ]
    )
    return sorted(set(frame["_id"].to_list()))
