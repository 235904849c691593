"""The référentiel pages: a version in full, its coverage matrix, its errata, every version.

Everything shown comes from the typed document of a stored version (``version.referential``):
no number, threshold or rule is written here. Results name the version they were decided
under, so every version stays readable (``?version=<id>`` on each page).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from certif.core.roles import JURY, Role, role_required
from certif.domain.numbers import format_quantity
from certif.domain.referential.render import points_maxima, raw_threshold, referential_to_json
from certif.domain.referential.schema import (
    AssessmentMode,
    Block,
    Competency,
    Criterion,
    CriterionKind,
    Metadata,
    Modality,
    PassFailScoring,
    PointsScoring,
    Referential,
)
from certif.referential.models import ReferentialVersion
from certif.referential.services import current_version

READERS = (Role.STAFF, Role.EVALUATOR, *JURY)

MODE_LABELS: dict[AssessmentMode, Promise] = {
    AssessmentMode.CASE_STUDY_WITH_ORAL_DEFENCE: gettext_lazy("Étude de cas avec soutenance orale"),
    AssessmentMode.ROLE_PLAY: gettext_lazy("Mise en situation (jeu de rôle)"),
    AssessmentMode.CASE_STUDY: gettext_lazy("Étude de cas"),
    AssessmentMode.PROFESSIONAL_THESIS: gettext_lazy("Mémoire professionnel"),
}


# -- choosing the version -------------------------------------------------------------------


class VersionForm(forms.Form):
    """``?version=<id>``: any stored version; without it, the version in force."""

    version = forms.ModelChoiceField(
        queryset=ReferentialVersion.objects.defer("document", "source_text"), required=False
    )


@dataclass(frozen=True)
class Chosen:
    version: ReferentialVersion
    current: ReferentialVersion
    explicit: bool

    @property
    def is_current(self) -> bool:
        return self.version.pk == self.current.pk

    @property
    def query(self) -> str:
        """The query string that keeps the chosen version across the référentiel pages."""
        return f"?version={self.version.pk}" if self.explicit else ""


def _choose(request: HttpRequest) -> Chosen | None:
    """The version asked for, or the one in force; None when nothing is loaded."""
    form = VersionForm(request.GET)
    if not form.is_valid():
        raise Http404(_("Cette version du référentiel n'existe pas."))
    asked: ReferentialVersion | None = form.cleaned_data["version"]
    if asked is not None:
        return Chosen(asked, current_version(asked.code) or asked, explicit=True)
    in_force = current_version()
    if in_force is None:
        return None
    return Chosen(in_force, in_force, explicit=False)


def _context(chosen: Chosen, page: str, **extra: Any) -> dict[str, Any]:
    return {
        "chosen": chosen,
        "version": chosen.version,
        "referential": chosen.version.referential,
        "page": page,
        **extra,
    }


def _nothing_loaded(request: HttpRequest) -> HttpResponse:
    return render(request, "referential/empty.html", {"page": ""})


# -- wording ---------------------------------------------------------------------------------


def number(value: Decimal | Fraction | int) -> str:
    """A maximum or threshold as the référentiel prints it, with the reader's decimal mark."""
    language = get_language() or "fr"
    return format_quantity(value, "," if language.startswith("fr") else ".")


def points(value: Decimal | Fraction | int) -> str:
    exact = Fraction(value)
    # Plural choice needs a whole count; a fractional amount reads as a plural in both languages.
    count = exact.numerator if exact.denominator == 1 else 2
    return ngettext("%(points)s point", "%(points)s points", count) % {"points": number(value)}


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest}
    if not rest:
        return ngettext("%(count)d heure", "%(count)d heures", hours) % {"count": hours}
    return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": rest}


def years(count: int) -> str:
    return ngettext("%(count)d an", "%(count)d ans", count) % {"count": count}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str = ""

    @property
    def missing(self) -> bool:
        return not self.value


