"""The référentiel linter: consistency checks beyond the schema.

Each finding has a severity, a stable code (documented in docs/referential.md),
a place in the file and a French message. A file with any error must not be used
to take decisions; warnings are tolerated when the errata explain them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum, auto
from typing import Any

from certif.domain.codes import CodeEnum
from certif.domain.numbers import format_quantity
from certif.domain.referential.loading import (
    LoadedReferential,
    Location,
    ReferentialFileError,
    format_location,
    format_place,
)
from certif.domain.referential.schema import (
    AssessmentMode,
    Block,
    CriterionKind,
    DeliverableKind,
    Modality,
    PassFailScoring,
    PointsScoring,
)
from certif.domain.units import CERTIFICATION

# Beyond these a limit is a typing slip, not a policy: no candidate needs to upload more than
# 200 MB for an épreuve, nor hand a file in more than a year before it.
MAX_SANE_SIZE_MB = 200
MAX_SANE_DAYS_BEFORE = 365


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class FindingCode(CodeEnum):
    SCHEMA = auto()
    DUPLICATE_CODE = auto()
    NUMBERING_GAP = auto()
    TOTAL_MISMATCH = auto()
    TOTAL_NORMALISED = auto()
    THRESHOLD_ABOVE_TOTAL = auto()
    MISSING_MAX_POINTS = auto()
    UNEXPECTED_MAX_POINTS = auto()
    UNKNOWN_COMPETENCY = auto()
    UNASSESSED_COMPETENCY = auto()
    UNKNOWN_REFERENCE = auto()
    INVALID_CONDITION = auto()
    UNEXPLAINED_PRINTED_CODE = auto()
    DUPLICATE_DELIVERABLE = auto()
    MISSING_DELIVERABLE = auto()
    UNEXPECTED_DELIVERABLE = auto()
    DELIVERABLE_LIMIT = auto()
    INVALID_DEADLINE = auto()
    RESERVED_CODE = auto()
    AMBIGUOUS_CASE = auto()


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: FindingCode
    location: Location
    line: int | None
    message: str

    def describe(self, source: str) -> str:
        where = format_place(source, self.line)
        return f"{self.severity.value} {self.code.value} {where} {format_location(self.location)} : {self.message}"


_NUMBERED = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)(?P<suffix>bis|ter|quater)?$")


def schema_findings(error: ReferentialFileError) -> list[Finding]:
    return [
        Finding(Severity.ERROR, FindingCode.SCHEMA, problem.location, problem.line, problem.message)
        for problem in error.problems
    ]


class _Linter:
    def __init__(self, loaded: LoadedReferential) -> None:
        self.loaded = loaded
        self.referential = loaded.referential
        self.findings: list[Finding] = []
        # A file that declares no deliverable at all predates them: it lints as it did.
        self.declares_deliverables = bool(self.referential.placed_deliverables())

    def add(self, severity: Severity, code: FindingCode, location: Location, message: str) -> None:
        self.findings.append(
            Finding(severity, code, location, self.loaded.line_of(location), message)
        )

    def run(self) -> list[Finding]:
        self.check_duplicates()
        self.check_numbering()
        for index, block in enumerate(self.referential.blocks):
            where: Location = ("blocks", index)
            self.check_points(block, where)
            self.check_scoring(block, where)
            self.check_competency_links(block, where)
            self.check_references(block, where)
            for m, modality in enumerate(block.modalities):
                self.check_deliverables(block, modality, (*where, "modalities", m))
            self.check_drawn_cases(block, where)
        self.check_certification()
        self.check_printed_codes()
        self.check_target_jobs()
        return sorted(self.findings, key=lambda f: (f.line or 0, f.code.value))

    # -- codes -------------------------------------------------------------------------------

    def _coded_elements(self) -> Iterator[tuple[str, str, Location]]:
        """(kind, code, location) of every coded element, for uniqueness and numbering."""
        for b, block in enumerate(self.referential.blocks):
            yield "bloc", block.code, ("blocks", b)
            for i, activity in enumerate(block.activities):
                if activity.code:
                    yield "activité", activity.code, ("blocks", b, "activities", i)
            for i, competency in enumerate(block.competencies):
                yield "compétence", competency.code, ("blocks", b, "competencies", i)
            for i, modality in enumerate(block.modalities):
                if modality.code:
                    yield "modalité", modality.code, ("blocks", b, "modalities", i)
                for d, deliverable in enumerate(modality.deliverables):
                    yield (
                        "livrable",
                        deliverable.code,
                        ("blocks", b, "modalities", i, "deliverables", d),
                    )
            for i, criterion in enumerate(block.criteria):
                yield "critère", criterion.code, ("blocks", b, "criteria", i)

    def check_duplicates(self) -> None:
        seen: dict[str, Location] = {}
        for kind, code, location in self._coded_elements():
            first = seen.get(code)
            if first is None:
                seen[code] = location
                continue
            line = self.loaded.line_of(first)
            self.add(
                Severity.ERROR,
                FindingCode.DUPLICATE_CODE,
                location,
                f"le code de {kind} « {code} » est déjà utilisé en {format_location(first)}"
                + (f" (ligne {line})" if line else ""),
            )
        for b, block in enumerate(self.referential.blocks):
            if block.code == CERTIFICATION:
                self.add(
                    Severity.ERROR,
                    FindingCode.RESERVED_CODE,
                    ("blocks", b, "code"),
                    f"le code « {CERTIFICATION} » désigne la certification elle-même (décisions du "
                    "jury, résultats) : un bloc ne peut pas le prendre",
                )
            part_codes: set[str] = set()
            for i, part in enumerate(block.parts):
                if part.code in part_codes:
                    self.add(
                        Severity.ERROR,
                        FindingCode.DUPLICATE_CODE,
                        ("blocks", b, "parts", i),
                        f"la partie « {part.code} » est déclarée deux fois dans {block.code}",
                    )
                part_codes.add(part.code)

    def check_numbering(self) -> None:
        series: dict[tuple[str, str], dict[int, Location]] = defaultdict(dict)
        for kind, code, location in self._coded_elements():
            match = _NUMBERED.match(code)
            if match and match.group("prefix"):
                series[(kind, match.group("prefix"))].setdefault(
                    int(match.group("number")), location
                )
        for (kind, prefix), numbers in series.items():
            last_location = numbers[max(numbers)]
            for missing in sorted(set(range(1, max(numbers) + 1)) - set(numbers)):
                self.add(
                    Severity.WARNING,
                    FindingCode.NUMBERING_GAP,
                    last_location,
                    f"numérotation des codes de {kind} {prefix}… : « {prefix}{missing} » manque",
                )

    # -- points and thresholds ---------------------------------------------------------------

    def check_points(self, block: Block, where: Location) -> None:
        for i, criterion in enumerate(block.criteria):
            location = (*where, "criteria", i)
            if criterion.kind == CriterionKind.POINTS and criterion.max_points is None:
                self.add(
                    Severity.ERROR,
                    FindingCode.MISSING_MAX_POINTS,
                    location,
                    f"le critère {criterion.code} est noté en points mais n'a pas de maximum (max_points)",
                )
            if criterion.kind != CriterionKind.POINTS and criterion.max_points is not None:
                self.add(
                    Severity.WARNING,
                    FindingCode.UNEXPECTED_MAX_POINTS,
                    location,
                    f"le critère {criterion.code} n'est pas noté en points : max_points est ignoré",
                )

    def check_scoring(self, block: Block, where: Location) -> None:
        scoring = block.scoring
        if isinstance(scoring, PassFailScoring):
            if block.parts:
                self.add(
                    Severity.ERROR,
                    FindingCode.UNKNOWN_REFERENCE,
                    (*where, "parts"),
                    f"{block.code} : des parties ne sont prévues que pour une notation en points",
                )
            return
        location = (*where, "scoring")
        maxima = sum(
            (c.max_points or Decimal(0) for c in block.criteria if c.kind == CriterionKind.POINTS),
            Decimal(0),
        )
        if maxima == 0:
            self.add(
                Severity.ERROR,
                FindingCode.TOTAL_MISMATCH,
                location,
                f"{block.code} est noté en points mais ses critères ne valent aucun point",
            )
        if scoring.threshold > scoring.out_of:
            self.add(
                Severity.ERROR,
                FindingCode.THRESHOLD_ABOVE_TOTAL,
                (*location, "threshold"),
                f"{block.code} : le seuil {format_quantity(scoring.threshold)} dépasse le total "
                f"{format_quantity(scoring.out_of)}",
            )
        self.check_total(block, where, scoring, maxima)
        if scoring.parts_rule is not None and not block.parts:
            self.add(
                Severity.ERROR,
                FindingCode.UNKNOWN_REFERENCE,
                (*location, "parts_rule"),
                f"{block.code} : règle de validation par parties sans aucune partie déclarée",
            )
        if block.parts and scoring.parts_rule is None:
            self.add(
                Severity.ERROR,
                FindingCode.UNKNOWN_REFERENCE,
                (*location, "parts_rule"),
                f"{block.code} a des parties mais aucune règle ne dit comment le bloc en découle",
            )

    def check_total(
        self, block: Block, where: Location, scoring: PointsScoring, maxima: Decimal
    ) -> None:
        announced = block.announced_total if block.announced_total is not None else scoring.out_of
        if maxima == 0 or maxima == announced:
            return
        unit = (
            f"chaque partie de {block.code} ({', '.join(p.label for p in block.parts)})"
            if block.parts
            else block.code
        )
        facts = (
            f"{unit} : la somme des maxima des critères vaut {format_quantity(maxima)} "
            f"pour un total annoncé de {format_quantity(announced)}"
        )
        if scoring.normalisation == "proportional" and scoring.out_of == announced:
            self.add(
                Severity.WARNING,
                FindingCode.TOTAL_NORMALISED,
                (*where, "scoring", "normalisation"),
                f"{facts} ; la note est ramenée sur {format_quantity(scoring.out_of)} par "
                f"normalisation proportionnelle (× {format_quantity(scoring.out_of)}/"
                f"{format_quantity(maxima)}), seuil en points bruts "
                f"{format_quantity(scoring.threshold * maxima / scoring.out_of)}",
            )
        else:
            self.add(Severity.ERROR, FindingCode.TOTAL_MISMATCH, (*where, "announced_total"), facts)

    # -- links -------------------------------------------------------------------------------

    def check_competency_links(self, block: Block, where: Location) -> None:
        own = {competency.code for competency in block.competencies}
        everywhere = {c.code: b.code for b in self.referential.blocks for c in b.competencies}
        assessed: set[str] = set()
        for i, criterion in enumerate(block.criteria):
            for j, code in enumerate(criterion.competencies):
                if code in own:
                    assessed.add(code)
                    continue
                elsewhere = everywhere.get(code)
                detail = f" (compétence du bloc {elsewhere})" if elsewhere else ""
                self.add(
                    Severity.ERROR,
                    FindingCode.UNKNOWN_COMPETENCY,
                    (*where, "criteria", i, "competencies", j),
                    f"le critère {criterion.code} évalue « {code} », compétence inconnue de "
                    f"{block.code}{detail}",
                )
        for i, competency in enumerate(block.competencies):
            if competency.code not in assessed:
                self.add(
                    Severity.WARNING,
                    FindingCode.UNASSESSED_COMPETENCY,
                    (*where, "competencies", i),
                    f"la compétence {competency.code} n'est évaluée par aucun critère",
                )

    def check_references(self, block: Block, where: Location) -> None:
        activities = {a.code for a in block.activities if a.code}
        modalities = {m.code for m in block.modalities if m.code}
        # Where the codes are, the attribute naming another code, the codes it may name.
        references: tuple[tuple[str, Sequence[Any], str, set[str], str], ...] = (
            ("competencies", block.competencies, "activity", activities, "l'activité"),
            ("criteria", block.criteria, "modality", modalities, "la modalité"),
        )
        for field, items, attribute, known, named in references:
            for i, item in enumerate(items):
                reference = getattr(item, attribute)
                if reference is not None and reference not in known:
                    self.add(
                        Severity.ERROR,
                        FindingCode.UNKNOWN_REFERENCE,
                        (*where, field, i, attribute),
                        f"{item.code} se rattache à {named} inconnue « {reference} »",
                    )
        if isinstance(block.scoring, PassFailScoring):
            self.check_conditions(block, block.scoring, where)

    def check_conditions(self, block: Block, scoring: PassFailScoring, where: Location) -> None:
        kinds = {criterion.code: criterion.kind for criterion in block.criteria}
        for i, condition in enumerate(scoring.conditions):
            location = (*where, "scoring", "conditions", i)
            kind = kinds.get(condition.criterion)
            if kind is None:
                self.add(
                    Severity.ERROR,
                    FindingCode.UNKNOWN_REFERENCE,
                    (*location, "criterion"),
                    f"la règle de {block.code} porte sur le critère inconnu « {condition.criterion} »",
                )
                continue
            if (condition.at_least is None) == (condition.equals is None):
                self.add(
                    Severity.ERROR,
                    FindingCode.INVALID_CONDITION,
                    location,
                    f"la condition sur {condition.criterion} doit avoir soit at_least, soit equals",
                )
            elif condition.at_least is not None and kind == CriterionKind.YES_NO:
                self.add(
                    Severity.ERROR,
                    FindingCode.INVALID_CONDITION,
                    location,
                    f"{condition.criterion} se note oui/non : at_least ne s'y applique pas",
                )
            elif condition.equals is not None and kind != CriterionKind.YES_NO:
                self.add(
                    Severity.ERROR,
                    FindingCode.INVALID_CONDITION,
                    location,
                    f"{condition.criterion} ne se note pas oui/non : equals ne s'y applique pas",
                )

    # -- deliverables -----------------------------------------------------------------------

    def check_deliverables(self, block: Block, modality: Modality, where: Location) -> None:
        seen: set[DeliverableKind] = set()
        for d, deliverable in enumerate(modality.deliverables):
            location = (*where, "deliverables", d)
            if deliverable.kind in seen:
                self.add(
                    Severity.ERROR,
                    FindingCode.DUPLICATE_DELIVERABLE,
                    (*location, "kind"),
                    f"{block.code} : une même modalité déclare deux livrables de type "
                    f"« {deliverable.kind.value} »",
                )
            seen.add(deliverable.kind)
            if deliverable.max_size_mb > MAX_SANE_SIZE_MB:
                self.add(
                    Severity.ERROR,
                    FindingCode.DELIVERABLE_LIMIT,
                    (*location, "max_size_mb"),
                    f"le livrable {deliverable.code} accepte {deliverable.max_size_mb} Mo : "
                    f"au plus {MAX_SANE_SIZE_MB} Mo",
                )
            if deliverable.due.days_before > MAX_SANE_DAYS_BEFORE:
                self.add(
                    Severity.ERROR,
                    FindingCode.INVALID_DEADLINE,
                    (*location, "due"),
                    f"le livrable {deliverable.code} serait à remettre "
                    f"{deliverable.due.days_before} jours avant l'épreuve : au plus "
                    f"{MAX_SANE_DAYS_BEFORE} jours",
                )
            if deliverable.checks_min_pages and modality.min_pages is None:
                self.add(
                    Severity.ERROR,
                    FindingCode.UNKNOWN_REFERENCE,
                    (*location, "checks_min_pages"),
                    f"le livrable {deliverable.code} vérifie le nombre minimum de pages de sa "
                    "modalité, qui n'en fixe aucun (min_pages)",
                )
            self.check_deliverable_fits(block, modality, deliverable.kind, location)
        if self.declares_deliverables:
            self.check_missing_deliverables(block, modality, where, seen)

    def check_deliverable_fits(
        self, block: Block, modality: Modality, kind: DeliverableKind, location: Location
    ) -> None:
        if kind == DeliverableKind.WRITTEN_SUPPORT and not modality.written_support:
            self.add(
                Severity.WARNING,
                FindingCode.UNEXPECTED_DELIVERABLE,
                (*location, "kind"),
                f"{block.code} : un support écrit est demandé pour une modalité qui n'en "
                "prévoit pas (written_support)",
            )
        if kind == DeliverableKind.THESIS and modality.mode != AssessmentMode.PROFESSIONAL_THESIS:
            self.add(
                Severity.WARNING,
                FindingCode.UNEXPECTED_DELIVERABLE,
                (*location, "kind"),
                f"{block.code} : un mémoire est demandé pour une modalité qui n'est pas un "
                "mémoire professionnel",
            )

    def check_missing_deliverables(
        self, block: Block, modality: Modality, where: Location, kinds: set[DeliverableKind]
    ) -> None:
        if modality.written_support and DeliverableKind.WRITTEN_SUPPORT not in kinds:
            self.add(
                Severity.WARNING,
                FindingCode.MISSING_DELIVERABLE,
                (*where, "written_support"),
                f"{block.code} : la modalité prévoit un support écrit mais ne déclare aucun "
                "livrable « written_support »",
            )
        if (
            modality.mode == AssessmentMode.PROFESSIONAL_THESIS
            and DeliverableKind.THESIS not in kinds
        ):
            self.add(
                Severity.WARNING,
                FindingCode.MISSING_DELIVERABLE,
                (*where, "mode"),
                f"{block.code} : mémoire professionnel sans livrable « thesis » à déposer",
            )
        if (
            modality.min_pages is not None
            and modality.deliverables
            and not any(d.checks_min_pages for d in modality.deliverables)
        ):
            self.add(
                Severity.WARNING,
                FindingCode.MISSING_DELIVERABLE,
                (*where, "min_pages"),
                f"{block.code} : aucun livrable ne vérifie le minimum de {modality.min_pages} "
                "pages (checks_min_pages)",
            )

    def check_drawn_cases(self, block: Block, where: Location) -> None:
        """A drawn case per part needs parts; two cases in one block need the modalities' codes
        to tell them apart (the bank files each case under its modality's code)."""
        drawing = [
            (m, modality) for m, modality in enumerate(block.modalities) if modality.drawn_case
        ]
        for m, modality in drawing:
            location = (*where, "modalities", m, "drawn_case")
            assert modality.drawn_case is not None
            if modality.drawn_case.per_part and not block.parts:
                self.add(
                    Severity.ERROR,
                    FindingCode.UNKNOWN_REFERENCE,
                    (*location, "per_part"),
                    f"{block.code} : un cas est tiré par partie mais le bloc n'a pas de parties",
                )
            if len(drawing) > 1 and not modality.code:
                self.add(
                    Severity.ERROR,
                    FindingCode.AMBIGUOUS_CASE,
                    location,
                    f"{block.code} : plusieurs modalités tirent un cas ; chacune doit avoir un "
                    "code pour que la banque de cas les distingue",
                )

    def check_certification(self) -> None:
        blocks = {block.code for block in self.referential.blocks}
        for i, code in enumerate(self.referential.certification.requires):
            if code not in blocks:
                self.add(
                    Severity.ERROR,
                    FindingCode.UNKNOWN_REFERENCE,
                    ("certification", "requires", i),
                    f"la certification exige le bloc inconnu « {code} »",
                )

    def check_printed_codes(self) -> None:
        explained = {erratum.subject for erratum in self.referential.errata}
        for b, block in enumerate(self.referential.blocks):
            for i, criterion in enumerate(block.criteria):
                printed = criterion.printed_code
                if printed and printed != criterion.code and criterion.code not in explained:
                    self.add(
                        Severity.WARNING,
                        FindingCode.UNEXPLAINED_PRINTED_CODE,
                        ("blocks", b, "criteria", i, "printed_code"),
                        f"{criterion.code} est imprimé « {printed} » sans erratum qui l'explique",
                    )

    def check_target_jobs(self) -> None:
        # A référentiel without target jobs still loads: the survey then asks no question
        # about them, and the targeted-job rate is undefined.
        jobs = self.referential.target_jobs
        seen: set[str] = set()
        for i, job in enumerate(jobs):
            if job.code in seen:
                self.add(
                    Severity.ERROR,
                    FindingCode.DUPLICATE_CODE,
                    ("target_jobs", i, "code"),
                    f"le métier visé « {job.code} » est déclaré deux fois",
                )
            seen.add(job.code)


def lint(loaded: LoadedReferential) -> list[Finding]:
    return _Linter(loaded).run()


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)
