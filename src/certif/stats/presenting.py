"""The statistics of a scope in their written forms: JSON (``certif stats --format json``), the
terminal's table, and the XLSX workbook (command and worker alike).

Rates and shares are written by ``rate_to_string`` (« 0.6234 », 4 decimals, half up, from the
exact fraction) or ``null`` when undefined; deviations and alphas with 4 decimals the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from certif.domain.numbers import format_quantity, round_half_up
from certif.domain.statistics.rates import format_rate, rate_to_string
from certif.stats.evaluators import Agreement, EvaluatorsFigures, kept_evaluators_figures
from certif.stats.france_competences import PromotionTables, promotion_tables
from certif.stats.freshness import data_stamp, kept
from certif.stats.results import (
    CriteriaBySession,
    Distribution,
    ResultsFigures,
    UnitFigures,
    criteria_by_session,
    criterion_sums,
    results_figures,
)
from certif.stats.scope import Scope
from certif.stats.sums import slice_stamps

PLACES = 4


@dataclass(frozen=True)
class Statistics:
    """Everything the page, the command, the workbook and the report show for one scope."""

    results: ResultsFigures
    evaluators: EvaluatorsFigures
    promotion: PromotionTables | None
    by_session: CriteriaBySession | None = None


def statistics(scope: Scope, *, draws: int | None = None) -> Statistics:
    """The scope's statistics; computed again only once the data they come from changed
    (``certif.stats.freshness``)."""
    return kept(f"statistics|{scope!r}|{draws}", data_stamp(), lambda: _statistics(scope, draws))


def _statistics(scope: Scope, draws: int | None) -> Statistics:
    stamps = slice_stamps()  # read once: for the criteria, the heat map and the evaluators
    sums = criterion_sums(scope, stamps)
    results = results_figures(scope, sums)
    return Statistics(
        results=results,
        evaluators=kept_evaluators_figures(scope, results.referential, stamps, draws),
        promotion=(
            promotion_tables(scope.year, scope.access_path) if scope.year is not None else None
        ),
        by_session=(
            criteria_by_session(scope, results.referential, sums=sums)
            if results.referential
            else None
        ),
    )


def decimal_string(value: Fraction | None) -> str | None:
    """A signed exact figure with 4 decimals, half up (« -0.5000 »), or None."""
    if value is None:
        return None
    return f"{round_half_up(value, PLACES):.{PLACES}f}"


def _units_json(results: ResultsFigures) -> dict[str, Any]:
    units: dict[str, Any] = {}
    for figures in results.units:
        if figures.unit.part:
            units[figures.unit.block].setdefault("parts", {})[figures.unit.part] = figures.summary()
        else:
            units[figures.unit.block] = figures.summary()
    return units


def _distribution_json(distribution: Distribution) -> dict[str, Any]:
    return {
        "threshold": format_quantity(distribution.threshold, sep="."),
        "maximum": format_quantity(distribution.maximum, sep="."),
        "scored": distribution.scored,
        "borderline": distribution.borderline,
        "borderline_rate": rate_to_string(distribution.borderline_rate),
        "bins": [
            {
                "low": format_quantity(b.low, sep="."),
                "high": format_quantity(b.high, sep="."),
                "count": b.count,
            }
            for b in distribution.bins
        ],
    }


def _agreement_json(found: Agreement | None) -> dict[str, Any] | None:
    if found is None:
        return None
    interval = found.interval
    return {
        "metric": found.metric.value,
        "alpha": decimal_string(found.found.alpha),
        "interval": [decimal_string(bound) for bound in interval] if interval else None,
        "units": found.units,
    }


def evaluators_json(figures: EvaluatorsFigures) -> dict[str, Any]:
    return {
        "markers": [
            {
                "evaluator": each.username,
                "name": each.name,
                "sheets": each.sheets,
                "double_marked": each.double_marked,
                "mean_deviation": decimal_string(each.mean_deviation),
            }
            for each in figures.evaluators
        ],
        "reliability": {
            "points": _agreement_json(figures.points),
            "yes_no": _agreement_json(figures.yes_no),
        },
    }


def promotion_json(tables: PromotionTables) -> dict[str, Any]:
    return {
        "year": tables.year,
        "presented": tables.presented,
        "certified": tables.certified,
        "certified_vae": tables.certified_vae,
        "partial": tables.partial,
        "by_access_path": {
            row.access_path: {"presented": row.presented, "certified": row.certified}
            for row in tables.by_access_path
        },
        "partial_by_block": dict(tables.partial_by_block),
    }


def as_json(found: Statistics) -> dict[str, Any]:
    """The JSON contract of issue 15, with the distributions, the evaluators and, for a year,
    France compétences' tables beside it."""
    results = found.results
    document: dict[str, Any] = {
        "scope": results.scope.summary(),
        "candidates": results.candidates,
        "certified": results.certified,
        "units": _units_json(results),
        "criteria": {
            each.code: {"mean_share": rate_to_string(each.mean_share)} for each in results.criteria
        },
        "distributions": {
            each.unit.key: _distribution_json(each.distribution)
            for each in results.units
            if each.distribution is not None
        },
        "evaluators": evaluators_json(found.evaluators),
    }
    if found.promotion is not None:
        document["france_competences"] = promotion_json(found.promotion)
    return document


