"""Accessible, deterministic SVG charts of the statistics, drawn with matplotlib.

Each function returns the text of one ``<svg>`` element, ready to be inlined in a page or
saved as a file:

- it starts with ``<title>`` and ``<desc>`` (given by the caller) and carries
  ``role="img"`` and ``aria-labelledby`` pointing at them, so a screen reader announces
  both; the page should still show the same figures as a data table;
- it has a ``viewBox`` and no fixed width or height: it scales to its container;
- text stays text (``svg.fonttype = none``), in matplotlib's DejaVu Sans with a sans-serif
  fallback, at 11 px or more: readable, selectable, and read out by assistive technology;
- every value is written next to its mark, so no information is carried by colour alone;
- the same data give the same bytes: ``svg.hashsalt`` is fixed and the date is left out.

Drawing uses ``matplotlib.figure.Figure`` and the SVG canvas directly, never ``pyplot``
(no global figure manager, no GUI backend). The few settings that matplotlib only reads
from its global ``rcParams`` are applied under a lock for the time of one drawing, so
charts may be drawn from several threads at once.

Values arrive exact (``Fraction``, ``Decimal``) and are converted to ``float`` only to place
marks; every number *written* on a chart is formatted from the exact value.

Labels and titles come from the caller. The only built-in words are the French defaults of
the optional label arguments (``DEFAULT_*`` below), which a caller replaces for another
language.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.typing import RcKeyType

from certif.domain.numbers import format_quantity
from certif.domain.statistics.distribution import ScoreBin, score_bins
from certif.domain.statistics.rates import format_rate

Number = Fraction | Decimal | int

DEFAULT_EMPTY_TEXT = "Aucune donnée"
DEFAULT_PASS_RATE_LABEL = "Taux de réussite"
DEFAULT_SCORE_LABEL = "Note"
DEFAULT_COUNT_LABEL = "Nombre de candidats"
DEFAULT_THRESHOLD_LABEL = "Seuil\u00a0: {threshold}"
DEFAULT_SHARE_LABEL = "Part moyenne du maximum"

THRESHOLD_ID = "threshold"
"""The ``id`` of the threshold line's group in a histogram, for tests and style sheets."""

_BAR_COLOUR = "#1f4e79"  # dark blue: 8.7:1 contrast on white, readable under any colour vision
_THRESHOLD_COLOUR = "#b00020"  # dark red, and dashed, so it does not rely on its hue
_MISSING_COLOUR = "#e6e6e6"
_TEXT_COLOUR = "#1a1a1a"
_HEAT_MAP = "cividis"  # perceptually uniform and readable with colour-vision deficiencies

_STYLE: dict[RcKeyType, Any] = {
    # Only read from rcParams, hence set for the drawing under the lock.
    "svg.hashsalt": "certif",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "text.color": _TEXT_COLOUR,
    "axes.edgecolor": "#595959",
    "axes.labelcolor": _TEXT_COLOUR,
    "xtick.color": "#595959",
    "ytick.color": "#595959",
}

_LOCK = threading.Lock()

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_ROOT = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


@contextmanager
def _drawing() -> Iterator[None]:
    with _LOCK, matplotlib.rc_context(_STYLE):
        yield


def _new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasSVG(figure)
    return figure


def _svg_text(figure: Figure) -> str:
    buffer = io.StringIO()
    # No date: the same data must give the same bytes.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>\s*")


def _attributes(declarations: str) -> str:
    """CSS declarations (« fill: #fff; stroke-width: 0.8 ») as SVG presentation attributes."""
    pairs = (d.split(":", 1) for d in declarations.split(";") if ":" in d)
    return "".join(f" {name.strip()}={quoteattr(value.strip())}" for name, value in pairs)


def _without_css(svg: str) -> str:
    """The same drawing with presentation attributes instead of CSS: a page's Content Security
    Policy (no inline style) would leave every ``style`` attribute and ``<style>`` element of
    an inline SVG unapplied, and draw it black. matplotlib's one style rule (``* {…}``, the
    line joins and caps) goes on the root, where every element inherits it."""
    inherited = ""
    found = _STYLE_ELEMENT.search(svg)
    if found is not None:
        inherited = _attributes(found.group(1))
        svg = svg[: found.start()] + svg[found.end() :]
    svg = _STYLE_ATTRIBUTE.sub(lambda match: _attributes(match.group(1)), svg)
    return _ROOT.sub(lambda root: root.group(0)[:-1] + inherited + ">", svg, count=1)


