"""Stored score values back to the text a person types (see ``certif.domain.values``)."""

from __future__ import annotations

import polars as pl

from certif.domain.referential.schema import CriterionKind
from certif.domain.values import YES_NO_WORDS

_WORD = {int(answer): word for word, answer in YES_NO_WORDS.items()}


def stored_as_text(value: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """« 2,50 » for 250 hundredths of a point, « oui » for 1 on a yes/no criterion, « 31 » for a count."""
    points = pl.concat_str(
        [(value // 100).cast(pl.String), pl.lit(","), (value % 100).cast(pl.String).str.zfill(2)]
    )
    return (
        pl.when(kind == CriterionKind.POINTS.value)
        .then(points)
        .when(kind == CriterionKind.YES_NO.value)
        .then(value.replace_strict(_WORD, default=None, return_dtype=pl.String))
        .otherwise(value.cast(pl.String))
    )
