"""The référentiel in full, as text for people and as stable JSON for programs.

The JSON form is documented in docs/referential.md; its ``format`` field names
its version and changes only when the form does.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from certif.domain.numbers import format_quantity
from certif.domain.records import attributes
from certif.domain.referential.schema import (
    Block,
    Criterion,
    CriterionKind,
    Deliverable,
    Modality,
    PassFailScoring,
    PointsScoring,
    Referential,
)

JSON_FORMAT = "certif.referential/1"


def _decimal(value: Decimal | Fraction | None) -> str | None:
    if value is None:
        return None
    return format_quantity(value, ".")


def points_maxima(block: Block) -> Decimal:
    return sum(
        (c.max_points or Decimal(0) for c in block.criteria if c.kind == CriterionKind.POINTS),
        Decimal(0),
    )


def raw_threshold(block: Block) -> Fraction | None:
    """The threshold in raw points: what the criteria must add up to for validation."""
    scoring = block.scoring
    if not isinstance(scoring, PointsScoring):
        return None
    maxima = points_maxima(block)
    if scoring.normalisation == "proportional" and maxima:
        return Fraction(scoring.threshold) * Fraction(maxima) / Fraction(scoring.out_of)
    return Fraction(scoring.threshold)


def _rule_json(block: Block) -> dict[str, Any]:
    scoring = block.scoring
    if isinstance(scoring, PassFailScoring):
        return {
            "method": "pass_fail",
            "conditions": [
                {"criterion": c.criterion, "at_least": c.at_least, "equals": c.equals}
                for c in scoring.conditions
            ],
            "text": scoring.rule_text,
        }
    return {
        "method": "points",
        "out_of": _decimal(scoring.out_of),
        "threshold": _decimal(scoring.threshold),
        "normalisation": scoring.normalisation,
        "maxima": _decimal(points_maxima(block)),
        "raw_threshold": _decimal(raw_threshold(block)),
        "applies_to": "each_part" if block.parts else "block",
        "parts_rule": scoring.parts_rule,
        "capitalise_parts": scoring.capitalise_parts,
        "text": scoring.rule_text,
    }


def _modality_json(modality: Modality) -> dict[str, Any]:
    return {
        "code": modality.code,
        "mode": modality.mode.value,
        **attributes(
            modality,
            "mode_text",
            "written_support",
            "written_support_preparation_weeks",
            "duration_minutes",
            "oral_minutes",
            "preparation_minutes",
            "jury_exchange_minutes",
            "role_play",
            "min_pages",
            "subject_validated_by",
            "duration_text",
            "description",
        ),
        "deliverables": [_deliverable_json(d) for d in modality.deliverables],
    }


def _deliverable_json(deliverable: Deliverable) -> dict[str, Any]:
    return {
        "code": deliverable.code,
        "kind": deliverable.kind.value,
        "label": deliverable.label,
        "due": attributes(
            deliverable.due, "weeks_before_epreuve", "days_before_epreuve", "days_before"
        ),
        "formats": [f.value for f in deliverable.formats],
        **attributes(deliverable, "max_size_mb", "checks_min_pages"),
    }


def _criterion_json(criterion: Criterion) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "printed_code": criterion.code_as_printed,
        **attributes(criterion, "text", "details"),
        "kind": criterion.kind.value,
        "max_points": _decimal(criterion.max_points),
        **attributes(criterion, "competencies", "modality"),
    }


def referential_to_json(referential: Referential) -> dict[str, Any]:
    metadata = referential.metadata
    return {
        "format": JSON_FORMAT,
        **attributes(referential, "code", "version", "title", "printed_title"),
        "metadata": {
            **attributes(metadata, "rncp_code", "level", "nsf_code", "certifier"),
            "registration_decision_date": (
                metadata.registration_decision_date.isoformat()
                if metadata.registration_decision_date
                else None
            ),
            "registration_duration_years": metadata.registration_duration_years,
        },
        "competency_mapping": referential.competency_mapping,
        "blocks": [
            {
                **attributes(
                    block, "code", "kind", "number", "title", "printed_title", "activities_heading"
                ),
                "activities": [{"code": a.code, "text": a.text} for a in block.activities],
                "competencies": [
                    {"code": c.code, "text": c.text, "activity": c.activity}
                    for c in block.competencies
                ],
                "modalities": [_modality_json(m) for m in block.modalities],
                "parts": [{"code": p.code, "label": p.label} for p in block.parts],
                "criteria": [_criterion_json(c) for c in block.criteria],
                "announced_total": _decimal(block.announced_total),
                "rule": _rule_json(block),
            }
            for block in referential.blocks
        ],
        "certification": {
            "requires": referential.certification.requires,
            "validity_years": referential.certification.validity_years,
            "text": referential.certification.rule_text,
        },
        "errata": [
            attributes(e, "code", "subject", "printed", "decision", "reason")
            for e in referential.errata
        ],
    }


def _minutes(value: int | None) -> str | None:
    if value is None:
        return None
    hours, minutes = divmod(value, 60)
    if hours and minutes:
        return f"{hours} h {minutes:02d}"
    return f"{hours} h" if hours else f"{minutes} min"


def _modality_lines(modality: Modality) -> list[str]:
    label = f"{modality.code} — " if modality.code else ""
    lines = [f"  Modalité : {label}{modality.mode_text}"]
    weeks = modality.written_support_preparation_weeks
    facts = [
        ("support écrit préparé en", f"{weeks} semaines" if weeks else None),
        ("durée", _minutes(modality.duration_minutes)),
        ("oral", _minutes(modality.oral_minutes)),
        ("préparation", _minutes(modality.preparation_minutes)),
        ("échange avec le jury", _minutes(modality.jury_exchange_minutes)),
        ("pages minimum", str(modality.min_pages) if modality.min_pages else None),
        ("sujet validé par", modality.subject_validated_by),
    ]
    shown = [f"{name} {value}" for name, value in facts if value]
    if shown:
        lines.append("    " + " ; ".join(shown))
    if modality.role_play:
        lines.append(f"    Jeu de rôle : {modality.role_play}")
    lines.extend(_deliverable_line(modality, d) for d in modality.deliverables)
    return lines


def _counted(number: int, noun: str) -> str:
    # French: the plural starts at 2.
    return f"{number} {noun}{'s' if number >= 2 else ''}"


def _deliverable_line(modality: Modality, deliverable: Deliverable) -> str:
    due = deliverable.due
    if due.days_before == 0:
        when = "le jour de l'épreuve"
    elif due.weeks_before_epreuve is not None:
        when = f"{_counted(due.weeks_before_epreuve, 'semaine')} avant l'épreuve"
    else:
        when = f"{_counted(due.days_before, 'jour')} avant l'épreuve"
    formats = ", ".join(f.value.upper() for f in deliverable.formats)
    line = (
        f"    Livrable {deliverable.code} : {deliverable.label} — {formats}, "
        f"{deliverable.max_size_mb} Mo au plus, à déposer au plus tard {when}"
    )
    if deliverable.checks_min_pages and modality.min_pages:
        line += f" ; au moins {modality.min_pages} pages avant les annexes"
    return line


def _rule_lines(block: Block) -> list[str]:
    scoring = block.scoring
    if isinstance(scoring, PassFailScoring):
        conditions = []
        for c in scoring.conditions:
            if c.at_least is not None:
                conditions.append(f"{c.criterion} ≥ {c.at_least}")
            else:
                conditions.append(f"{c.criterion} = {'oui' if c.equals else 'non'}")
        return [f"  Règle : validé si {' et '.join(conditions)}"]
    maxima = points_maxima(block)
    out_of = format_quantity(scoring.out_of)
    needed = f"{format_quantity(scoring.threshold)}/{out_of}"
    if block.parts:
        line = f"  Règle : chaque partie est notée sur {out_of} et validée à partir de {needed}"
    else:
        line = f"  Règle : note sur {out_of}, bloc validé à partir de {needed}"
    if scoring.normalisation == "proportional" and maxima != scoring.out_of:
        threshold = raw_threshold(block)
        assert threshold is not None
        line += (
            f" ; normalisation proportionnelle : note = brut × {format_quantity(scoring.out_of)}/"
            f"{format_quantity(maxima)} (seuil brut {format_quantity(threshold)})"
        )
    lines = [line]
    if block.parts:
        lines.append(
            "  Parties : "
            + ", ".join(f"{p.code} ({p.label})" for p in block.parts)
            + " ; bloc validé quand toutes les parties le sont"
            + (", parties capitalisées d'une session à l'autre" if scoring.capitalise_parts else "")
        )
    return lines


def referential_to_text(referential: Referential) -> str:
    lines = [
        f"{referential.title} — {referential.code} version {referential.version}",
        f"Correspondance critères → compétences : {referential.competency_mapping}",
        "",
    ]
    for block in referential.blocks:
        heading = f"{block.code}. {block.title}" if block.kind == "block" else block.title
        lines.append(heading)
        for activity in block.activities:
            lines.append(f"  Activité {activity.code or ''} {activity.text}".rstrip())
        for competency in block.competencies:
            lines.append(f"  {competency.code} {competency.text}")
        for modality in block.modalities:
            lines.extend(_modality_lines(modality))
        for criterion in block.criteria:
            if criterion.kind == CriterionKind.POINTS:
                value = f"{format_quantity(criterion.max_points or 0)} pts"
            else:
                value = "oui/non" if criterion.kind == CriterionKind.YES_NO else "nombre entier"
            printed = (
                f" (imprimé {criterion.printed_code})"
                if criterion.printed_code and criterion.printed_code != criterion.code
                else ""
            )
            assessed = f" → {', '.join(criterion.competencies)}" if criterion.competencies else ""
            lines.append(f"  {criterion.code}{printed} [{value}] {criterion.text}{assessed}")
        lines.extend(_rule_lines(block))
        lines.append("")
    requires = ", ".join(referential.certification.requires)
    validity = referential.certification.validity_years
    lines.append(
        f"Certification : exige {requires} ; blocs acquis "
        + (f"pendant {validity} ans" if validity else "à vie")
    )
    if referential.errata:
        lines.append("")
        lines.append("Errata :")
        for erratum in referential.errata:
            lines.append(f"  {erratum.code} {erratum.subject} : {erratum.decision}")
    return "\n".join(lines) + "\n"
