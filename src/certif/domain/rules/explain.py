"""Plain-language explanations of the engine's decisions, in French (default) and English.

The domain core has no gettext: the two languages are written here side by side,
from the structured results, so a stored result is explained the same way as a
fresh one.
"""

from __future__ import annotations

from collections.abc import Sequence

from certif.domain.numbers import format_quantity, format_score
from certif.domain.rules.results import BlockResult, CandidateResult, Failure, Status, UnitResult
from certif.domain.vocabulary import Label, language_of

# The one catalogue of the statuses' words: a block or the mémoire (masculine), a part of a
# block (« partie », feminine). Django's choices, the pages, the documents and the explanations
# below all take their words from here.
STATUS_LABELS: dict[Status, Label] = {
    Status.VALIDATED: Label("validé", "validated"),
    Status.NOT_VALIDATED: Label("non validé", "not validated"),
    Status.INCOMPLETE: Label("incomplet", "incomplete"),
    Status.NOT_ASSESSED: Label("non évalué", "not assessed"),
}
PART_STATUS_LABELS: dict[Status, Label] = {
    Status.VALIDATED: Label("validée", "validated"),
    Status.NOT_VALIDATED: Label("non validée", "not validated"),
    Status.INCOMPLETE: Label("incomplète", "incomplete"),
    Status.NOT_ASSESSED: Label("non évaluée", "not assessed"),
}


def status_label(status: Status | str, lang: str = "fr", *, part: bool = False) -> str:
    """« validé », « partie … validée » agreeing with a part, in ``lang``."""
    labels = PART_STATUS_LABELS if part else STATUS_LABELS
    return labels[Status(status)].in_language(lang)


_MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "score": "{score}/{out_of}",
        "threshold": "seuil {threshold}/{out_of}",
        "session": "session {session}",
        "best": "meilleure note",
        "missing": "sans note pour {criteria}",
        "part": "partie",
        "no_complete_sheet": "aucune feuille complète",
        "expired": "validation expirée",
        "unfinished": "notation de la session {session} inachevée",
        "all_conditions": "toutes les conditions sont remplies",
        "at_least": "{criterion} = {value}, minimum {expected}",
        "equals.true": "{criterion} : {value}",
        "equals.false": "{criterion} : {value}",
        "yes": "oui",
        "no": "non",
        "certified": "Certification obtenue : {blocks} validés.",
        "not_certified": "Certification non obtenue : {reasons}.",
        "not_certified_short": "Certification non obtenue.",
        "and": " et ",
        "colon": " : ",
        "list_sep": " ; ",
        "decimal_sep": ",",
    },
    "en": {
        "score": "{score}/{out_of}",
        "threshold": "threshold {threshold}/{out_of}",
        "session": "session {session}",
        "best": "best score",
        "missing": "no score for {criteria}",
        "part": "part",
        "no_complete_sheet": "no complete sheet",
        "expired": "validation expired",
        "unfinished": "grading of session {session} unfinished",
        "all_conditions": "every condition is met",
        "at_least": "{criterion} = {value}, minimum {expected}",
        "equals.true": "{criterion}: {value}",
        "equals.false": "{criterion}: {value}",
        "yes": "yes",
        "no": "no",
        "certified": "Certification granted: {blocks} validated.",
        "not_certified": "Certification not granted: {reasons}.",
        "not_certified_short": "Certification not granted.",
        "and": " and ",
        "colon": ": ",
        "list_sep": "; ",
        "decimal_sep": ".",
    },
}


def _messages(lang: str) -> dict[str, str]:
    return _MESSAGES[language_of(lang)]


def _sep(lang: str) -> str:
    return _messages(lang)["decimal_sep"]


def _headline(unit: UnitResult | BlockResult, status: Status, is_part: bool, lang: str) -> str:
    """« B1 validé », « partie PME non validée »."""
    words = status_label(status, lang, part=is_part)
    if is_part:
        return f"{_messages(lang)['part']} {unit.name} {words}"
    return f"{unit.name} {words}"


def _score_and_threshold(unit: UnitResult, lang: str) -> list[str]:
    m, sep = _messages(lang), _sep(lang)
    out_of = format_quantity(unit.out_of, sep) if unit.out_of is not None else ""
    details = [m["score"].format(score=format_score(unit.score, sep), out_of=out_of)]
    if unit.threshold is not None:
        details.append(
            m["threshold"].format(threshold=format_quantity(unit.threshold, sep), out_of=out_of)
        )
    return details