def metadata_facts(metadata: Metadata) -> list[Fact]:
    decided: date | None = metadata.registration_decision_date
    duration_years = metadata.registration_duration_years
    return [
        Fact(_("Code RNCP"), metadata.rncp_code),
        Fact(_("Niveau"), metadata.level),
        Fact(_("Code NSF"), metadata.nsf_code),
        Fact(_("Certificateur"), metadata.certifier),
        Fact(
            _("Date de la décision d'enregistrement"),
            formats.date_format(decided, "DATE_FORMAT") if decided else "",
        ),
        Fact(_("Durée de l'enregistrement"), years(duration_years) if duration_years else ""),
    ]


# -- a block, ready to show ------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """The source's own text: a paragraph, or (``items``) a bulleted list."""

    text: str = ""
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ModalityView:
    modality: Modality
    mode: str
    facts: list[Fact]
    text: list[Paragraph]


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    printed_code: str
    scale: str
    competencies: list[Competency]


@dataclass(frozen=True)
class RuleView:
    sentences: list[str]
    conditions: list[str] = field(default_factory=list)
    source_text: str = ""


@dataclass(frozen=True)
class BlockView:
    block: Block
    anchor: str
    heading: str
    modalities: list[ModalityView]
    criteria: list[CriterionRow]
    shows_competencies: bool
    shows_modality: bool
    maxima: str
    announced_total: str
    rule: RuleView

    @property
    def trailing_columns(self) -> int:
        """Columns after « Barème », for the totals row to span."""
        return int(self.shows_competencies) + int(self.shows_modality)


def anchor(code: str) -> str:
    return f"bloc-{code}"


def heading(block: Block) -> str:
    if block.kind == "block" and block.number is not None:
        return _("Bloc %(number)s — %(title)s") % {"number": block.number, "title": block.title}
    return block.title


def modality_facts(modality: Modality) -> list[Fact]:
    facts = [Fact(_("Mode d'évaluation"), str(MODE_LABELS[modality.mode]))]
    if modality.written_support:
        weeks = modality.written_support_preparation_weeks
        support = (
            ngettext(
                "oui, avec %(count)d semaine de préparation",
                "oui, avec %(count)d semaines de préparation",
                weeks,
            )
            % {"count": weeks}
            if weeks
            else _("oui")
        )
        facts.append(Fact(_("Support écrit"), support))
    timings = [
        (_("Durée"), modality.duration_minutes),
        (_("Soutenance orale"), modality.oral_minutes),
        (_("Préparation"), modality.preparation_minutes),
        (_("Échange avec le jury"), modality.jury_exchange_minutes),
    ]
    facts.extend(Fact(label, duration(value)) for label, value in timings if value is not None)
    if modality.role_play:
        facts.append(Fact(_("Jeu de rôle"), modality.role_play))
    if modality.min_pages is not None:
        facts.append(Fact(_("Nombre minimum de pages"), str(modality.min_pages)))
    if modality.subject_validated_by:
        facts.append(Fact(_("Sujet validé par"), modality.subject_validated_by))
    if modality.duration_text:
        facts.append(Fact(_("Durée selon le référentiel"), modality.duration_text))
    return facts


def modality_view(modality: Modality) -> ModalityView:
    text = [
        Paragraph(text=item) if isinstance(item, str) else Paragraph(items=list(item))
        for item in modality.description
    ]
    return ModalityView(modality, str(MODE_LABELS[modality.mode]), modality_facts(modality), text)


def scale(criterion: Criterion) -> str:
    if criterion.kind == CriterionKind.YES_NO:
        return _("oui / non")
    if criterion.kind == CriterionKind.INTEGER:
        return _("nombre entier")
    return points(criterion.max_points or 0)


def criterion_row(criterion: Criterion, competencies: dict[str, Competency]) -> CriterionRow:
    printed = criterion.printed_code if criterion.code_as_printed != criterion.code else None
    return CriterionRow(
        criterion,
        printed or "",
        scale(criterion),
        [competencies[code] for code in criterion.competencies if code in competencies],
    )


