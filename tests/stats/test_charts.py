from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from certif.stats.charts import (
    THRESHOLD_ID,
    criteria_heat_map,
    heat_map_cell,
    no_data_chart,
    pass_rate_chart,
    score_histogram,
)

SVG = "{http://www.w3.org/2000/svg}"

RATES = [
    ("B1", Fraction(6234, 10000)),
    ("B3 — PME", Fraction(1, 2)),
    ("B3 — ETI", None),
    ("Mémoire", Fraction(1)),
]
SCORES = [Fraction(23, 2), Fraction(12), Decimal("12.5"), 8, 15, Fraction(20)]
CRITERIA = ["B1Cr1", "B1Cr2"]
SESSIONS = ["2025-06", "2026-06"]
SHARES = [[Fraction(73, 100), None], [Fraction(1, 4), Fraction(1)]]


def rates_chart() -> str:
    return pass_rate_chart(RATES, title="Taux de réussite", description="Par bloc, en 2026.")


def histogram() -> str:
    return score_histogram(SCORES, threshold=12, title="Notes B1", description="Sur 20.")


def heat_map() -> str:
    return criteria_heat_map(
        CRITERIA, SESSIONS, SHARES, title="Critères", description="Part du maximum."
    )


CHARTS = [rates_chart, histogram, heat_map]


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("draw", CHARTS)
def test_each_chart_is_an_svg_document_that_parses_as_xml(draw: Callable[[], str]) -> None:
    root = ET.fromstring(draw())
    assert root.tag == f"{SVG}svg"


@pytest.mark.parametrize("draw", CHARTS)
def test_each_chart_is_named_by_its_title_and_description(draw: Callable[[], str]) -> None:
    root = ET.fromstring(draw())
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


@pytest.mark.parametrize("draw", CHARTS)
def test_each_chart_scales_with_a_view_box_and_no_fixed_size(draw: Callable[[], str]) -> None:
    root = ET.fromstring(draw())
    assert root.get("viewBox")
    assert root.get("width") is None
    assert root.get("height") is None


@pytest.mark.parametrize("draw", CHARTS)
def test_the_same_data_give_the_same_bytes(draw: Callable[[], str]) -> None:
    assert draw() == draw()


def test_the_same_data_give_the_same_bytes_in_another_process() -> None:
    program = (
        "import sys; from tests.stats.test_charts import histogram; sys.stdout.write(histogram())"
    )
    other = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert other.stdout == histogram()


def test_charts_drawn_in_several_threads_at_once_are_identical() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda draw: draw(), CHARTS * 2))
    assert drawn == [draw() for draw in CHARTS * 2]


def test_the_histogram_marks_the_threshold_with_a_labelled_line() -> None:
    svg = histogram()
    root = ET.fromstring(svg)
    line = root.find(f".//{SVG}g[@id='{THRESHOLD_ID}']")
    assert line is not None
    assert line.find(f"{SVG}path") is not None
    assert any("Seuil\u00a0: 12" in text for text in texts(svg))


def test_the_histogram_writes_each_bar_count() -> None:
    # Bins [8,9) → 1, [11,12) → 1 (11.5), [12,13) → 2 (12 and 12.5), [15,16) → 1,
    # [19,20] → 1 (20, in the last bin); no label over the empty bins.
    root = ET.fromstring(histogram())
    counts = {
        group.get("id"): "".join(group.itertext()).strip()
        for group in root.iter(f"{SVG}g")
        if (group.get("id") or "").startswith("count-")
    }
    assert counts == {
        "count-8": "1",
        "count-11": "1",
        "count-12": "2",
        "count-15": "1",
        "count-19": "1",
    }


def test_the_threshold_label_can_be_given_in_another_language() -> None:
    svg = score_histogram(
        SCORES, threshold=12, title="Scores", description="Out of 20.", threshold_label="Pass mark"
    )
    assert any("Pass mark" in text for text in texts(svg))


