"""A reproducible (seeded) cohort of demonstration candidates and their score sheets.

``generate_cohort(referential, size, seed)`` returns two frames in the import formats of
``docs/formats.md`` (candidates; scores in long format) and the two sessions they sit.
Everything about scoring comes from the référentiel: blocks, parts, criteria, their kinds
and maxima, thresholds, normalisation and pass/fail conditions. Nothing here names a
criterion or a number of points. Points are exact (integer hundredths, ``Decimal``,
``Fraction``), never floats.

Every candidate sits every unit (each block, each part of a block with parts, the thesis)
in the first session. In the second session only some candidates come back, for the units
they did not validate and for the sheets left incomplete.

Borderline cases
----------------
The first ten candidates carry cases built from the référentiel's own rules (when ``size``
is smaller, the first ``size`` of them). Below, "simple block" is a block scored on points
without parts (B1, B2, B4 for CCAB), "parted block" a block scored on points with parts (B3),
"pass/fail block" one whose conditions include an ``at_least`` (MEM). Their other units are
comfortably validated in the first session.

========  =========================================================================
C000001   first simple block at exactly the threshold (B1: raw 12 → 12/20): validated
C000002   first simple block at the threshold minus 0,01 (B1: raw 11,99): not validated
C000003   first part of the parted block at its proportional threshold, threshold ×
          maxima / out_of (B3 particulier: raw 13,8 on 23 → 12/20): part validated
C000004   second part of the parted block at the largest quarter point below that
          (B3 pme: raw 13,75 → 11,96/20): part not validated
C000005   last simple block incomplete in the first session (one criterion missing) and
          never completed (B4): incomplete
C000006   second simple block not validated in the first session, validated in the
          second (B2): retake, validated
C000007   pass/fail block one page short of its ``at_least`` (MEM: 29 pages, the
          four yes/no criteria met): not validated
C000008   every unit validated in the first session: certified
C000009   last simple block incomplete in the first session, completed and validated
          in the second (B4): validated, certified
C000010   last part of the parted block not validated in the first session, validated
          in the second (B3 eti): the parts capitalise, the block is validated
========  =========================================================================

``borderline_cases(referential)`` describes them as data (block, part, expected status,
score, certification); ``expected_borderline_cases(referential)`` as numero → description.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl

from certif.domain.identity import ACCESS_PATHS
from certif.domain.numbers import format_quantity
from certif.domain.referential.schema import (
    Block,
    Criterion,
    CriterionKind,
    PassFailScoring,
    PointsScoring,
    Referential,
)
from certif.domain.rules.engine import Sheet
from certif.domain.rules.results import Status
from certif.domain.values import Value, parse_value
from certif.imports.columns import CANDIDATE_COLUMNS, SCORE_COLUMNS

_ACCESS_WEIGHTS = (14, 30, 10, 30, 8, 3, 5)

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Marie", "Anne", "Camille", "Léa", "Chloé", "Éloïse", "Hélène", "Inès", "Manon", "Sarah",
    "Julie", "Emma", "Zoé", "Clémence", "Agathe", "Margaux", "Noémie", "Aurélie", "Céline",
    "Sophie", "Nathalie", "Amélie", "Maëlle", "Océane", "Laëtitia", "Anaïs", "Fatima", "Yasmine",
    "Nadia", "Mélissa", "Jeanne", "Louise", "Alice", "Élodie", "Pauline", "Lucie", "Anne-Sophie",
    "Marie-Claire", "Bérénice", "Gaëlle", "Solène", "Aïcha", "Françoise", "Capucine",
)  # fmt: skip
MALE_FIRST_NAMES: tuple[str, ...] = (
    "Jean", "Pierre", "Louis", "Lucas", "Hugo", "Théo", "Mathéo", "Nicolas", "Julien", "Thomas",
    "Antoine", "Maxime", "Raphaël", "Gaël", "Noé", "Jérôme", "Stéphane", "Frédéric", "François",
    "Benoît", "Loïc", "Hervé", "Karim", "Mehdi", "Yanis", "Mohamed", "Sébastien", "Cédric",
    "Jean-Pierre", "Jean-Baptiste", "Paul", "Victor", "Arthur", "Éric", "Rémi", "Grégoire",
    "Adrien", "Baptiste", "Joël", "Anthony", "Kévin", "Timothée",
)  # fmt: skip
FAMILY_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Müller", "Boyer", "Chevalier", "Gauthier", "Perrin", "Robin", "Clément", "Morin", "Henry",
    "Roussel", "Mathieu", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Lemaire", "Noël",
    "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Brunet",
    "Gaillard", "Barbier", "Arnaud", "Le Gall", "Le Goff", "Nguyen", "Benali", "Haddad",
    "Da Silva", "Dos Santos", "Ferreira", "Schmitt", "Kieffer", "Lévêque", "Bénard", "Lopez",
    "Fontaine", "Pélissier", "Hoarau", "Payet", "N'Diaye", "Traoré", "Bouchard", "Béranger",
    "Séguin", "Ménard", "Château",
)  # fmt: skip
# Real communes with their INSEE code.
FRENCH_COMMUNES: tuple[tuple[str, str], ...] = (
    ("75056", "Paris"), ("69123", "Lyon"), ("13055", "Marseille"), ("31555", "Toulouse"),
    ("33063", "Bordeaux"), ("59350", "Lille"), ("44109", "Nantes"), ("67482", "Strasbourg"),
    ("34172", "Montpellier"), ("35238", "Rennes"), ("06088", "Nice"), ("51454", "Reims"),
    ("76351", "Le Havre"), ("42218", "Saint-Étienne"), ("83137", "Toulon"), ("38185", "Grenoble"),
    ("21231", "Dijon"), ("49007", "Angers"), ("30189", "Nîmes"), ("63113", "Clermont-Ferrand"),
    ("72181", "Le Mans"), ("29019", "Brest"), ("37261", "Tours"), ("80021", "Amiens"),
    ("87085", "Limoges"), ("2A004", "Ajaccio"), ("97411", "Saint-Denis"), ("57463", "Metz"),
    ("25056", "Besançon"), ("45234", "Orléans"), ("14118", "Caen"), ("76540", "Rouen"),
)  # fmt: skip
# Births abroad: the country by name, the city without a French code.
FOREIGN_BIRTHPLACES: tuple[tuple[str, str], ...] = (
    ("Maroc", "Casablanca"), ("Algérie", "Alger"), ("Tunisie", "Tunis"), ("Portugal", "Porto"),
    ("Sénégal", "Dakar"), ("Belgique", "Bruxelles"), ("Côte d'Ivoire", "Abidjan"),
    ("Espagne", "Madrid"), ("Italie", "Milan"), ("Allemagne", "Stuttgart"),
    ("Cameroun", "Douala"), ("Roumanie", "Bucarest"),
)  # fmt: skip
ACCOMMODATIONS: tuple[str, ...] = (
    "Tiers-temps",
    "Tiers-temps ; salle isolée",
    "Tiers-temps ; ordinateur sans accès internet",
    "Tiers-temps ; sujets en gros caractères",
)
SESSION_PLACES: tuple[str, ...] = ("Paris", "Lyon", "Bordeaux", "Lille")
# The two sessions the demo's cohort sits: the first deliberated, the second's jury open.
DEMO_SESSIONS: tuple[str, str] = ("2026-06", "2026-12")

# Random spread, as integers (percent, or per 256 / per 1000 of a random byte).
_ABILITY_BASE = 53  # a candidate's level, in percent of the maxima: 53 to 93
_ABILITY_SPREAD = 40
_BLOCK_NOISE = 10  # a block's level: the candidate's, ± 10 points of percent
_PART_NOISE = 4  # one sheet's level: its block's, ± 4 (parts of a block go together)
_RETAKE_BOOST = 14  # a retake is prepared: its level is raised
_INCOMPLETE_PER_256 = 2  # sheets left with one criterion missing in the first session
_RETURN_PER_256 = 60  # candidates with a unit not validated who come back
_YES_NO_MISSED_PER_1000 = 25
_SHORT_THESIS_PER_100 = 4
_MARGIN_PAGES = 12  # pages above the minimum for a comfortable thesis

_SESSION_CODE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class DemoSession:
    code: str
    start: date
    end: date
    place: str


@dataclass(frozen=True)
class DemoCohort:
    candidates: pl.DataFrame  # exactly the candidates import columns, all strings
    scores: pl.DataFrame  # candidat, session, bloc, partie, critere, valeur, all strings
    sessions: tuple[DemoSession, ...]


@dataclass(frozen=True)
class BorderlineCase:
    """A case carried by one candidate, with what the rules engine must decide.

    ``status`` is the final status of the unit (``part`` of ``block``, or the block itself);
    ``score`` is its exact retained score when the case pins it down.
    """

    numero: str
    description: str
    block: str
    part: str | None
    status: Status
    score: Fraction | None
    certified: bool


# -- points, exactly ---------------------------------------------------------------------------

_QUARTER = 25  # in hundredths


def _hundredths(value: Decimal | Fraction | int) -> int:
    exact = Fraction(value) * 100
    if exact.denominator != 1:
        raise ValueError(f"{value} a plus de deux décimales")
    return int(exact)


def _max_hundredths(criterion: Criterion) -> int:
    return _hundredths(criterion.max_points or 0)


def _points_text(hundredths: int) -> str:
    """« 3 », « 2,5 », « 0,75 », « 2,49 »: a decimal comma, no useless zero."""
    whole, fraction = divmod(hundredths, 100)
    if fraction == 0:
        return str(whole)
    return f"{whole},{fraction:02d}".rstrip("0")


def _value_text(criterion: Criterion, value: Value) -> str:
    if criterion.kind == CriterionKind.YES_NO:
        return "oui" if value else "non"
    if criterion.kind == CriterionKind.INTEGER:
        return str(int(value))
    return _points_text(_hundredths(Decimal(value)))


def _quarter_floor(hundredths: int) -> int:
    return hundredths - hundredths % _QUARTER


def _ceil_hundredths(value: Fraction) -> int:
    return -((-value.numerator * 100) // value.denominator)


def _fraction_hundredths(hundredths: int) -> Fraction:
    return Fraction(hundredths, 100)


def points_criteria(block: Block) -> list[Criterion]:
    return [criterion for criterion in block.criteria if criterion.kind == CriterionKind.POINTS]


def distribute_total(block: Block, total: Decimal | Fraction | int) -> dict[str, Decimal]:
    """Spread a raw total over the block's points criteria, each within its maximum.

    Each criterion first gets its proportional share, in quarter points; what is left goes
    in quarter points then, for a total with two decimals, as a last odd amount on one
    criterion (11,99 on five criteria of 4 → 2,5 + 2,5 + 2,49 + 2,25 + 2,25).
    """
    target = _hundredths(total)
    criteria = points_criteria(block)
    maxima = [_max_hundredths(criterion) for criterion in criteria]
    ceiling = sum(maxima)
    if target < 0 or target > ceiling:
        raise ValueError(f"{block.code} : {total} hors de 0 à {_points_text(ceiling)}")
    given = [_quarter_floor(target * maximum // ceiling) if ceiling else 0 for maximum in maxima]
    remaining = target - sum(given)
    while remaining >= _QUARTER:
        progressed = False
        for index, maximum in enumerate(maxima):
            if remaining >= _QUARTER and given[index] + _QUARTER <= maximum:
                given[index] += _QUARTER
                remaining -= _QUARTER
                progressed = True
        if not progressed:
            break
    for index, maximum in enumerate(maxima):
        step = min(remaining, maximum - given[index])
        given[index] += step
        remaining -= step
    assert remaining == 0
    return {
        criterion.code: Decimal(amount).scaleb(-2)
        for criterion, amount in zip(criteria, given, strict=True)
    }


# -- what the référentiel says about each unit ------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """One assessed unit: a block without parts, or one part of a block with parts."""

    block: Block
    part: str | None
    maxima: int  # hundredths: the sum of the points criteria's maxima
    required: Fraction | None  # the least raw total that validates (points scoring)

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.block.code, self.part)


def _required_raw(block: Block) -> tuple[int, Fraction | None]:
    maxima = sum(_max_hundredths(criterion) for criterion in points_criteria(block))
    scoring = block.scoring
    if not isinstance(scoring, PointsScoring):
        return maxima, None
    proportional = scoring.normalisation == "proportional" and maxima > 0
    scale = Fraction(scoring.out_of) / Fraction(maxima, 100) if proportional else Fraction(1)
    return maxima, Fraction(scoring.threshold) / scale


def _units(referential: Referential) -> list[_Unit]:
    units: list[_Unit] = []
    for block in referential.blocks:
        maxima, required = _required_raw(block)
        parts: list[str | None] = [part.code for part in block.parts] or [None]
        units.extend(_Unit(block, part, maxima, required) for part in parts)
    return units


def _conditions(block: Block, criterion: Criterion) -> tuple[bool | None, int | None]:
    """The value a pass/fail condition requires (``equals``) and the least one (``at_least``)."""
    if not isinstance(block.scoring, PassFailScoring):
        return None, None
    equals: bool | None = None
    at_least: int | None = None
    for condition in block.scoring.conditions:
        if condition.criterion != criterion.code:
            continue
        if condition.equals is not None:
            equals = condition.equals
        if condition.at_least is not None:
            at_least = max(condition.at_least, at_least or condition.at_least)
    return equals, at_least


def _integer_floor(block: Block, criterion: Criterion) -> int | None:
    """The least count that passes: the condition's ``at_least``, else the modality's pages."""
    _, at_least = _conditions(block, criterion)
    if at_least is not None:
        return at_least
    return next((m.min_pages for m in block.modalities if m.min_pages is not None), None)


def _comfortable_total(unit: _Unit) -> int:
    """A raw total (hundredths) halfway between the threshold and the maxima, in quarters."""
    least = _ceil_hundredths(unit.required) if unit.required is not None else 0
    return _quarter_floor((least + unit.maxima) // 2)


def _comfortable_values(unit: _Unit) -> dict[str, Value]:
    """Values that validate the unit with a margin."""
    values: dict[str, Value] = {}
    if unit.required is not None:
        values.update(distribute_total(unit.block, _decimal(_comfortable_total(unit))))
    for criterion in unit.block.criteria:
        if criterion.kind == CriterionKind.YES_NO:
            equals, _ = _conditions(unit.block, criterion)
            values[criterion.code] = True if equals is None else equals
        elif criterion.kind == CriterionKind.INTEGER:
            floor = _integer_floor(unit.block, criterion)
            values[criterion.code] = (floor or 0) + _MARGIN_PAGES
        elif criterion.code not in values:
            values[criterion.code] = _decimal(_quarter_floor(_max_hundredths(criterion) // 2))
    return values


def _decimal(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2)


# -- the borderline cases ---------------------------------------------------------------------

UnitKey = tuple[str, str | None]


@dataclass(frozen=True)
class _Case:
    case: BorderlineCase
    first: Mapping[UnitKey, Mapping[str, Value]] = field(default_factory=dict)
    second: Mapping[UnitKey, Mapping[str, Value]] = field(default_factory=dict)


def _numero(index: int) -> str:
    return f"C{index + 1:06d}"


def _cases(referential: Referential, sessions: tuple[str, str]) -> list[_Case | None]:
    """The ten cases, in candidate order; ``None`` where the référentiel has no such unit."""
    units = _units(referential)
    requires = set(referential.certification.requires)
    simple = [u for u in units if u.required is not None and not u.block.parts]
    parted_blocks = [
        b for b in referential.blocks if b.parts and isinstance(b.scoring, PointsScoring)
    ]
    pass_fail = [
        (u, criterion)
        for u in units
        if isinstance(u.block.scoring, PassFailScoring)
        for criterion in u.block.criteria
        if criterion.kind == CriterionKind.INTEGER
        and _conditions(u.block, criterion)[1] is not None
    ]
    first, second = sessions
    unit_of = {unit.key: unit for unit in units}

    def case(
        index: int,
        unit: _Unit,
        description: str,
        status: Status,
        score: Fraction | None,
        s1: Mapping[str, Value] | None = None,
        s2: Mapping[str, Value] | None = None,
        also_second: Mapping[UnitKey, Mapping[str, Value]] | None = None,
    ) -> _Case:
        certified = status is Status.VALIDATED or unit.block.code not in requires
        second_sheets = dict(also_second or {})
        if s2 is not None:
            second_sheets[unit.key] = s2
        return _Case(
            BorderlineCase(
                _numero(index), description, unit.block.code, unit.part, status, score, certified
            ),
            {unit.key: s1} if s1 is not None else {},
            second_sheets,
        )

    def scoring(unit: _Unit) -> PointsScoring:
        assert isinstance(unit.block.scoring, PointsScoring)
        return unit.block.scoring

    def score_of(unit: _Unit, raw: int) -> Fraction:
        points = scoring(unit)
        if points.normalisation == "proportional" and unit.maxima:
            return _fraction_hundredths(raw) * Fraction(points.out_of) / Fraction(unit.maxima, 100)
        return _fraction_hundredths(raw)

    def on(unit: _Unit, raw: int) -> dict[str, Value]:
        return dict(distribute_total(unit.block, _decimal(raw)))

    def q(value: Fraction | int) -> str:
        return format_quantity(value)

    def of20(unit: _Unit) -> str:
        points = scoring(unit)
        return f"{q(Fraction(points.threshold))}/{q(Fraction(points.out_of))}"

    cases: list[_Case | None] = [None] * 10
    if simple:
        unit = simple[0]
        assert unit.required is not None
        at = _ceil_hundredths(unit.required)
        exactly = "exactement" if _fraction_hundredths(at) == unit.required else "au plus près de"
        cases[0] = case(
            0, unit,
            f"{unit.block.code} à {exactly} le seuil : total brut {_points_text(at)} → "
            f"{q(score_of(unit, at))}/{q(Fraction(scoring(unit).out_of))} (seuil {of20(unit)}), validé",
            Status.VALIDATED, score_of(unit, at), s1=on(unit, at),
        )  # fmt: skip
        if at >= 1:
            below = at - 1
            cases[1] = case(
                1, unit,
                f"{unit.block.code} juste sous le seuil : total brut {_points_text(below)} "
                f"(seuil {of20(unit)}), non validé",
                Status.NOT_VALIDATED, score_of(unit, below), s1=on(unit, below),
            )  # fmt: skip
        last = simple[-1]
        missing = points_criteria(last.block)[-1].code
        incomplete = {k: v for k, v in _comfortable_values(last).items() if k != missing}
        cases[4] = case(
            4, last,
            f"{last.block.code} incomplet en session {first} ({missing} manquant), "
            "jamais complété : incomplet",
            Status.INCOMPLETE, None, s1=incomplete,
        )  # fmt: skip
        retake = simple[1 % len(simple)]
        assert retake.required is not None
        low = _quarter_floor(_ceil_hundredths(retake.required) * 3 // 4)
        high = _comfortable_total(retake)
        cases[5] = case(
            5, retake,
            f"{retake.block.code} non validé en session {first} (total brut {_points_text(low)}), "
            f"validé en session {second} (total brut {_points_text(high)}) : rattrapage",
            Status.VALIDATED, score_of(retake, high), s1=on(retake, low), s2=on(retake, high),
        )  # fmt: skip
        cases[8] = case(
            8, last,
            f"{last.block.code} incomplet en session {first} ({missing} manquant), "
            f"complété et validé en session {second}",
            Status.VALIDATED, None, s1=incomplete, s2=_comfortable_values(last),
        )  # fmt: skip
    if parted_blocks:
        block = parted_blocks[0]
        codes = [part.code for part in block.parts]
        unit = unit_of[(block.code, codes[0])]
        assert unit.required is not None
        at = _ceil_hundredths(unit.required)
        cases[2] = case(
            2, unit,
            f"{block.code} partie {unit.part} au seuil proportionnel : total brut "
            f"{_points_text(at)} sur {_points_text(unit.maxima)} → "
            f"{q(score_of(unit, at))}/{q(Fraction(scoring(unit).out_of))}, partie validée",
            Status.VALIDATED, score_of(unit, at), s1=on(unit, at),
        )  # fmt: skip
        unit = unit_of[(block.code, codes[1 % len(codes)])]
        below = _quarter_floor(_ceil_hundredths(unit.required or Fraction(0)) - 1)
        if below >= 0:
            cases[3] = case(
                3, unit,
                f"{block.code} partie {unit.part} juste sous le seuil proportionnel : total brut "
                f"{_points_text(below)} sur {_points_text(unit.maxima)}, partie non validée",
                Status.NOT_VALIDATED, score_of(unit, below), s1=on(unit, below),
            )  # fmt: skip
        unit = unit_of[(block.code, codes[-1])]
        low = _quarter_floor(_ceil_hundredths(unit.required or Fraction(0)) * 3 // 4)
        high = _comfortable_total(unit)
        capitalise = scoring(unit).capitalise_parts
        # Parts that do not capitalise are all taken again in the session of the retake.
        others: dict[UnitKey, Mapping[str, Value]] = {
            key: _comfortable_values(unit_of[key])
            for key in ((block.code, code) for code in codes[:-1])
            if not capitalise
        }
        rule = "les parties se capitalisent" if capitalise else "toutes les parties repassées"
        cases[9] = case(
            9, unit,
            f"{block.code} partie {unit.part} non validée en session {first} (total brut "
            f"{_points_text(low)}), validée en session {second} : {rule}, {block.code} validé",
            Status.VALIDATED, score_of(unit, high), s1=on(unit, low), s2=on(unit, high),
            also_second=others,
        )  # fmt: skip
    if pass_fail:
        unit, criterion = pass_fail[0]
        least = _conditions(unit.block, criterion)[1]
        assert least is not None
        values = _comfortable_values(unit)
        values[criterion.code] = least - 1
        cases[6] = case(
            6, unit,
            f"{unit.block.code} à {least - 1} pour {criterion.code} (au moins {least}), "
            "autres conditions remplies : non validé",
            Status.NOT_VALIDATED, None, s1=values,
        )  # fmt: skip
    certified_unit = units[0]
    cases[7] = _Case(
        BorderlineCase(
            _numero(7),
            f"toutes les unités validées en session {first} : certifié",
            certified_unit.block.code,
            certified_unit.part,
            Status.VALIDATED,
            None,
            True,
        )
    )
    return cases


def borderline_cases(
    referential: Referential, sessions: tuple[str, str] = DEMO_SESSIONS
) -> tuple[BorderlineCase, ...]:
    """The cases carried by the first candidates (see the module docstring)."""
    return tuple(c.case for c in _cases(referential, sessions) if c is not None)


def expected_borderline_cases(
    referential: Referential, sessions: tuple[str, str] = DEMO_SESSIONS
) -> dict[str, str]:
    """numero → what that candidate's sheets test."""
    return {case.numero: case.description for case in borderline_cases(referential, sessions)}


