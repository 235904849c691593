"""The grid's parser (one value at a time) and the scores importer's (millions at once, in
polars) accept and refuse the same texts, and store the same values."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from certif.domain.referential.schema import Criterion, CriterionKind
from certif.domain.values import ValueRejected, encode, parse_value
from certif.imports.reading import LINE
from certif.imports.scores import _Catalog, _parse_values

MAXIMUM = Decimal("4.5")
CRITERIA = {
    1: Criterion(code="P", text="points", kind=CriterionKind.POINTS, max_points=MAXIMUM),
    2: Criterion(code="O", text="oui ou non", kind=CriterionKind.YES_NO),
    3: Criterion(code="N", text="un nombre", kind=CriterionKind.INTEGER),
}


def vectorised(criterion_id: int, text: str) -> int | None:
    """The importer's stored value for ``text``, or None when it refuses it."""
    criterion = CRITERIA[criterion_id]
    catalog = _Catalog(
        blocks=pl.DataFrame(),
        parts=pl.DataFrame(),
        criteria=pl.DataFrame(
            {
                "criterion_id": [criterion_id],
                "criterion_code": [criterion.code],
                "kind": [criterion.kind.value],
                "max_stored": [int(MAXIMUM * 100)],
                "max_text": [str(MAXIMUM)],
            }
        ),
    )
    frame = pl.DataFrame(
        {
            LINE: [2],
            "criterion_id": [criterion_id],
            "bloc": ["B"],
            "partie": [""],
            "critere": [criterion.code],
            "valeur": [text],
        }
    )
    parsed, errors = _parse_values(frame, catalog)
    if errors.height:
        return None
    stored = parsed["stored"][0]
    return None if stored is None else int(stored)


def scalar(criterion_id: int, text: str) -> int | None:
    criterion = CRITERIA[criterion_id]
    try:
        return encode(criterion.kind, parse_value(criterion, text))
    except ValueRejected:
        return None


number_like = st.from_regex(r"\A-?[0-9٠-٩]{0,9}([.,][0-9]{0,4})?\Z", fullmatch=True)
texts = st.one_of(
    number_like,
    st.sampled_from(["oui", "Non", "OUI", "non ", "vrai", "1", "0", "2,5", "4,50", "4,51"]),
    st.text(max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(CRITERIA)), texts.map(str.strip))
@example(1, "٣")
@example(3, "١٢")
@example(1, "4,50")
@example(1, "12345678")
def test_both_parsers_agree_on_every_text(criterion_id: int, text: str) -> None:
    if not text:
        # An empty cell is « not given » for both: a separate rule, tested elsewhere.
        return
    assert vectorised(criterion_id, text) == scalar(criterion_id, text)