def _accessible(svg: str, title: str, description: str, chart_id: str | None) -> str:
    """Keep the ``<svg>`` element alone, scalable, named by its ``<title>`` and ``<desc>``,
    drawn without CSS."""
    svg = _PROLOG.sub("", svg, count=1)  # no XML declaration nor DOCTYPE: valid inline in HTML
    svg = _without_css(svg)
    root = _ROOT.search(svg)
    if root is None:  # pragma: no cover - matplotlib always writes an <svg> root
        raise RuntimeError("matplotlib wrote no <svg> element")
    if chart_id is None:
        digest = hashlib.sha256(f"{title}\n{description}\n{svg}".encode()).hexdigest()
        chart_id = f"chart-{digest[:12]}"
    opening = _SIZE.sub("", root.group(0))
    opening = opening[:-1] + (
        f' id={quoteattr(chart_id)} role="img"'
        f" aria-labelledby={quoteattr(f'{chart_id}-title {chart_id}-desc')}>"
    )
    labels = (
        f"\n <title id={quoteattr(chart_id + '-title')}>{escape(title)}</title>"
        f"\n <desc id={quoteattr(chart_id + '-desc')}>{escape(description)}</desc>"
    )
    return svg[: root.start()] + opening + labels + svg[root.end() :]


def _finish(figure: Figure, title: str, description: str, chart_id: str | None) -> str:
    return _accessible(_svg_text(figure), title, description, chart_id)


def _no_data_figure(text: str) -> Figure:
    figure = _new_figure(6.4, 1.6)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=13)
    return figure


def no_data_chart(
    *,
    title: str,
    description: str,
    text: str = DEFAULT_EMPTY_TEXT,
    chart_id: str | None = None,
) -> str:
    """A chart that says there is nothing to draw, in place of an empty or broken one."""
    with _drawing():
        return _finish(_no_data_figure(text), title, description, chart_id)


def _show_title(figure: Figure, title: str, show: bool) -> None:
    # The page usually names the chart in a caption; a standalone file may want it drawn.
    if show:
        figure.suptitle(title, x=0.01, ha="left", fontsize=12, wrap=True)


_CHARACTER_WIDTH = 0.085
"""Inches taken by one character at 11 pt in DejaVu Sans, on average: to size figures."""


def _label_width(labels: Sequence[str]) -> float:
    return _CHARACTER_WIDTH * max((len(label) for label in labels), default=0)


def _percent_tick(percent: int) -> str:
    return f"{percent}\u00a0%"


def pass_rate_chart(
    rates: Sequence[tuple[str, Fraction | None]],
    *,
    title: str,
    description: str,
    axis_label: str = DEFAULT_PASS_RATE_LABEL,
    format_value: Callable[[Fraction | None], str] = format_rate,
    empty_text: str = DEFAULT_EMPTY_TEXT,
    show_title: bool = False,
    chart_id: str | None = None,
) -> str:
    """Horizontal bars of pass rates, one per unit (« B1 », « B3 — PME », « Mémoire »).

    ``rates`` are exact rates between 0 and 1, drawn as percentages in the order given, top
    to bottom, each with its value written after the bar (``format_value``, « 62,34 % » by
    default). An undefined rate (nobody assessed) gets no bar, only « — ».
    """
    for label, value in rates:
        if value is not None and not 0 <= value <= 1:
            raise ValueError(f"{label}: a rate lies between 0 and 1, not {value}")
    with _drawing():
        if not rates:
            return _finish(_no_data_figure(empty_text), title, description, chart_id)
        figure = _new_figure(7.2, 1.2 + 0.5 * len(rates))
        axes = figure.add_subplot()
        positions = list(range(len(rates)))
        widths = [0.0 if value is None else float(value * 100) for _, value in rates]
        axes.barh(positions, widths, height=0.6, color=_BAR_COLOUR)
        for position, width, (_, value) in zip(positions, widths, rates, strict=True):
            axes.text(width + 1.5, position, format_value(value), va="center")
        axes.set_yticks(positions, [label for label, _ in rates])
        axes.invert_yaxis()  # first unit on top, as in the data table
        # Room on the right for the value written after a full bar.
        axes.set_xlim(0, 118)
        axes.set_xticks(range(0, 101, 20), [_percent_tick(p) for p in range(0, 101, 20)])
        axes.set_xlabel(axis_label)
        axes.spines[["top", "right"]].set_visible(False)
        _show_title(figure, title, show_title)
        return _finish(figure, title, description, chart_id)


