"""Typed schema of a référentiel file.

The file is the single source of every domain rule: blocks, competencies,
criteria with their points, thresholds and how decisions are taken. Nothing
here knows about a particular certification; another certification is another
file.

The schema is deliberately permissive about *consistency* (duplicate codes, sums
that do not add up): a faithful transcription of a flawed source must load so
that the linter can report on it. Only the *shape* is enforced here.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriterionKind(StrEnum):
    """How an evaluator records a criterion."""

    POINTS = "points"  # a number of points between 0 and max_points, at most 2 decimals
    YES_NO = "yes_no"  # oui / non
    INTEGER = "integer"  # a whole number (e.g. a page count)


class AssessmentMode(StrEnum):
    CASE_STUDY_WITH_ORAL_DEFENCE = "case_study_with_oral_defence"
    ROLE_PLAY = "role_play"
    CASE_STUDY = "case_study"
    PROFESSIONAL_THESIS = "professional_thesis"


class Metadata(_Frozen):
    """Registration facts printed on official documents; configured per certifier."""

    rncp_code: str = ""
    level: str = ""
    nsf_code: str = ""
    certifier: str = ""
    registration_decision_date: date | None = None
    registration_duration_years: int | None = Field(default=None, ge=1)


class PreambleColumn(_Frozen):
    heading: Text
    description: Text


class Preamble(_Frozen):
    heading: Text
    columns: list[PreambleColumn] = []
    evaluation_subcolumns: list[Text] = []
    text: Text


class Activity(_Frozen):
    code: Code | None = None
    text: Text


class Competency(_Frozen):
    code: Code
    text: Text
    activity: Code | None = None


class DeliverableKind(StrEnum):
    """What a candidate hands in for an épreuve."""

    WRITTEN_SUPPORT = "written_support"  # the « support écrit » an oral defence starts from
    THESIS = "thesis"  # the mémoire professionnel


class FileFormat(StrEnum):
    """Formats a deposit may take. Only PDF: it is what the certifier can archive and read the
    same way for years, its pages are the pages the jury sees (so a page minimum means
    something), and ``certif.deposits.pdf`` can inspect it. A format is added here only together
    with an inspector for it."""

    PDF = "pdf"


# One mebibyte: a file the candidate's system shows as « 20 Mo » (in 1000s or in 1024s) fits
# under a 20 MB limit either way.
BYTES_PER_MB = 1024 * 1024


class DueRule(_Frozen):
    """When a deliverable is due, counted back from the date of its épreuve.

    Exactly one of the two fields is set; 0 means the day of the épreuve itself. The due date
    is the last day a deposit is accepted (until the end of that day, local time).
    """

    weeks_before_epreuve: int | None = Field(default=None, ge=0)
    days_before_epreuve: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _exactly_one_unit(self) -> DueRule:
        if (self.weeks_before_epreuve is None) == (self.days_before_epreuve is None):
            raise ValueError(
                "indiquer soit weeks_before_epreuve, soit days_before_epreuve (un seul des deux)"
            )
        return self

    @property
    def days_before(self) -> int:
        if self.weeks_before_epreuve is not None:
            return 7 * self.weeks_before_epreuve
        assert self.days_before_epreuve is not None  # guaranteed by _exactly_one_unit
        return self.days_before_epreuve

    def due_date(self, epreuve_date: date) -> date:
        """The last day a deposit is accepted for an épreuve held on ``epreuve_date``."""
        return epreuve_date - timedelta(days=self.days_before)

    def accepts_on(self, deposit_day: date, epreuve_date: date) -> bool:
        """Whether a deposit made on ``deposit_day`` (a local date) is on time."""
        return deposit_day <= self.due_date(epreuve_date)


class Deliverable(_Frozen):
    """A file the candidate deposits for an épreuve: a written support, the mémoire.

    ``code`` identifies it across the référentiel (deposits refer to it). ``checks_min_pages``
    says that the modality's ``min_pages`` applies to this file, counted on the pages before the
    annexes (the candidate declares the page where they begin): the page minimum stays a fact
    of the modality, as the source states it, and the deliverable says which file it is
    checked on.
    """

    code: Code
    kind: DeliverableKind
    label: Text
    due: DueRule
    formats: list[FileFormat] = Field(default=[FileFormat.PDF], min_length=1)
    max_size_mb: int = Field(default=20, gt=0)
    checks_min_pages: bool = False

    @property
    def max_size_bytes(self) -> int:
        return self.max_size_mb * BYTES_PER_MB


class Modality(_Frozen):
    """An evaluation modality (épreuve) with its timings as structured fields.

    Durations are in minutes; the written support's preparation time is in weeks
    because that is how the source states it. ``None`` means the source is silent.
    """

    code: Code | None = None
    mode: AssessmentMode
    mode_text: Text
    written_support: bool = False
    written_support_preparation_weeks: int | None = Field(default=None, ge=0)
    duration_minutes: int | None = Field(default=None, ge=0)
    oral_minutes: int | None = Field(default=None, ge=0)
    preparation_minutes: int | None = Field(default=None, ge=0)
    jury_exchange_minutes: int | None = Field(default=None, ge=0)
    role_play: str | None = None
    min_pages: int | None = Field(default=None, ge=1)
    subject_validated_by: str | None = None
    duration_text: str | None = None
    # Word-for-word text: a string is a paragraph, a list of strings a bulleted list.
    description: list[Text | list[Text]] = []
    deliverables: list[Deliverable] = []

    @model_serializer(mode="wrap")
    def _omit_no_deliverables(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A version's identity is the hash of this dump: a file written before deliverables
        # existed must dump exactly as it did, or reloading it would create a new version.
        data: dict[str, Any] = handler(self)
        if not self.deliverables:
            data.pop("deliverables", None)
        return data

    def deliverable(self, kind: DeliverableKind) -> Deliverable | None:
        return next((d for d in self.deliverables if d.kind == kind), None)


class Criterion(_Frozen):
    code: Code
    printed_code: Code | None = None
    text: Text
    details: list[Text] = []
    kind: CriterionKind = CriterionKind.POINTS
    max_points: Decimal | None = Field(default=None, ge=0)
    competencies: list[Code] = []
    modality: Code | None = None

    @field_validator("max_points")
    @classmethod
    def _at_most_two_decimals(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value != value.quantize(Decimal("0.01")):
            raise ValueError("au plus deux décimales")
        return value

    @property
    def code_as_printed(self) -> str:
        return self.printed_code or self.code


class Part(_Frozen):
    code: Code
    label: Text


class PointsScoring(_Frozen):
    """Score out of ``out_of`` from the sum of criterion points.

    ``normalisation: proportional`` rescales the raw sum by out_of / sum of maxima,
    for sources whose printed maxima do not add up to the announced total.
    With parts, each part is scored on every criterion of the block and
    ``parts_rule`` says how the block follows from its parts.
    """

    method: Literal["points"]
    out_of: Decimal = Field(gt=0)
    normalisation: Literal["none", "proportional"] = "none"
    threshold: Decimal = Field(ge=0)
    parts_rule: Literal["all_parts_validated"] | None = None
    capitalise_parts: bool = True
    rule_text: str | None = None


class Condition(_Frozen):
    """One condition of a pass/fail assessment; exactly one comparison is set."""

    criterion: Code
    at_least: int | None = None
    equals: bool | None = None


class PassFailScoring(_Frozen):
    method: Literal["pass_fail"]
    conditions: list[Condition] = Field(min_length=1)
    rule_text: str | None = None


Scoring = Annotated[PointsScoring | PassFailScoring, Field(discriminator="method")]


class Block(_Frozen):
    code: Code
    kind: Literal["block", "thesis"] = "block"
    number: int | None = None
    title: Text
    printed_title: str | None = None
    activities_heading: str | None = None
    activities: list[Activity] = []
    competencies: list[Competency] = []
    modalities: list[Modality] = []
    criteria_heading: str | None = None
    parts: list[Part] = []
    criteria: list[Criterion] = Field(min_length=1)
    announced_total: Decimal | None = None
    scoring: Scoring

    @property
    def unit_name(self) -> str:
        """How decisions name the unit: its code, or the title of the thesis (« mémoire… »)."""
        return self.title if self.kind == "thesis" else self.code


class CertificationRule(_Frozen):
    requires: list[Code] = Field(min_length=1)
    validity_years: int | None = Field(default=None, ge=1)
    rule_text: str | None = None


class TargetJob(_Frozen):
    """A job the certification leads to (the fiche RNCP's « métiers visés »): what the
    insertion survey asks a holder in employment to compare their job with."""

    code: Code
    title: Text
    source: str | None = None  # where the référentiel names it


class Erratum(_Frozen):
    code: Code
    subject: str
    printed: str
    decision: Text
    reason: Text


class Referential(_Frozen):
    schema_version: Literal[1]
    code: Code
    version: Text
    title: Text
    printed_title: str | None = None
    metadata: Metadata = Metadata()
    preamble: Preamble | None = None
    competency_mapping: Literal["official", "proposed"] = "official"
    competency_mapping_note: str | None = None
    blocks: list[Block] = Field(min_length=1)
    certification: CertificationRule
    target_jobs: list[TargetJob] = []
    # France compétences' exception to neutralising holders working abroad: the targeted job
    # substantially involves working internationally (docs/statistics.md).
    target_jobs_international: bool = False
    errata: list[Erratum] = []
    transcription_notes: list[Text] = []
    source_anomalies: list[Text] = []
    trailing_heading: str | None = None

    def block(self, code: str) -> Block:
        for block in self.blocks:
            if block.code == code:
                return block
        raise KeyError(code)

    def placed_deliverables(self) -> list[PlacedDeliverable]:
        """Every deliverable with the block and modality it belongs to, in file order."""
        return [
            PlacedDeliverable(block, modality, deliverable)
            for block in self.blocks
            for modality in block.modalities
            for deliverable in modality.deliverables
        ]

    def deliverable(self, code: str) -> PlacedDeliverable:
        for placed in self.placed_deliverables():
            if placed.deliverable.code == code:
                return placed
        raise KeyError(code)


class PlacedDeliverable(NamedTuple):
    block: Block
    modality: Modality
    deliverable: Deliverable

    @property
    def min_pages(self) -> int | None:
        """The page minimum checked on this file (pages before the annexes), if any."""
        return self.modality.min_pages if self.deliverable.checks_min_pages else None