# -- sessions ---------------------------------------------------------------------------------


def _demo_session(code: str, index: int) -> DemoSession:
    """The second week of the session's month, Monday to Friday."""
    match = _SESSION_CODE.match(code)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"code de session « {code} » : attendu AAAA-MM")
    first_day = date(int(match.group(1)), int(match.group(2)), 1)
    start = first_day + timedelta(days=(7 - first_day.weekday()) % 7 + 7)
    return DemoSession(code, start, start + timedelta(days=4), SESSION_PLACES[index % 4])


# -- identities -------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9-]+", "", plain.replace(" ", "-"))


def _french_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _identities(size: int, rng: random.Random, first_session: date) -> pl.DataFrame:
    """Plausible French identities, drawn column by column (one ``choices`` call each)."""
    percent = range(100)
    female = rng.choices(percent, k=size)
    counts = rng.choices((1, 2, 3), weights=(70, 22, 8), k=size)
    picks = rng.choices(range(1 << 20), k=3 * size)
    birth_names = rng.choices(FAMILY_NAMES, k=size)
    usage_rolls = rng.choices(percent, k=size)
    usage_names = rng.choices(FAMILY_NAMES, k=size)
    born = rng.choices(
        range(date(1975, 1, 1).toordinal(), date(2006, 12, 31).toordinal() + 1), k=size
    )
    abroad = rng.choices(percent, k=size)
    communes = rng.choices(FRENCH_COMMUNES, k=size)
    foreign = rng.choices(FOREIGN_BIRTHPLACES, k=size)
    phones = rng.choices(percent, k=4 * size)
    registered = rng.choices(range(30, 331), k=size)
    extra_rolls = rng.choices(percent, k=size)
    accommodations = rng.choices(ACCOMMODATIONS, k=size)
    access = rng.choices(list(ACCESS_PATHS), weights=_ACCESS_WEIGHTS, k=size)

    plain = {name: _ascii(name) for name in (*FEMALE_FIRST_NAMES, *MALE_FIRST_NAMES, *FAMILY_NAMES)}
    first_session_day = first_session.toordinal()
    columns: dict[str, list[str | None]] = {name: [] for name in CANDIDATE_COLUMNS}
    for index in range(size):
        is_female = female[index] < 60
        pool = FEMALE_FIRST_NAMES if is_female else MALE_FIRST_NAMES
        first_names: list[str] = []
        for pick in picks[3 * index : 3 * index + counts[index]]:
            name = pool[pick % len(pool)]
            if name not in first_names:
                first_names.append(name)
        birth_name = birth_names[index]
        usage_name: str | None = usage_names[index]
        if usage_name == birth_name or usage_rolls[index] >= (15 if is_female else 2):
            usage_name = None
        if abroad[index] < 88:
            birth_code: str | None
            birth_code, commune = communes[index]
            country = "France"
        else:
            birth_code = None
            country, commune = foreign[index]
        extra = extra_rolls[index] < 3
        columns["numero"].append(_numero(index))
        columns["nom_naissance"].append(birth_name)
        columns["nom_usage"].append(usage_name)
        columns["prenoms"].append(" ".join(first_names))
        columns["sexe"].append("F" if is_female else "M")
        columns["date_naissance"].append(_french_date(date.fromordinal(born[index])))
        columns["code_commune_naissance"].append(birth_code)
        columns["commune_naissance"].append(commune)
        columns["pays_naissance"].append(country)
        columns["email"].append(f"{plain[first_names[0]]}.{plain[birth_name]}@example.org")
        columns["telephone"].append(
            "06 {:02d} {:02d} {:02d} {:02d}".format(*phones[4 * index : 4 * index + 4])
        )
        columns["voie_acces"].append(access[index])
        columns["date_inscription"].append(
            _french_date(date.fromordinal(first_session_day - registered[index]))
        )
        columns["temps_majore"].append("33" if extra else None)
        columns["amenagements"].append(accommodations[index] if extra else None)
    return pl.DataFrame(columns, schema={name: pl.String for name in CANDIDATE_COLUMNS})