def _tick_step(maximum: Fraction) -> Fraction:
    """A round step giving at most about ten ticks (20 → 2, 100 → 10)."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if maximum / step <= 10:
            return Fraction(step)
    return Fraction(math.ceil(maximum / 10))


def score_histogram(
    scores: Sequence[Number],
    *,
    threshold: Number,
    title: str,
    description: str,
    maximum: Number = 20,
    bin_width: Number = 1,
    x_label: str = DEFAULT_SCORE_LABEL,
    y_label: str = DEFAULT_COUNT_LABEL,
    threshold_label: str | None = None,
    empty_text: str = DEFAULT_EMPTY_TEXT,
    show_title: bool = False,
    chart_id: str | None = None,
    bins: Sequence[ScoreBin] | None = None,
) -> str:
    """A histogram of one block's scores, with the threshold marked by a labelled line.

    ``bins`` (from ``score_bins_from_counts``, when a database counted the scores) replace
    ``scores``: a large population is drawn from its counts.

    The bins are ``score_bins``'s ([0, w), [w, 2w), …, the last one including ``maximum``),
    filled exactly, so the page's data table can show the very same counts. With whole-point
    bins and a whole threshold, the line separates failed bars from passed ones. Each bar's
    count is written above it (in a group with id ``count-<k>`` for bin k).
    ``threshold_label`` defaults to « Seuil : 12 ».
    """
    exact_maximum, exact_threshold = Fraction(maximum), Fraction(threshold)
    if bins is None:
        bins = score_bins(scores, maximum=maximum, bin_width=bin_width)
    if not 0 <= exact_threshold <= exact_maximum:
        raise ValueError(f"the threshold lies between 0 and {exact_maximum}")
    label = threshold_label or DEFAULT_THRESHOLD_LABEL.format(
        threshold=format_quantity(exact_threshold)
    )
    with _drawing():
        if not any(b.count for b in bins):
            return _finish(_no_data_figure(empty_text), title, description, chart_id)
        figure = _new_figure(7.2, 4.0)
        axes = figure.add_subplot()
        axes.bar(
            [float(b.low) for b in bins],
            [b.count for b in bins],
            width=[float(b.high - b.low) for b in bins],
            align="edge",
            color=_BAR_COLOUR,
            edgecolor="white",
            linewidth=1,
        )
        for index, score_bin in enumerate(bins):
            if score_bin.count:
                count = axes.text(
                    float(score_bin.low + score_bin.high) / 2,
                    score_bin.count,
                    str(score_bin.count),
                    ha="center",
                    va="bottom",
                )
                count.set_gid(f"count-{index}")
        top = max(b.count for b in bins) * 1.25 + 0.5
        axes.set_ylim(0, top)
        line = axes.axvline(
            float(exact_threshold), color=_THRESHOLD_COLOUR, linestyle="--", linewidth=2
        )
        line.set_gid(THRESHOLD_ID)
        # The label goes on the side of the line with more room.
        on_left = exact_threshold > exact_maximum * Fraction(7, 10)
        axes.text(
            float(exact_threshold),
            top * 0.97,
            f"{label} " if on_left else f" {label}",
            color=_THRESHOLD_COLOUR,
            ha="right" if on_left else "left",
            va="top",
            fontweight="bold",
        )
        step = _tick_step(exact_maximum)
        ticks = [step * k for k in range(int(exact_maximum / step) + 1)]
        axes.set_xticks([float(t) for t in ticks], [format_quantity(t) for t in ticks])
        axes.set_xlim(0, float(exact_maximum))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        axes.spines[["top", "right"]].set_visible(False)
        _show_title(figure, title, show_title)
        return _finish(figure, title, description, chart_id)


def _share_percent(value: Fraction | None) -> str:
    return format_rate(value, places=0)


def heat_map_cell(
    value: Fraction | None, format_value: Callable[[Fraction | None], str] = _share_percent
) -> tuple[str, int] | None:
    """What a heat map's cell shows of ``value``: its text and the level of its colour (the
    colour map has a finite number of levels, from 0 to 1 as ``criteria_heat_map`` scales
    it). Two values with the same text and level draw the same cell: a chart keyed on these
    is drawn again only when a cell would look different."""
    if value is None:
        return None
    levels = matplotlib.colormaps[_HEAT_MAP].N
    return format_value(value), min(int(float(value) * levels), levels - 1)


def _readable_text_colour(colour_map: Colormap, share: float) -> str:
    """Black on light cells, white on dark ones (relative luminance, WCAG)."""
    red, green, blue, _ = colour_map(share)
    channels = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "black" if luminance > 0.179 else "white"


def criteria_heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    shares: Sequence[Sequence[Fraction | None]],
    *,
    title: str,
    description: str,
    colour_label: str = DEFAULT_SHARE_LABEL,
    format_value: Callable[[Fraction | None], str] = _share_percent,
    empty_text: str = DEFAULT_EMPTY_TEXT,
    show_title: bool = False,
    chart_id: str | None = None,
) -> str:
    """A heat map of criteria (rows) × groups (columns: sessions, evaluators…).

    Each cell is the mean share of the criterion's maximum (0 to 1), its value written in
    the cell (« 73 % » by default) in black or white, whichever reads better on its colour.
    A cell with no data (None) is light grey with « — ».
    """
    if len(shares) != len(rows) or any(len(line) != len(columns) for line in shares):
        raise ValueError("shares need one row per criterion and one value per group")
    for line in shares:
        for value in line:
            if value is not None and not 0 <= value <= 1:
                raise ValueError(f"a share of the maximum lies between 0 and 1, not {value}")
    with _drawing():
        if not rows or not columns:
            return _finish(_no_data_figure(empty_text), title, description, chart_id)
        colour_map = matplotlib.colormaps[_HEAT_MAP].with_extremes(bad=_MISSING_COLOUR)
        # Columns wide enough for « 100 % » and their label; labels slanted when long.
        slanted = _label_width(columns) > 1.0
        column_width = max(0.9, 0.0 if slanted else _label_width(columns) + 0.25)
        header = 0.4 + (0.7 * _label_width(columns) if slanted else 0.0)
        figure = _new_figure(
            _label_width(rows) + column_width * len(columns) + 1.8,
            1.0 + header + 0.5 * len(rows),
        )
        axes = figure.add_subplot()
        grid = [[math.nan if v is None else float(v) for v in line] for line in shares]
        mesh = axes.pcolormesh(
            grid, cmap=colour_map, vmin=0, vmax=1, edgecolors="white", linewidth=1
        )
        for row, line in enumerate(shares):
            for column, value in enumerate(line):
                colour = (
                    _TEXT_COLOUR
                    if value is None
                    else _readable_text_colour(colour_map, float(value))
                )
                axes.text(
                    column + 0.5,
                    row + 0.5,
                    format_value(value),
                    ha="center",
                    va="center",
                    color=colour,
                )
        axes.set_xticks(
            [c + 0.5 for c in range(len(columns))],
            list(columns),
            rotation=35 if slanted else 0,
            ha="left" if slanted else "center",
            rotation_mode="anchor",
        )
        axes.set_yticks([r + 0.5 for r in range(len(rows))], list(rows))
        axes.invert_yaxis()  # first criterion on top, as in the data table
        axes.xaxis.tick_top()
        axes.tick_params(length=0)
        axes.spines[:].set_visible(False)
        colour_bar = figure.colorbar(mesh, ax=axes, shrink=0.8)
        colour_bar.set_ticks(
            [0, 0.25, 0.5, 0.75, 1], labels=[_percent_tick(p) for p in (0, 25, 50, 75, 100)]
        )
        colour_bar.set_label(colour_label)
        _show_title(figure, title, show_title)
        return _finish(figure, title, description, chart_id)