def points_rule(block: Block, scoring: PointsScoring) -> RuleView:
    maxima = points_maxima(block)
    values = {
        "out_of": number(scoring.out_of),
        "threshold": number(scoring.threshold),
        "maxima": number(maxima),
        "parts": ", ".join(part.label for part in block.parts),
    }
    if block.parts:
        sentences = [
            _(
                "Chaque partie (%(parts)s) est évaluée sur tous les critères du bloc, notée sur "
                "%(out_of)s et validée à partir de %(threshold)s/%(out_of)s."
            )
            % values
        ]
    else:
        sentences = [
            _("Le bloc est noté sur %(out_of)s et validé à partir de %(threshold)s/%(out_of)s.")
            % values
        ]
    raw = raw_threshold(block)
    if scoring.normalisation == "proportional" and raw is not None:
        sentences.append(
            _(
                "Les maxima des critères totalisent %(maxima)s points : la note est ramenée sur "
                "%(out_of)s par normalisation proportionnelle (note = total brut × "
                "%(out_of)s / %(maxima)s)."
            )
            % values
        )
        sentences.append(
            _(
                "Le seuil de %(threshold)s/%(out_of)s correspond à un total brut d'au moins "
                "%(raw)s points sur %(maxima)s."
            )
            % {**values, "raw": number(raw)}
        )
    else:
        sentences.append(
            _("La note est la somme des points obtenus aux critères (maxima : %(maxima)s points).")
            % values
        )
    if block.parts and scoring.parts_rule == "all_parts_validated":
        sentences.append(_("Le bloc est validé lorsque toutes ses parties sont validées."))
        if scoring.capitalise_parts:
            sentences.append(
                _(
                    "Une partie validée reste acquise aux sessions suivantes : le candidat ne "
                    "repasse que les parties non validées."
                )
            )
        else:
            sentences.append(
                _(
                    "Les parties ne sont pas capitalisées : elles doivent toutes être validées "
                    "au cours d'une même session."
                )
            )
    return RuleView(sentences, source_text=scoring.rule_text or "")


def pass_fail_rule(block: Block, scoring: PassFailScoring) -> RuleView:
    texts = {criterion.code: criterion.text for criterion in block.criteria}
    conditions = []
    for condition in scoring.conditions:
        if condition.at_least is not None:
            expected = _("au moins %(value)s") % {"value": condition.at_least}
        else:
            expected = _("oui") if condition.equals else _("non")
        conditions.append(
            _("%(code)s (%(text)s) : %(expected)s")
            % {
                "code": condition.criterion,
                "text": texts.get(condition.criterion, "").rstrip("."),
                "expected": expected,
            }
        )
    sentences = [_("Validé lorsque toutes les conditions suivantes sont remplies :")]
    return RuleView(sentences, conditions, scoring.rule_text or "")


def block_view(block: Block) -> BlockView:
    competencies = {competency.code: competency for competency in block.competencies}
    scoring = block.scoring
    if isinstance(scoring, PointsScoring):
        rule = points_rule(block, scoring)
        maxima = points(points_maxima(block))
    else:
        rule = pass_fail_rule(block, scoring)
        maxima = ""
    announced = block.announced_total
    return BlockView(
        block=block,
        anchor=anchor(block.code),
        heading=heading(block),
        modalities=[modality_view(modality) for modality in block.modalities],
        criteria=[criterion_row(criterion, competencies) for criterion in block.criteria],
        shows_competencies=bool(block.competencies),
        shows_modality=any(criterion.modality for criterion in block.criteria),
        maxima=maxima,
        announced_total=(
            points(announced) if announced is not None and announced != points_maxima(block) else ""
        ),
        rule=rule,
    )


@dataclass(frozen=True)
class Requirement:
    code: str
    anchor: str
    heading: str