# -- scores of the borderline candidates (plain rows) -----------------------------------------

Row = tuple[str, str, str, str | None, str, str]


def _sheet_rows(numero: str, session: str, unit: _Unit, values: Mapping[str, Value]) -> list[Row]:
    return [
        (
            numero,
            session,
            unit.block.code,
            unit.part,
            criterion.code,
            _value_text(criterion, values[criterion.code]),
        )
        for criterion in unit.block.criteria
        if criterion.code in values
    ]


def _borderline_rows(
    cases: Sequence[_Case | None], units: Sequence[_Unit], sessions: tuple[str, str]
) -> tuple[list[Row], list[Row]]:
    first_rows: list[Row] = []
    second_rows: list[Row] = []
    for index, item in enumerate(cases):
        numero = _numero(index)
        for unit in units:
            values = item.first.get(unit.key) if item is not None else None
            first_rows += _sheet_rows(
                numero, sessions[0], unit, values or _comfortable_values(unit)
            )
            retake = item.second.get(unit.key) if item is not None else None
            if retake is not None:
                second_rows += _sheet_rows(numero, sessions[1], unit, retake)
    return first_rows, second_rows


def _rows_frame(rows: list[Row]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={name: pl.String for name in SCORE_COLUMNS}, orient="row")


# -- scores of everyone else (vectorised, one row per candidate, one column per criterion) ----