def _failure_text(failure: Failure, lang: str) -> str:
    m = _messages(lang)
    kind, _, expected = failure.expected.partition(":")
    value = failure.value
    if value in ("oui", "non"):
        value = m["yes"] if value == "oui" else m["no"]
    if kind == "at_least":
        return m["at_least"].format(criterion=failure.criterion, value=value, expected=expected)
    return m[f"equals.{expected}"].format(criterion=failure.criterion, value=value)


def _session_text(unit: UnitResult, lang: str) -> str:
    m = _messages(lang)
    session = m["session"].format(session=unit.session)
    if unit.status is Status.NOT_VALIDATED and not unit.pass_fail:
        session = f"{m['best']}, {session}"
    return f"({session})"


def explain_unit(unit: UnitResult, lang: str = "fr", compact: bool = False) -> str:
    """« B1 validé : 14,50/20 (session 2026-06), seuil 12/20 ».

    ``compact`` drops the session, for a part named inside its block's explanation.
    """
    m = _messages(lang)
    colon = m["colon"]
    headline = _headline(unit, unit.status, unit.is_part, lang)
    if unit.status is Status.NOT_ASSESSED:
        return headline
    if unit.status is Status.INCOMPLETE and unit.unfinished is not None:
        return f"{headline}{m['colon']}" + m["unfinished"].format(session=unit.unfinished)
    if unit.status is Status.INCOMPLETE:
        missing = m["missing"].format(criteria=", ".join(unit.missing))
        if compact:
            return f"{headline}, {missing}"
        return f"{headline}{colon}{m['no_complete_sheet']}, {missing} {_session_text(unit, lang)}"
    expired = [m["expired"]] if unit.expired else []
    if unit.pass_fail:
        conditions = [_failure_text(f, lang) for f in unit.failures] or [m["all_conditions"]]
        session = "" if compact else f" {_session_text(unit, lang)}"
        return f"{headline}{session}{colon}" + m["list_sep"].join(conditions + expired)
    score, *threshold = _score_and_threshold(unit, lang)
    if not compact:
        score = f"{score} {_session_text(unit, lang)}"
    return f"{headline}{colon}" + ", ".join([score, *threshold, *expired])


def _part_summary(part: UnitResult, lang: str) -> str:
    """Compact: « partie ETI 11,96/20, seuil 12/20 » or « partie PME non évaluée »."""
    if part.status in (Status.VALIDATED, Status.NOT_VALIDATED) and not part.pass_fail:
        return f"{_messages(lang)['part']} {part.name} " + ", ".join(
            _score_and_threshold(part, lang)
        )
    return explain_unit(part, lang, compact=True)


def explain_block(block: BlockResult, lang: str = "fr") -> str:
    if block.unit is not None:
        return explain_unit(block.unit, lang)
    headline = _headline(block, block.status, False, lang)
    if block.status is Status.NOT_ASSESSED:
        return headline
    shown: Sequence[UnitResult] = (
        list(block.parts.values())
        if block.status is Status.VALIDATED
        else [part for part in block.parts.values() if not part.validated]
    )
    m = _messages(lang)
    return headline + m["colon"] + m["list_sep"].join(_part_summary(part, lang) for part in shown)


def explain_certification(result: CandidateResult, lang: str = "fr") -> str:
    m = _messages(lang)
    if result.certified:
        names = [result.blocks[code].name for code in result.required]
        joined = ", ".join(names[:-1]) + m["and"] + names[-1] if len(names) > 1 else names[0]
        return m["certified"].format(blocks=joined)
    reasons = [
        _headline(result.blocks[code], result.blocks[code].status, False, lang)
        for code in result.required
        if not result.blocks[code].validated
    ]
    return m["not_certified"].format(reasons=m["list_sep"].join(reasons))


def explain_in_full(result: CandidateResult, lang: str = "fr") -> str:
    """The verdict, then why each block that is not validated is not: one paragraph."""
    if result.certified:
        return explain_certification(result, lang)
    reasons = [
        explain_block(block, lang) + "." for block in result.blocks.values() if not block.validated
    ]
    return " ".join([_messages(lang)["not_certified_short"], *reasons])
