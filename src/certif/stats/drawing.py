"""The charts of a scope's statistics, drawn by ``certif.stats.charts`` with their titles and
descriptions in the reader's language: for the page and for the printed report alike."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from certif.domain.numbers import format_quantity
from certif.domain.statistics.rates import format_rate
from certif.stats import charts
from certif.stats.presenting import Statistics
from certif.stats.results import CriteriaBySession, UnitFigures


@dataclass(frozen=True)
class Histogram:
    unit: UnitFigures
    svg: str


@dataclass(frozen=True)
class Charts:
    pass_rates: str
    histograms: list[Histogram] = field(default_factory=list)
    heat_map: str = ""
    criteria: CriteriaBySession | None = None


_CACHE_SIZE = 64
_cache: OrderedDict[Hashable, str] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(key: Hashable, draw: Callable[[], str]) -> str:
    """The chart drawn for ``key`` (its data and the reader's language): the same data give
    the same bytes, so a chart is drawn once and served again while its data stay the same
    (drawing is the page's costliest step: about half a second a chart)."""
    full_key = (get_language(), key)
    with _cache_lock:
        found = _cache.get(full_key)
        if found is not None:
            _cache.move_to_end(full_key)
            return found
    svg = draw()
    with _cache_lock:
        _cache[full_key] = svg
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return svg


def _empty() -> str:
    return _("Aucune donnée")


def pass_rate_svg(found: Statistics) -> str:
    units = found.results.units
    key = ("pass-rates", tuple((each.label, each.pass_rate) for each in units))
    return _cached(key, lambda: _pass_rate_svg(units))


def _pass_rate_svg(units: list[UnitFigures]) -> str:
    return charts.pass_rate_chart(
        [(each.label, each.pass_rate) for each in units],
        title=_("Taux de réussite par unité"),
        description=_(
            "Pour chaque unité, la part des candidats évalués qui l'ont validée : %(rates)s."
        )
        % {"rates": ", ".join(f"{each.label} {format_rate(each.pass_rate)}" for each in units)},
        axis_label=_("Taux de réussite"),
        chart_id="chart-pass-rates",
        empty_text=_empty(),
    )


def histogram_svg(unit: UnitFigures) -> str:
    distribution = unit.distribution
    assert distribution is not None
    key = (
        "histogram",
        unit.unit,
        unit.label,
        tuple(distribution.bins),
        distribution.threshold,
        distribution.maximum,
        distribution.borderline,
    )
    return _cached(key, lambda: _histogram_svg(unit))


def _histogram_svg(unit: UnitFigures) -> str:
    distribution = unit.distribution
    assert distribution is not None
    threshold = format_quantity(distribution.threshold)
    return charts.score_histogram(
        [],
        bins=distribution.bins,
        threshold=distribution.threshold,
        maximum=distribution.maximum,
        title=_("Notes de %(unit)s") % {"unit": unit.label},
        description=_(
            "Nombre de candidats par tranche d'un point, de 0 à %(maximum)s ; le seuil de "
            "%(threshold)s est marqué par une ligne ; %(borderline)s candidats à un point du seuil."
        )
        % {
            "maximum": format_quantity(distribution.maximum),
            "threshold": threshold,
            "borderline": distribution.borderline,
        },
        x_label=_("Note"),
        y_label=_("Nombre de candidats"),
        threshold_label=_("Seuil : %(threshold)s") % {"threshold": threshold},
        chart_id=f"chart-histogram-{unit.unit.key.replace(':', '-')}",
        empty_text=_empty(),
    )


def heat_map_svg(data: CriteriaBySession) -> str:
    # Keyed on what each cell shows (its text and colour level), not the exact share: one
    # score among millions moves a share by a millionth, which no cell shows.
    key = (
        "heat-map",
        tuple(data.criteria),
        tuple(data.sessions),
        tuple(tuple(charts.heat_map_cell(value) for value in row) for row in data.shares),
    )
    return _cached(key, lambda: _heat_map_svg(data))


def _heat_map_svg(data: CriteriaBySession) -> str:
    return charts.criteria_heat_map(
        data.criteria,
        data.sessions,
        data.shares,
        title=_("Part moyenne du maximum, par critère et par session"),
        description=_(
            "Pour chaque critère (en ligne) et chaque session (en colonne), la part moyenne "
            "de ses points maximum obtenue par les candidats : là où ils perdent des points."
        ),
        colour_label=_("Part moyenne du maximum"),
        chart_id="chart-criteria",
        empty_text=_empty(),
    )


def charts_of(found: Statistics) -> Charts:
    criteria = found.by_session
    return Charts(
        pass_rates=pass_rate_svg(found),
        histograms=[
            Histogram(unit, histogram_svg(unit))
            for unit in found.results.units
            if unit.distribution is not None
        ],
        heat_map=heat_map_svg(criteria) if criteria is not None else "",
        criteria=criteria,
    )