def certification_view(referential: Referential) -> dict[str, Any]:
    rule = referential.certification
    blocks = {block.code: block for block in referential.blocks}
    validity = rule.validity_years
    return {
        "requires": [
            Requirement(code, anchor(code), heading(blocks[code]) if code in blocks else code)
            for code in rule.requires
        ],
        "validity": (
            ngettext(
                "Les blocs validés restent acquis pendant %(count)d an.",
                "Les blocs validés restent acquis pendant %(count)d ans.",
                validity,
            )
            % {"count": validity}
            if validity
            else _("Les blocs validés sont acquis à vie.")
        ),
        "source_text": rule.rule_text or "",
    }


# -- the coverage matrix ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    criterion: str
    mark: bool


@dataclass(frozen=True)
class MatrixRow:
    competency: Competency
    cells: list[Cell]

    @property
    def assessed(self) -> bool:
        return any(cell.mark for cell in self.cells)


@dataclass(frozen=True)
class MatrixView:
    block: Block
    anchor: str
    heading: str
    criteria: list[Criterion]
    rows: list[MatrixRow]

    @property
    def unassessed(self) -> list[Competency]:
        return [row.competency for row in self.rows if not row.assessed]

    @property
    def criteria_without_competency(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if not criterion.competencies]


def matrix_view(block: Block) -> MatrixView:
    rows = [
        MatrixRow(
            competency,
            [
                Cell(criterion.code, competency.code in criterion.competencies)
                for criterion in block.criteria
            ],
        )
        for competency in block.competencies
    ]
    return MatrixView(block, anchor(block.code), heading(block), list(block.criteria), rows)


# -- pages -----------------------------------------------------------------------------------


def _version_page(
    request: HttpRequest,
    page: str,
    extra: Callable[[Referential], dict[str, Any]] | None = None,
) -> HttpResponse:
    """One of the pages about the chosen version (``extra`` its own context), or the page
    saying that no référentiel is loaded."""
    chosen = _choose(request)
    if chosen is None:
        return _nothing_loaded(request)
    own = extra(chosen.version.referential) if extra is not None else {}
    return render(request, f"referential/{page}.html", _context(chosen, page, **own))


def _overview(referential: Referential) -> dict[str, Any]:
    return {
        "metadata": metadata_facts(referential.metadata),
        "blocks": [block_view(block) for block in referential.blocks],
        "certification": certification_view(referential),
    }


def _matrices(referential: Referential) -> dict[str, Any]:
    matrices = [matrix_view(block) for block in referential.blocks if block.competencies]
    return {
        "matrices": matrices,
        "unassessed": [m for m in matrices if m.unassessed],
        "without_competencies": [heading(b) for b in referential.blocks if not b.competencies],
        "competency_count": sum(len(m.rows) for m in matrices),
    }


@role_required(*READERS)
def overview(request: HttpRequest) -> HttpResponse:
    return _version_page(request, "overview", _overview)


@role_required(*READERS)
def matrix(request: HttpRequest) -> HttpResponse:
    return _version_page(request, "matrix", _matrices)


@role_required(*READERS)
def errata(request: HttpRequest) -> HttpResponse:
    return _version_page(request, "errata")


@role_required(*READERS)
def versions(request: HttpRequest) -> HttpResponse:
    stored = list(
        ReferentialVersion.objects.defer("document", "source_text").order_by("code", "-number")
    )
    in_force = {
        current.pk for code in {v.code for v in stored} if (current := current_version(code))
    }
    return render(
        request,
        "referential/versions.html",
        {"versions": stored, "in_force": in_force, "page": "versions"},
    )


@role_required(*READERS)
def download(request: HttpRequest, format: str) -> HttpResponse:
    chosen = _choose(request)
    if chosen is None:
        raise Http404(_("Aucun référentiel n'est chargé."))
    version = chosen.version
    stem = f"{version.code}-{version.label}-v{version.number}"
    if format == "json":
        body = json.dumps(referential_to_json(version.referential), ensure_ascii=False, indent=2)
        response = HttpResponse(body + "\n", content_type="application/json; charset=utf-8")
        filename = f"{stem}.json"
    else:
        response = HttpResponse(version.source_text, content_type="application/yaml; charset=utf-8")
        filename = f"{stem}.yaml"
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
