"""The printed report of a scope's statistics (a year's, for France compétences' renewal file):
its charts and tables as a PDF, by Typst with the fonts shipped in ``certif/documents/fonts``,
as the official documents are rendered (data as JSON in ``sys.inputs.data``, never markup)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typst
from django.utils import timezone
from django.utils.translation import gettext as _

from certif.documents.rendering import FONTS, RenderingFailed
from certif.domain.statistics.rates import format_rate
from certif.insertion.queries import RATES_HEADER, insertion_rates, rates_rows
from certif.stats.drawing import Charts, charts_of
from certif.stats.presenting import Statistics, decimal_string

TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "report.typ"
# The charts name matplotlib's font; the report has only its own.
CHART_FONT, REPORT_FONT = "DejaVu Sans", "Noto Sans"


def _svg(svg: str) -> str:
    return svg.replace(CHART_FONT, REPORT_FONT)


def _scope_text(found: Statistics) -> str:
    scope = found.results.scope
    parts = []
    if scope.session:
        parts.append(_("session %(code)s") % {"code": scope.session})
    if scope.year is not None:
        parts.append(_("année %(year)s") % {"year": scope.year})
    if scope.access_path:
        parts.append(_("voie d'accès %(path)s") % {"path": scope.access_path})
    return ", ".join(parts) or _("tous les candidats")


def report_data(found: Statistics, drawn: Charts, moment: datetime) -> dict[str, Any]:
    results = found.results
    data: dict[str, Any] = {
        "title": _("Statistiques de la certification"),
        "scope": _scope_text(found),
        "printed": timezone.localtime(moment).strftime("%d/%m/%Y"),
        "candidates": results.candidates,
        "certified": results.certified,
        "pass_rates": _svg(drawn.pass_rates),
        "units": [
            [
                each.label,
                *(str(each.counts[s]) for s in ("validated", "not_validated", "incomplete")),
                str(each.counts["not_assessed"]),
                format_rate(each.pass_rate),
            ]
            for each in results.units
        ],
        "histograms": [
            {
                "label": h.unit.label,
                "svg": _svg(h.svg),
                "borderline": h.unit.distribution.borderline if h.unit.distribution else 0,
            }
            for h in drawn.histograms
        ],
        "heat_map": _svg(drawn.heat_map) if drawn.heat_map else "",
        "evaluators": [
            [e.name, str(e.sheets), str(e.double_marked), decimal_string(e.mean_deviation) or "—"]
            for e in found.evaluators.evaluators
        ],
        "promotion": None,
        "insertion": None,
    }
    if found.promotion is not None:
        tables = found.promotion
        data["promotion"] = {
            "year": tables.year,
            "presented": tables.presented,
            "certified": tables.certified,
            "certified_vae": tables.certified_vae,
            "partial": tables.partial,
            "paths": [[r.label, str(r.presented), str(r.certified)] for r in tables.by_access_path],
            "blocks": [[code, str(n)] for code, n in tables.partial_by_block.items()],
        }
        # The holders' insertion, as France compétences' renewal file asks beside the cohorts.
        data["insertion"] = {
            "header": list(RATES_HEADER),
            "rows": [list(row) for row in rates_rows(insertion_rates(tables.year))],
        }
    return data


def render_report(found: Statistics, moment: datetime | None = None) -> bytes:
    """The report as a PDF."""
    moment = moment or timezone.now()
    data = report_data(found, charts_of(found), moment)
    compiler = typst.Compiler(
        str(TEMPLATE),
        root=str(TEMPLATE.parent),
        font_paths=[str(FONTS)],
        ignore_system_fonts=True,
    )
    try:
        output = compiler.compile(
            format="pdf",
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            timestamp=int(moment.timestamp()),
        )
    except typst.TypstError as error:
        raise RenderingFailed(f"stats report: {error}") from error
    assert isinstance(output, bytes)
    return output