@dataclass(frozen=True)
class _Slot:
    """One criterion of one unit: a column of the wide frame, a row per candidate when long."""

    unit: int
    block: Block
    part: str | None
    criterion: Criterion
    position: int

    @property
    def kind(self) -> CriterionKind:
        return self.criterion.kind

    @property
    def max_quarters(self) -> int:
        return _max_hundredths(self.criterion) // _QUARTER


def _slots(units: Sequence[_Unit]) -> list[_Slot]:
    return [
        _Slot(index, unit.block, unit.part, criterion, position)
        for index, unit in enumerate(units)
        for position, criterion in enumerate(unit.block.criteria)
    ]


def _random_bytes(rng: random.Random, count: int) -> pl.Series:
    return pl.Series(list(rng.randbytes(count)), dtype=pl.Int64)


def _drawn_value(slot: _Slot, level: pl.Expr, a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """A value drawn from the sheet's level (percent of the maxima) and two random bytes."""
    if slot.kind == CriterionKind.POINTS:
        top = slot.max_quarters
        return ((top * level + 50) // 100 + a % 5 - 2).clip(0, top)
    if slot.kind == CriterionKind.YES_NO:
        equals, _ = _conditions(slot.block, slot.criterion)
        good = 1 if equals is None else int(equals)
        missed = (a * 256 + b) % 1000 < _YES_NO_MISSED_PER_1000
        return pl.when(missed).then(pl.lit(1 - good)).otherwise(pl.lit(good))
    floor = _integer_floor(slot.block, slot.criterion)
    if floor is None:
        return 1 + a % 80
    short = b % 100 < _SHORT_THESIS_PER_100
    return pl.when(short).then((floor - 1 - a % 10).clip(lower_bound=1)).otherwise(floor + a % 51)


def _value_text_expr(slot: _Slot, value: pl.Expr) -> pl.Expr:
    if slot.kind == CriterionKind.POINTS:
        texts = [_points_text(quarter * _QUARTER) for quarter in range(slot.max_quarters + 1)]
        return pl.lit(pl.Series(texts, dtype=pl.String)).gather(value)
    if slot.kind == CriterionKind.YES_NO:
        return pl.when(value == 1).then(pl.lit("oui")).otherwise(pl.lit("non"))
    return value.cast(pl.String)


def _hundredths_expr(slot: _Slot, value: pl.Expr) -> pl.Expr:
    """The value as the engine adds it up, in hundredths (oui counts 1, as ``Fraction(True)``)."""
    return value * _QUARTER if slot.kind == CriterionKind.POINTS else value * 100


def _condition_met(slot: _Slot, value: pl.Expr) -> pl.Expr:
    """Whether the value meets the pass/fail conditions on its criterion, as the engine judges."""
    met = pl.lit(True)
    if not isinstance(slot.block.scoring, PassFailScoring):
        return met
    for condition in slot.block.scoring.conditions:
        if condition.criterion != slot.criterion.code:
            continue
        if condition.at_least is not None:
            met = met & (
                pl.lit(False)
                if slot.kind == CriterionKind.YES_NO
                else _hundredths_expr(slot, value) >= condition.at_least * 100
            )
        if condition.equals is not None:
            met = met & (
                value == int(condition.equals)
                if slot.kind == CriterionKind.YES_NO
                else pl.lit(False)
            )
    return met


def _unit_passed(unit: _Unit, slots: Sequence[_Slot], values: Sequence[pl.Expr]) -> pl.Expr:
    if unit.required is None:
        return pl.all_horizontal(
            [_condition_met(s, v) for s, v in zip(slots, values, strict=True)] or [pl.lit(True)]
        )
    raw = pl.sum_horizontal(
        [_hundredths_expr(s, v) for s, v in zip(slots, values, strict=True)] or [pl.lit(0)]
    )
    return raw * unit.required.denominator >= unit.required.numerator * 100


def _long(
    wide: pl.DataFrame, texts: Sequence[str], slots: Sequence[_Slot], session: str
) -> pl.DataFrame:
    """One row per candidate and criterion, candidate by candidate; null values are dropped."""
    width, height = len(slots), wide.height
    rows = width * height
    index = pl.int_range(0, rows, eager=True, dtype=pl.Int64)
    position = index % width
    # ``unpivot`` lays the values out criterion by criterion; reorder them candidate by candidate.
    values = wide.select(texts).unpivot()["value"].gather(position * height + index // width)
    long = pl.DataFrame(
        {
            "candidat": wide["candidat"].gather(index // width),
            "session": pl.repeat(session, rows, dtype=pl.String, eager=True),
            "bloc": pl.Series([s.block.code for s in slots], dtype=pl.String).gather(position),
            "partie": pl.Series([s.part for s in slots], dtype=pl.String).gather(position),
            "critere": pl.Series([s.criterion.code for s in slots], dtype=pl.String).gather(
                position
            ),
            "valeur": values,
        },
        schema={name: pl.String for name in SCORE_COLUMNS},
    )
    return long.filter(pl.col("valeur").is_not_null())


def _random_scores(
    referential: Referential, first_index: int, size: int, sessions: tuple[str, str], seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(f"certif-demo-scores:{seed}")
    units = _units(referential)
    slots = _slots(units)
    if not slots:
        empty = _rows_frame([])
        return empty, empty
    count = max(size - first_index, 0)

    def draw() -> pl.Series:
        return _random_bytes(rng, count)

    def noise(spread: int) -> pl.Series:
        return (draw() - 128) * spread // 128

    # A candidate's level: the mean of three bytes, so that levels cluster in the middle.
    ability = _ABILITY_BASE + (draw() + draw() + draw()) * _ABILITY_SPREAD // (3 * 255)
    columns: dict[str, pl.Series] = {
        "candidat": pl.Series([_numero(first_index + i) for i in range(count)], dtype=pl.String),
        "_ability": ability,
        "_back": draw() < _RETURN_PER_256,
    }
    block_level = {block.code: ability + noise(_BLOCK_NOISE) for block in referential.blocks}
    for u, unit in enumerate(units):
        columns[f"_level{u}"] = block_level[unit.block.code] + noise(_PART_NOISE)
        columns[f"_retake_level{u}"] = ability + _RETAKE_BOOST + noise(_BLOCK_NOISE)
        columns[f"_incomplete{u}"] = draw() < _INCOMPLETE_PER_256
        columns[f"_missing{u}"] = draw()
    for k in range(len(slots)):
        columns[f"_a{k}"] = draw()
        columns[f"_b{k}"] = draw()
    wide = pl.DataFrame(columns)

    value = [pl.col(f"_v{k}") for k in range(len(slots))]
    wide = wide.with_columns(
        _drawn_value(slot, pl.col(f"_level{slot.unit}"), pl.col(f"_a{k}"), pl.col(f"_b{k}")).alias(
            f"_v{k}"
        )
        for k, slot in enumerate(slots)
    )
    of_unit = [[k for k, slot in enumerate(slots) if slot.unit == u] for u in range(len(units))]
    wide = wide.with_columns(
        (
            ~_unit_passed(unit, [slots[k] for k in of_unit[u]], [value[k] for k in of_unit[u]])
            & ~pl.col(f"_incomplete{u}")
        ).alias(f"_failed{u}")
        for u, unit in enumerate(units)
    )
    # A unit is taken again when it failed or was left incomplete; when the parts of a block
    # do not capitalise, one failed part sends every part of the block back.
    retaken = []
    for u, unit in enumerate(units):
        scoring = unit.block.scoring
        siblings = [
            v
            for v, other in enumerate(units)
            if other.block.code == unit.block.code
            and isinstance(scoring, PointsScoring)
            and not scoring.capitalise_parts
        ] or [u]
        retaken.append(
            (
                pl.col(f"_incomplete{u}")
                | pl.any_horizontal(pl.col(f"_failed{v}") for v in siblings)
            ).alias(f"_retaken{u}")
        )
    wide = wide.with_columns(retaken).with_columns(
        _returning=pl.any_horizontal(pl.col(f"_incomplete{u}") for u in range(len(units)))
        | (pl.any_horizontal(pl.col(f"_failed{u}") for u in range(len(units))) & pl.col("_back"))
    )

    first_texts = []
    for k, slot in enumerate(slots):
        unit = units[slot.unit]
        dropped = pl.col(f"_incomplete{slot.unit}") & (
            pl.col(f"_missing{slot.unit}") % len(unit.block.criteria) == slot.position
        )
        text = _value_text_expr(slot, value[k])
        first_texts.append(pl.when(dropped).then(None).otherwise(text).alias(f"_t{k}"))
    wide_first = wide.with_columns(first_texts)
    first = _long(wide_first, [f"_t{k}" for k in range(len(slots))], slots, sessions[0])

    back = wide.filter(pl.col("_returning"))
    redraw = [(_random_bytes(rng, back.height), _random_bytes(rng, back.height)) for _ in slots]
    back = back.with_columns(
        column
        for k, (a, b) in enumerate(redraw)
        for column in (a.alias(f"_a{k}"), b.alias(f"_b{k}"))
    )
    back = back.with_columns(
        _drawn_value(
            slot, pl.col(f"_retake_level{slot.unit}"), pl.col(f"_a{k}"), pl.col(f"_b{k}")
        ).alias(f"_v{k}")
        for k, slot in enumerate(slots)
    )
    back = back.with_columns(
        pl.when(pl.col(f"_retaken{slot.unit}"))
        .then(_value_text_expr(slot, value[k]))
        .otherwise(None)
        .alias(f"_t{k}")
        for k, slot in enumerate(slots)
    )
    second = _long(back, [f"_t{k}" for k in range(len(slots))], slots, sessions[1])
    return first, second


# -- the cohort -------------------------------------------------------------------------------


def generate_cohort(
    referential: Referential,
    size: int,
    seed: int = 2026,
    sessions: tuple[str, str] = DEMO_SESSIONS,
) -> DemoCohort:
    """``size`` candidates and their sheets over two sessions; the same inputs, the same frames."""
    if size < 0:
        raise ValueError("la taille d'une cohorte ne peut pas être négative")
    if sessions[0] == sessions[1]:
        raise ValueError("les deux sessions doivent être différentes")
    demo_sessions = tuple(_demo_session(code, index) for index, code in enumerate(sessions))
    identities = _identities(
        size, random.Random(f"certif-demo-identities:{seed}"), demo_sessions[0].start
    )
    units = _units(referential)
    cases = _cases(referential, sessions)[:size]
    special_first, special_second = _borderline_rows(cases, units, sessions)
    random_first, random_second = _random_scores(referential, len(cases), size, sessions, seed)
    scores = pl.concat(
        [_rows_frame(special_first), random_first, _rows_frame(special_second), random_second],
        how="vertical",
    )
    return DemoCohort(identities, scores, demo_sessions)


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write in the import format: ``;`` separator, UTF-8 without byte-order mark."""
    frame.write_csv(path, separator=";", include_bom=False, line_terminator="\n")


# -- reading the rows back as sheets ----------------------------------------------------------


def sheets_from_scores(
    frame: pl.DataFrame,
    referential: Referential,
    session_dates: Mapping[str, date] | None = None,
) -> dict[str, list[Sheet]]:
    """Group score rows into the rules engine's sheets, per candidate (values parsed exactly)."""
    criteria: dict[tuple[str, str], Criterion] = {
        (block.code, criterion.code): criterion
        for block in referential.blocks
        for criterion in block.criteria
    }
    grouped: dict[str, dict[tuple[str, str, str | None], dict[str, Value]]] = {}
    for candidate, session, block, part, code, text in frame.select(SCORE_COLUMNS).iter_rows():
        criterion = criteria.get((block, code))
        if criterion is None:
            raise ValueError(f"{block} : critère inconnu « {code} »")
        sheets = grouped.setdefault(candidate, {})
        sheets.setdefault((session, block, part or None), {})[code] = parse_value(criterion, text)
    dates = session_dates or {}
    return {
        candidate: [
            Sheet(session, block, values, part=part, session_date=dates.get(session))
            for (session, block, part), values in sheets.items()
        ]
        for candidate, sheets in grouped.items()
    }
