"""A scores import enrols no one again in a block a jury already validated for them, unless
told to: the enrolment service's rule (``certif.sessions.services.acquired_blocks``)."""

from __future__ import annotations

import polars as pl

from certif.referential.models import Block
from certif.sessions.services import acquired_blocks


def leave_out_validated(
    frame: pl.DataFrame, include_validated: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows less those that would enrol a candidate in a unit of a block a jury already
    validated for them (the enrolment service's rule: a block is acquired for life); and the
    rows left out. A unit already graded in its session (its sheet exists) keeps its rows."""
    none = frame.clear()
    if include_validated:
        return frame, none
    new_units = frame.filter(pl.col("sheet_id").is_null()).select("candidate_id", "block_id")
    if new_units.is_empty():
        return frame, none
    pairs = new_units.unique()
    codes = dict(
        Block.objects.filter(pk__in=pairs["block_id"].unique().to_list()).values_list("pk", "code")
    )
    acquired = acquired_blocks(pairs["candidate_id"].unique().to_list(), set(codes.values()))
    if not acquired:
        return frame, none
    by_code: dict[str, list[int]] = {}
    for pk, code in codes.items():
        by_code.setdefault(code, []).append(pk)
    validated = pl.DataFrame(
        [(candidate, pk) for candidate, code in acquired for pk in by_code.get(code, [])],
        schema={"candidate_id": pl.Int64, "block_id": pl.Int64},
        orient="row",
    ).with_columns(pl.lit(True).alias("_validated"))
    marked = frame.join(validated, on=["candidate_id", "block_id"], how="left").with_columns(
        (pl.col("_validated").fill_null(False) & pl.col("sheet_id").is_null()).alias("_validated")
    )
    return (
        marked.filter(~pl.col("_validated")).drop("_validated"),
        marked.filter(pl.col("_validated")).drop("_validated"),
    )
