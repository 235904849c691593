"""The tables France compétences asks for a renewal, per year (a « promotion »: every candidate
who sat a session begun that year, every access path).

- presented, certified, certified through VAE;
- the same per access path;
- partial validations: candidates not certified holding at least one *bloc de compétences*
  (never the mémoire alone), and per block how many of them hold it.

Statuses are the official standing (``certif.stats.results``): a jury's decision where one was
taken, else the rules' proposal. Counted by polars over the population in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from certif.domain.identity import ACCESS_PATHS
from certif.domain.rules.results import Status
from certif.stats.results import candidate_standings, referential_of
from certif.stats.scope import Scope

VAE = "VAE"
NO_ACCESS_PATH = ""


@dataclass(frozen=True)
class AccessPathRow:
    access_path: str
    label: str
    presented: int
    certified: int


@dataclass(frozen=True)
class PromotionTables:
    year: int
    presented: int
    certified: int
    certified_vae: int
    partial: int
    by_access_path: list[AccessPathRow] = field(default_factory=list)
    partial_by_block: dict[str, int] = field(default_factory=dict)


def _access_paths(scope: Scope) -> pl.DataFrame:
    rows = scope.candidates().order_by().values_list("pk", "access_path")
    return pl.DataFrame(
        list(rows), schema={"candidate_id": pl.Int64, "access_path": pl.Utf8}, orient="row"
    )


def _label(code: str) -> str:
    found = ACCESS_PATHS.get(code)
    return found.fr if found is not None else "Non renseignée"


def promotion_tables(year: int, access_path: str = "") -> PromotionTables:
    """The year's tables (``access_path`` narrows them to one path, as every statistic may)."""
    scope = Scope(year=year, access_path=access_path)
    referential = referential_of(scope)
    standings = candidate_standings(scope)
    frame = (
        _access_paths(scope)
        .join(standings, on="candidate_id", how="left")
        .with_columns(pl.col("certified").fill_null(False))
    )
    blocks = [b.code for b in referential.blocks if b.kind == "block"] if referential else []
    validated = [
        (pl.col(f"status:{code}") == Status.VALIDATED.value).fill_null(False).alias(code)
        for code in blocks
    ]
    flags = frame.with_columns(validated)
    partial = flags.filter(~pl.col("certified") & pl.any_horizontal(blocks or [pl.lit(False)]))
    by_path = (
        flags.group_by("access_path")
        .agg(pl.len().alias("presented"), pl.col("certified").sum().alias("certified"))
        .sort("access_path")
    )
    return PromotionTables(
        year=year,
        presented=flags.height,
        certified=int(flags["certified"].sum()),
        certified_vae=flags.filter(pl.col("certified") & (pl.col("access_path") == VAE)).height,
        partial=partial.height,
        by_access_path=[
            AccessPathRow(code or NO_ACCESS_PATH, _label(code), presented, int(certified))
            for code, presented, certified in by_path.iter_rows()
        ],
        partial_by_block={code: int(partial[code].sum()) for code in blocks},
    )