# -- the terminal ------------------------------------------------------------------------------


def _unit_line(figures: UnitFigures) -> list[str]:
    counts = figures.counts
    return [
        figures.label,
        str(counts["validated"]),
        str(counts["not_validated"]),
        str(counts["incomplete"]),
        str(counts["not_assessed"]),
        format_rate(figures.pass_rate),
    ]


UNIT_HEADER = ["Unité", "Validés", "Non validés", "Incomplets", "Non évalués", "Réussite"]


def table_lines(found: Statistics) -> Iterator[str]:
    results = found.results
    yield f"Candidats : {results.candidates} · certifiés : {results.certified}"
    rows = [UNIT_HEADER, *(_unit_line(each) for each in results.units)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(UNIT_HEADER))]
    for row in rows:
        yield "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
    for each in results.units:
        if each.distribution is not None:
            yield (
                f"{each.label} : {each.distribution.borderline} à un point du seuil "
                f"({format_quantity(each.distribution.threshold)})"
            )
    for marker in found.evaluators.evaluators:
        deviation = decimal_string(marker.mean_deviation) or "—"
        yield f"{marker.name} : {marker.sheets} feuilles, écart moyen {deviation}"
    if found.promotion is not None:
        tables = found.promotion
        yield (
            f"Promotion {tables.year} : {tables.presented} présentés, {tables.certified} "
            f"certifiés dont {tables.certified_vae} par la VAE, {tables.partial} validations "
            "partielles"
        )


# -- the workbook ------------------------------------------------------------------------------


def _sheet(workbook: Any, title: str, header: list[str], rows: list[list[Any]]) -> None:
    from certif.imports.cells import xlsx_text_cell

    sheet = workbook.create_sheet(title)
    sheet.append([xlsx_text_cell(sheet, text) for text in header])
    for row in rows:
        sheet.append(
            [xlsx_text_cell(sheet, value) if isinstance(value, str) else value for value in row]
        )


def write_xlsx(found: Statistics, path: Path) -> Path:
    """One sheet per table: units, distributions, criteria, evaluators, and France
    compétences' tables for a year."""
    from openpyxl import Workbook

    results = found.results
    workbook = Workbook(write_only=True)
    _sheet(
        workbook,
        "Unités",
        [*UNIT_HEADER[:5], "Taux de réussite", "Décisions du jury"],
        [
            [
                each.label,
                *(each.counts[s] for s in ("validated", "not_validated", "incomplete")),
                each.counts["not_assessed"],
                rate_to_string(each.pass_rate) or "",
                each.jury,
            ]
            for each in results.units
        ],
    )
    _sheet(
        workbook,
        "Distributions",
        ["Unité", "De", "À", "Candidats", "Seuil"],
        [
            [each.label, float(b.low), float(b.high), b.count, float(each.distribution.threshold)]
            for each in results.units
            if each.distribution is not None
            for b in each.distribution.bins
        ],
    )
    _sheet(
        workbook,
        "Critères",
        ["Bloc", "Critère", "Feuilles", "Part moyenne du maximum"],
        [
            [each.block, each.code, each.sheets, rate_to_string(each.mean_share) or ""]
            for each in results.criteria
        ],
    )
    _sheet(
        workbook,
        "Évaluateurs",
        ["Évaluateur", "Feuilles", "Doubles corrections", "Écart moyen (points)"],
        [
            [e.name, e.sheets, e.double_marked, decimal_string(e.mean_deviation) or ""]
            for e in found.evaluators.evaluators
        ],
    )
    if found.promotion is not None:
        tables = found.promotion
        _sheet(
            workbook,
            "France compétences",
            [
                "Promotion",
                "Présentés",
                "Certifiés",
                "Certifiés par la VAE",
                "Validations partielles",
            ],
            [
                [
                    str(tables.year),
                    tables.presented,
                    tables.certified,
                    tables.certified_vae,
                    tables.partial,
                ]
            ],
        )
        _sheet(
            workbook,
            "Par voie d'accès",
            ["Voie d'accès", "Présentés", "Certifiés"],
            [[r.label, r.presented, r.certified] for r in tables.by_access_path],
        )
        _sheet(
            workbook,
            "Validations partielles",
            ["Bloc", "Candidats non certifiés qui l'ont validé"],
            [[code, count] for code, count in tables.partial_by_block.items()],
        )
    workbook.save(path)
    return path