def test_the_pass_rate_chart_writes_every_rate_in_french() -> None:
    written = texts(rates_chart())
    for expected in ("62,34\u00a0%", "50,00\u00a0%", "—", "100,00\u00a0%"):
        assert expected in written
    for label in ("B1", "B3 — PME", "Mémoire"):
        assert label in written


def test_the_heat_map_writes_the_value_in_each_cell() -> None:
    written = texts(heat_map())
    for expected in ("73\u00a0%", "25\u00a0%", "100\u00a0%", "—"):
        assert expected in written


EMPTY_CHARTS = [
    lambda: pass_rate_chart([], title="Taux", description="Aucun bloc."),
    lambda: score_histogram([], threshold=12, title="Notes", description="Aucune note."),
    lambda: criteria_heat_map([], [], [], title="Critères", description="Aucun critère."),
    lambda: no_data_chart(title="Vide", description="Rien."),
]


@pytest.mark.parametrize("draw", EMPTY_CHARTS)
def test_an_empty_dataset_gives_a_readable_no_data_chart(draw: Callable[[], str]) -> None:
    svg = draw()
    root = ET.fromstring(svg)
    assert root[0].tag == f"{SVG}title"
    assert "Aucune donnée" in texts(svg)


def test_the_no_data_text_can_be_given_in_another_language() -> None:
    svg = pass_rate_chart([], title="Pass rates", description="None.", empty_text="No data")
    assert "No data" in texts(svg)


def test_titles_with_markup_characters_are_escaped() -> None:
    svg = pass_rate_chart(RATES, title="B1 < B2 & « B3 »", description='Dit "bonjour"')
    root = ET.fromstring(svg)
    assert root[0].text == "B1 < B2 & « B3 »"
    assert root[1].text == 'Dit "bonjour"'


def test_a_chart_id_names_the_title_and_description() -> None:
    root = ET.fromstring(pass_rate_chart(RATES, title="T", description="D", chart_id="rates-2026"))
    assert root.get("id") == "rates-2026"
    assert root.get("aria-labelledby") == "rates-2026-title rates-2026-desc"


def test_a_rate_outside_zero_and_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        pass_rate_chart([("B1", Fraction(3, 2))], title="T", description="D")


def test_a_score_above_the_maximum_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 20"):
        score_histogram([21], threshold=12, title="T", description="D")


def test_a_heat_map_with_a_missing_cell_is_refused() -> None:
    with pytest.raises(ValueError, match="one value per group"):
        criteria_heat_map(["C1"], ["S1", "S2"], [[Fraction(1)]], title="T", description="D")


@pytest.mark.parametrize("draw", CHARTS)
def test_each_chart_is_drawn_without_css_so_a_strict_content_policy_keeps_its_colours(
    draw: Callable[[], str],
) -> None:
    svg = draw()
    assert " style=" not in svg
    assert "<style" not in svg
    root = ET.fromstring(svg)
    assert root.get("stroke-linecap") == "butt"
    assert any(element.get("fill") for element in root.iter())


def test_histogram_bins_counted_elsewhere_draw_the_same_chart() -> None:
    from certif.domain.statistics.distribution import score_bins

    drawn = score_histogram(SCORES, threshold=12, title="Notes B1", description="Sur 20.")
    from_bins = score_histogram(
        [], bins=score_bins(SCORES), threshold=12, title="Notes B1", description="Sur 20."
    )
    assert from_bins == drawn


def test_a_share_moved_by_a_millionth_draws_the_same_heat_map() -> None:
    moved = [[Fraction(73, 100) + Fraction(1, 10**6), None], [Fraction(1, 4), Fraction(1)]]
    assert [[heat_map_cell(v) for v in row] for row in moved] == [
        [heat_map_cell(v) for v in row] for row in SHARES
    ]
    drawn = criteria_heat_map(
        CRITERIA, SESSIONS, moved, title="Critères", description="Part du maximum."
    )
    assert drawn == heat_map()


def test_a_share_whose_text_or_colour_changes_changes_its_cell() -> None:
    assert heat_map_cell(Fraction(73, 100)) != heat_map_cell(Fraction(74, 100))
    assert heat_map_cell(None) is None
