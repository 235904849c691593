"""Sheet builders for tests. Points come from the référentiel, never from here."""

from __future__ import annotations

from decimal import Decimal

from certif.domain.referential.schema import Block, CriterionKind, PointsScoring, Referential
from certif.domain.rules.engine import Sheet, Value


def points_criteria(block: Block) -> list[tuple[str, Decimal]]:
    return [
        (c.code, c.max_points or Decimal(0))
        for c in block.criteria
        if c.kind == CriterionKind.POINTS
    ]


def values_totalling(block: Block, total: Decimal) -> dict[str, Value]:
    """``total`` raw points spread over the block's points criteria in proportion to their
    maxima (in hundredths, each within its maximum); whatever the référentiel says they are."""
    target = int(Decimal(total) * 100)
    criteria = [(code, int(maximum * 100)) for code, maximum in points_criteria(block)]
    ceiling = sum(maximum for _code, maximum in criteria)
    if not 0 <= target <= ceiling:
        raise ValueError(f"{block.code} : {total} hors de 0 à {Decimal(ceiling).scaleb(-2)}")
    given = [target * maximum // ceiling if ceiling else 0 for _code, maximum in criteria]
    rest = target - sum(given)
    for index, (_code, maximum) in enumerate(criteria):
        step = min(rest, maximum - given[index])
        given[index] += step
        rest -= step
    return {
        code: Decimal(amount).scaleb(-2)
        for (code, _maximum), amount in zip(criteria, given, strict=True)
    }


def sheet(
    referential: Referential,
    block: str,
    total: Decimal | str | int,
    session: str = "2026-06",
    part: str | None = None,
) -> Sheet:
    return Sheet(
        session, block, values_totalling(referential.block(block), Decimal(total)), part=part
    )


def full_sheet(
    referential: Referential, block: str, session: str = "2026-06", part: str | None = None
) -> Sheet:
    spec = referential.block(block)
    return Sheet(session, block, dict(points_criteria(spec)), part=part)


def thesis_sheet(
    referential: Referential, block: str, session: str = "2026-06", **overrides: Value
) -> Sheet:
    """A thesis sheet meeting every condition of its rule, except the overrides."""
    spec = referential.block(block)
    values: dict[str, Value] = {}
    for condition in getattr(spec.scoring, "conditions", []):
        if condition.at_least is not None:
            values[condition.criterion] = condition.at_least
        else:
            values[condition.criterion] = bool(condition.equals)
    values.update(overrides)
    return Sheet(session, block, values)


def all_validated_sheets(referential: Referential, session: str = "2026-06") -> list[Sheet]:
    sheets: list[Sheet] = []
    for block in referential.blocks:
        if block.scoring.method == "pass_fail":
            sheets.append(thesis_sheet(referential, block.code, session))
        elif block.parts:
            sheets.extend(
                full_sheet(referential, block.code, session, part.code) for part in block.parts
            )
        else:
            sheets.append(full_sheet(referential, block.code, session))
    return sheets


def score_rows(
    referential: Referential,
    numero: str,
    block: str,
    total: Decimal | str | int,
    session: str = "2026-06",
    part: str = "",
) -> list[tuple[str, str, str, str, str, str]]:
    """Rows of a scores file giving ``block`` (or one of its parts) ``total`` raw points."""
    values = values_totalling(referential.block(block), Decimal(total))
    return [
        (numero, session, block, part, code, f"{value}".replace(".", ","))
        for code, value in values.items()
    ]


def thesis_rows(
    referential: Referential, numero: str, session: str = "2026-06", **overrides: Value
) -> list[tuple[str, str, str, str, str, str]]:
    sheet_values = thesis_sheet(referential, "MEM", session, **overrides).values
    return [
        (
            numero,
            session,
            "MEM",
            "",
            code,
            ("oui" if value else "non") if isinstance(value, bool) else str(value),
        )
        for code, value in sheet_values.items()
    ]


def threshold(referential: Referential, block: str) -> Decimal:
    """The block's threshold, as the référentiel states it."""
    scoring = referential.block(block).scoring
    assert isinstance(scoring, PointsScoring)
    return scoring.threshold


def passing(referential: Referential, block: str, margin: str = "1") -> Decimal:
    """A score ``margin`` points above the block's threshold (a block without parts)."""
    return threshold(referential, block) + Decimal(margin)


def failing(referential: Referential, block: str, margin: str = "1") -> Decimal:
    """A score ``margin`` points below the block's threshold (a block without parts)."""
    return threshold(referential, block) - Decimal(margin)
