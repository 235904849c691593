"""Results as a table of columns: a population decided on several référentiels (two versions,
or two certifications) gets one header, each candidate's cells under their own columns."""

from __future__ import annotations

import pytest

from certif.domain.referential.schema import Referential
from certif.domain.rules.engine import RulesEngine
from certif.results.presenting import Official, csv_header, csv_row, table_lines
from tests.support.builders import sheet


@pytest.fixture(scope="module")
def two_blocks(ccab: Referential) -> Referential:
    """Another référentiel: the first two blocks of the shipped one, both required."""
    blocks = ccab.blocks[:2]
    certification = ccab.certification.model_copy(update={"requires": [b.code for b in blocks]})
    return ccab.model_copy(update={"blocks": blocks, "certification": certification})


def test_the_header_holds_every_column_of_every_referential_once(
    ccab: Referential, two_blocks: Referential
) -> None:
    header = csv_header([two_blocks, ccab])
    assert header == csv_header([ccab])
    assert header[:6] == [
        "candidat",
        "certifie",
        "certifie_source",
        "B1_statut",
        "B1_source",
        "B1_note",
    ]
    assert "B3_pme_note" in header
    assert header[-1] == "explication"


def test_a_candidate_of_a_smaller_referential_has_empty_cells_for_the_blocks_it_lacks(
    ccab: Referential, two_blocks: Referential
) -> None:
    header = csv_header([ccab, two_blocks])
    decision = RulesEngine(two_blocks).evaluate([sheet(two_blocks, "B2", "14")])
    cells = dict(zip(header, csv_row(header, "C001", Official.of_rules(decision)), strict=True))
    assert (cells["B2_statut"], cells["B2_source"], cells["B2_note"]) == (
        "validated",
        "engine",
        "14,00",
    )
    assert (cells["B3_statut"], cells["B3_pme_note"], cells["MEM_statut"]) == ("", "", "")


def test_the_text_table_shows_a_dash_under_a_block_the_candidates_referential_lacks(
    ccab: Referential, two_blocks: Referential
) -> None:
    smaller = RulesEngine(two_blocks).evaluate([])
    fuller = RulesEngine(ccab).evaluate([])
    rows = [("C001", Official.of_rules(smaller)), ("C002", Official.of_rules(fuller))]
    header, first, _, second, _ = table_lines(rows, [ccab])
    mem = header.index("MEM")
    assert header.split()[:3] == ["Candidat", "Certifié", "B1"]
    assert first[mem:].strip() == "—"
    assert second[mem:].strip() == "non évalué"
