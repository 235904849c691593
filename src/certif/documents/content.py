"""What each document prints, gathered from the database as plain JSON data.

The templates decide the layout; every word that depends on a candidate, a session, the
référentiel or the certifier comes from here. Values are formatted for a French reader
(« 12 mars 2026 », « 14,50/20 ») before they reach Typst. A mention that a parchemin or an
attestation must carry and that is not configured is refused (``DocumentRefused``), never
printed blank.
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import translation

from certif.candidates.models import Candidate
from certif.core.errors import Refused
from certif.deliberations.checks import minutes_data
from certif.deliberations.models import (
    CERTIFICATION,
    WITHOUT_DECISION_LABELS,
    Affiliation,
    Decision,
    Deliberation,
    Kind,
    MemberRole,
    Resolution,
    State,
    UnitStatus,
)
from certif.deliberations.proposals import granting_text, score_text
from certif.documents import french
from certif.documents.images import jpeg_size, png_size
from certif.documents.models import CertifierSettings, ImageFormat, format_number
from certif.domain import values
from certif.domain.identity import agreed
from certif.domain.numbers import format_quantity
from certif.domain.referential.schema import Block as BlockSpec
from certif.domain.referential.schema import DeliverableKind, Modality, Referential
from certif.domain.rules.explain import PART_STATUS_LABELS, STATUS_LABELS
from certif.domain.rules.results import BlockResult, Status, UnitResult
from certif.domain.rules.results import CandidateResult as EngineDecision
from certif.domain.units import SittingRef, UnitRef, separate_modalities
from certif.grading.models import COUNTING, Score, ScoreSheet
from certif.referential.models import Criterion, ReferentialVersion
from certif.sessions.models import Enrolment, ExamSession
from certif.submissions.queries import approved_subject, dates_of

STATUS_FR = {status.value: label.fr for status, label in STATUS_LABELS.items()}
PART_STATUS_FR = {status.value: label.fr for status, label in PART_STATUS_LABELS.items()}
# The PV's table is dense: each status as a short code, explained in a legend under it.
STATUS_SHORT = {
    Status.VALIDATED.value: "V",
    Status.NOT_VALIDATED.value: "NV",
    Status.INCOMPLETE.value: "I",
    Status.NOT_ASSESSED.value: "NE",
}
ROLE_FR = {MemberRole.PRESIDENT.value: "président(e)", MemberRole.MEMBER.value: "membre"}
AFFILIATION_FR = {
    Affiliation.INTERNAL.value: "interne au certificateur",
    Affiliation.EXTERNAL.value: "extérieur au certificateur",
}


class DocumentRefused(Refused):
    """A document that must not be issued as things stand; the message says why, in French."""


class MentionsMissing(DocumentRefused):
    """A mention of the référentiel or of the certifier is missing: every parchemin and
    attestation of the session is refused alike."""


# -- the document's own identity ---------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What a document knows of itself before it is rendered: its number and issue time."""

    public_id: str
    issued_at: datetime
    replaces: str = ""


def verify_url(base_url: str, public_id: str) -> str:
    return base_url + reverse("verify", args=[public_id])


def stamp_data(stamp: Stamp, base_url: str) -> dict[str, Any]:
    url = verify_url(base_url, stamp.public_id)
    return {
        "number": format_number(stamp.public_id),
        "url": url,
        "short_url": url.split("://", 1)[-1].rstrip("/"),
        "issued_on": french.long_date(french.local_day(stamp.issued_at)),
        "replaces": format_number(stamp.replaces) if stamp.replaces else "",
    }


# -- the certifier ---------------------------------------------------------------------------


def signature_svg(settings: CertifierSettings) -> str:
    """The signature as SVG text (a PNG or a JPEG is wrapped in an SVG): Typst reads images
    from the JSON data as text, and an SVG carries any of them."""
    raw = settings.signature
    if not raw:
        return ""
    data = bytes(raw)
    kind = ImageFormat(settings.signature_format or ImageFormat.PNG)
    if kind == ImageFormat.SVG:
        return data.decode("utf-8")
    width, height = png_size(data) if kind == ImageFormat.PNG else jpeg_size(data)
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" '
        f'href="data:{kind.media_type};base64,{encoded}"/></svg>'
    )


@dataclass(frozen=True)
class Issuer:
    legal_name: str
    address: list[str]
    place: str
    signatory_name: str
    signatory_title: str
    signature: str
    base_url: str

    @classmethod
    def load(cls, referential: Referential | None = None) -> Issuer:
        settings = CertifierSettings.load()
        registered = referential.metadata.certifier if referential is not None else ""
        return cls(
            legal_name=settings.legal_name.strip() or registered.strip(),
            address=[line.strip() for line in settings.address.splitlines() if line.strip()],
            place=settings.issue_place.strip(),
            signatory_name=settings.signatory_name.strip(),
            signatory_title=settings.signatory_title.strip(),
            signature=signature_svg(settings),
            base_url=settings.base_url,
        )

    def require(self) -> None:
        """Refuse any document while the issuer's identity is incomplete: every document
        printed in the certifier's name carries it, never blank."""
        missing = self.missing()
        if missing:
            raise MentionsMissing("Mention(s) manquante(s) : " + " ; ".join(missing) + ".")

    def missing(self) -> list[str]:
        wanted = {
            "raison sociale du certificateur": self.legal_name,
            "lieu de délivrance": self.place,
            "nom du signataire": self.signatory_name,
            "qualité du signataire": self.signatory_title,
        }
        return [
            f"{label} (paramètres du certificateur)" for label, value in wanted.items() if not value
        ]

    def data(self) -> dict[str, Any]:
        return {
            "name": self.legal_name,
            "address": self.address,
            "place": self.place,
            "signatory": {
                "name": self.signatory_name,
                "title": self.signatory_title,
                "signature": self.signature,
            },
        }


# -- the certification as registered -----------------------------------------------------------


def rncp_label(code: str) -> str:
    code = code.strip()
    return code if code.upper().startswith("RNCP") else f"RNCP{code}"


# The levels of the national framework (décret n° 2019-14 du 8 janvier 2019) are referenced
# one to one to the European Qualifications Framework's: level N of the one is level N of
# the other, so the European level is derived rather than configured a second time.
LEVELS = range(1, 9)
LEVEL_NUMBER = re.compile(r"\d+")


def level_number(level: str) -> int | None:
    """The level's number from « 5 » or « niveau 5 »; None when there is none in 1–8."""
    found = LEVEL_NUMBER.search(level)
    number = int(found.group()) if found is not None else None
    return number if number in LEVELS else None


def national_level(number: int) -> str:
    return f"niveau {number} du cadre national des certifications professionnelles"


def european_level(number: int) -> str:
    return f"niveau {number} du cadre européen des certifications (CEC/EQF)"


def registration_data(version: ReferentialVersion) -> dict[str, Any]:
    """The registration mentions, refused when one is missing (named, with where to set it)."""
    referential = version.referential
    metadata = referential.metadata
    where = f"métadonnées du référentiel {version.code} {version.label}"
    wanted: dict[str, object] = {
        "code RNCP": metadata.rncp_code.strip(),
        "niveau (un nombre de 1 à 8)": level_number(metadata.level),
        "code NSF": metadata.nsf_code.strip(),
        "date de la décision d'enregistrement de France compétences": (
            metadata.registration_decision_date
        ),
        "durée de l'enregistrement": metadata.registration_duration_years,
    }
    missing = [f"{label} ({where})" for label, value in wanted.items() if not value]
    if missing:
        raise MentionsMissing("Mention(s) manquante(s) : " + " ; ".join(missing) + ".")
    decided = metadata.registration_decision_date
    assert decided is not None
    assert metadata.registration_duration_years is not None
    years = metadata.registration_duration_years
    level = level_number(metadata.level)
    assert level is not None
    return {
        # The title exactly as registered: nothing added, nothing abridged.
        "title": referential.title,
        "rncp": rncp_label(metadata.rncp_code),
        "level": national_level(level),
        "european_level": european_level(level),
        "nsf": metadata.nsf_code.strip(),
        "decision_date": french.long_date(decided),
        "duration": f"{years} an{'s' if years > 1 else ''}",
        "validity_years": referential.certification.validity_years,
    }


def optional_registration(version: ReferentialVersion) -> dict[str, Any]:
    """Title, and the RNCP code when configured: for documents that only name the certification."""
    metadata = version.referential.metadata
    return {
        "title": version.referential.title,
        "rncp": rncp_label(metadata.rncp_code) if metadata.rncp_code.strip() else "",
    }


# -- the holder ------------------------------------------------------------------------------


def holder_data(candidate: Candidate) -> dict[str, Any]:
    place = candidate.birth_place.strip()
    country = candidate.birth_country.strip()
    if place and country and country.casefold() != "france":
        place = f"{place} ({country})"
    usage = candidate.usage_name.strip()
    return {
        "numero": candidate.numero,
        "name": candidate.display_name,
        "birth_name": candidate.birth_name.upper(),
        "usage_name": usage.upper() if usage and usage != candidate.birth_name else "",
        "first_names": " ".join(candidate.first_names),
        "born": french.born(candidate.sex),
        # The words that name the holder, agreeing with the recorded sex.
        "title": agreed(candidate.sex, "Candidat", "Candidate", "Candidat(e)"),
        "born_on": agreed(candidate.sex, "Né le", "Née le", "Né(e) le"),
        "summoned": agreed(candidate.sex, "convoqué", "convoquée", "convoqué(e)"),
        "birth_date": french.long_date(candidate.birth_date),
        "birth_place": place,
    }


def check_holder(candidate: Candidate) -> None:
    if not candidate.birth_place.strip():
        raise DocumentRefused(
            f"Mention manquante : commune de naissance du candidat {candidate.numero} "
            f"({candidate.display_name}) ; complétez son identité."
        )


# -- the jury's decisions ----------------------------------------------------------------------


@dataclass
class JuryOutcome:
    """A candidate's decisions in the latest closed act of a session that concerns them."""

    deliberation: Deliberation
    decisions: dict[str, Decision] = field(default_factory=dict)

    def validated(self, unit: str) -> bool:
        """Validated by this act — a unit acquired earlier is attested by the act that
        granted it, under its own session."""
        decision = self.decisions.get(unit)
        return (
            decision is not None
            and decision.status == UnitStatus.VALIDATED
            and decision.resolution != Resolution.ACQUIRED
        )

    @property
    def certified(self) -> bool:
        return self.validated(CERTIFICATION)

    def validated_blocks(self) -> list[str]:
        """The blocks this act validated — not those it found acquired, attested by the act
        that granted them."""
        return [
            unit
            for unit, decision in sorted(self.decisions.items(), key=lambda item: item[1].position)
            if unit != CERTIFICATION and self.validated(unit)
        ]


def jury_outcomes(
    session: ExamSession, candidate_ids: Iterable[int] | None = None
) -> dict[int, JuryOutcome]:
    """Per candidate, the decisions of the latest closed deliberation of the session about them
    (an amendment supersedes what came before)."""
    # The engine's snapshot is read only by a relevé, for one decision: left out here.
    decisions = (
        Decision.objects.filter(deliberation__session=session, deliberation__status=State.CLOSED)
        .select_related("deliberation", "acquired_from__deliberation__session")
        .defer("snapshot", "acquired_from__snapshot")
        .order_by("candidate_id", "-deliberation__number", "position")
    )
    if candidate_ids is not None:
        decisions = decisions.filter(candidate_id__in=list(candidate_ids))
    outcomes: dict[int, JuryOutcome] = {}
    for decision in decisions:
        outcome = outcomes.get(decision.candidate_id)
        if outcome is None:
            outcome = outcomes[decision.candidate_id] = JuryOutcome(decision.deliberation)
        if decision.deliberation_id == outcome.deliberation.pk:
            outcome.decisions[decision.unit] = decision
    return outcomes


def jury_data(deliberation: Deliberation) -> dict[str, Any]:
    return {
        "date": french.long_date(deliberation.date),
        "place": deliberation.place,
        "number": deliberation.number,
        "amendment": deliberation.kind == Kind.AMENDMENT,
    }


# -- parchemin and attestation -------------------------------------------------------------------


@dataclass(frozen=True)
class SessionContext:
    """What every document of a session shares, read once for a whole batch."""

    session: ExamSession
    version: ReferentialVersion
    issuer: Issuer

    @classmethod
    def load(cls, session: ExamSession) -> SessionContext:
        version = ReferentialVersion.objects.get(pk=session.referential_version_id)
        return cls(session, version, Issuer.load(version.referential))

    @property
    def referential(self) -> Referential:
        return self.version.referential

    def session_data(self) -> dict[str, Any]:
        session = self.session
        return {
            "code": session.code,
            "title": session.title,
            "dates": french.date_range(session.start_date, session.end_date),
            "place": session.place,
        }

    def certificate_mentions(self) -> dict[str, Any]:
        """Registration and issuer mentions of a parchemin or an attestation, all required."""
        missing = self.issuer.missing()
        try:
            registration = registration_data(self.version)
        except MentionsMissing as refused:
            raise MentionsMissing(
                str(refused) + (" Et : " + " ; ".join(missing) + "." if missing else "")
            ) from None
        if missing:
            raise MentionsMissing("Mention(s) manquante(s) : " + " ; ".join(missing) + ".")
        return registration


def parchemin_data(
    context: SessionContext, candidate: Candidate, outcome: JuryOutcome, stamp: Stamp
) -> dict[str, Any]:
    registration = context.certificate_mentions()
    check_holder(candidate)
    return {
        "certifier": context.issuer.data(),
        "certification": registration,
        "holder": holder_data(candidate),
        "jury": jury_data(outcome.deliberation),
        "session": context.session_data(),
        "document": stamp_data(stamp, context.issuer.base_url),
    }


def attestation_data(
    context: SessionContext,
    candidate: Candidate,
    outcome: JuryOutcome,
    block_code: str,
    stamp: Stamp,
) -> dict[str, Any]:
    registration = context.certificate_mentions()
    check_holder(candidate)
    spec = context.referential.block(block_code)
    return {
        "certifier": context.issuer.data(),
        "certification": registration,
        "block": {
            "code": spec.code,
            "kind": spec.kind,
            "title": spec.title,
            "competencies": [competency.text for competency in spec.competencies],
        },
        "holder": holder_data(candidate),
        "jury": jury_data(outcome.deliberation),
        "session": context.session_data(),
        "document": stamp_data(stamp, context.issuer.base_url),
    }


# -- relevé de notes ---------------------------------------------------------------------------


def _threshold_text(unit: UnitResult) -> str:
    if unit.pass_fail or unit.threshold is None or unit.out_of is None:
        return ""
    return f"{format_quantity(unit.threshold)}/{format_quantity(unit.out_of)}"


@dataclass(frozen=True)
class SheetLines:
    """A candidate's counting sheets, with their recorded values, by (session, block, part)."""

    sheets: dict[tuple[str, str, str], ScoreSheet]
    values: dict[int, dict[int, Score]]
    criteria: dict[int, list[Criterion]]

    @classmethod
    def load(cls, candidate: Candidate) -> SheetLines:
        sheets = list(
            ScoreSheet.objects.filter(candidate=candidate, marking__in=COUNTING).select_related(
                "session", "block"
            )
        )
        by_unit = {(s.session.code, s.block.code, s.part): s for s in sheets}
        recorded: dict[int, dict[int, Score]] = defaultdict(dict)
        for score in Score.objects.filter(sheet__in=[s.pk for s in sheets]):
            recorded[score.sheet_id][score.criterion_id] = score
        criteria: dict[int, list[Criterion]] = defaultdict(list)
        for criterion in Criterion.objects.filter(
            block_id__in={s.block_id for s in sheets}
        ).order_by("block_id", "position"):
            criteria[criterion.block_id].append(criterion)
        return cls(by_unit, recorded, criteria)

    def lines(self, session: str | None, block: str, part: str) -> list[dict[str, str]]:
        sheet = self.sheets.get((session or "", block, part))
        if sheet is None:
            return []
        recorded = self.values.get(sheet.pk, {})
        lines = []
        for criterion in self.criteria.get(sheet.block_id, []):
            score = recorded.get(criterion.pk)
            value = values.display_stored(
                criterion.kind, score.value if score is not None else None, "—"
            )
            maximum = (
                format_quantity(Decimal(criterion.max_points))
                if criterion.max_points is not None and criterion.kind == "points"
                else ""
            )
            lines.append(
                {
                    # The canonical code, unique in its block, as the screens show it: the
                    # printed one repeats itself where the source misprinted (errata E1, E2).
                    "code": criterion.code,
                    "text": criterion.text,
                    "value": value,
                    "max": maximum,
                }
            )
        return lines


def part_headline(label: str, status: Status) -> str:
    """« partie PME validée »: a part agrees in the feminine, as on the screens."""
    return f"partie {label} {PART_STATUS_FR[status.value]}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _unit_data(unit: UnitResult, lines: list[dict[str, str]], label: str = "") -> dict[str, Any]:
    return {
        # A unit without a label is the block itself, whose line says its status already.
        "headline": _capitalised(part_headline(label, unit.status)) if label else "",
        # A unit without a label is the block itself: its session shows on the block's line.
        "session": (unit.session or "") if label else "",
        "status": (PART_STATUS_FR if label else STATUS_FR)[unit.status.value],
        "score": score_text(unit),
        "threshold": _threshold_text(unit),
        "criteria": lines,
    }


def _jury_status(decision: Decision) -> str:
    """« validé », « validé — acquis : validé par le jury du 26 juin 2026 (…) », « sans
    décision (non présenté) »."""
    if decision.resolution == Resolution.ACQUIRED and decision.acquired_from is not None:
        return (
            f"{STATUS_FR[Status.VALIDATED.value]} — acquis, {granting_text(decision.acquired_from)}"
        )
    if decision.resolution == Resolution.WITHOUT_DECISION:
        with translation.override("fr"):
            why = str(WITHOUT_DECISION_LABELS.get(decision.proposed_status, ""))
        return f"sans décision ({why})"
    return STATUS_FR.get(decision.status, decision.status)


def _jury_unit(outcome: JuryOutcome | None, unit: str) -> dict[str, Any] | None:
    if outcome is None or unit not in outcome.decisions:
        return None
    decision = outcome.decisions[unit]
    return {
        "status": _jury_status(decision),
        "overridden": decision.resolution == Resolution.OVERRIDDEN,
        "justification": decision.justification,
    }


def _block_data(
    block: BlockResult, spec: BlockSpec | None, sheets: SheetLines, outcome: JuryOutcome | None
) -> dict[str, Any]:
    part_labels = {part.code: part.label for part in spec.parts} if spec is not None else {}
    if block.parts:
        units = [
            _unit_data(
                part,
                sheets.lines(part.session, block.code, code),
                part_labels.get(code, code),
            )
            for code, part in block.parts.items()
        ]
    elif block.unit is not None:
        units = [_unit_data(block.unit, sheets.lines(block.unit.session, block.code, ""))]
    else:
        units = []
    scored = block.unit if block.unit is not None and not block.parts else None
    return {
        "session": scored.session or "" if scored is not None else "",
        "code": block.code,
        "title": spec.title if spec is not None else block.name,
        "status": STATUS_FR[block.status.value],
        "score": score_text(scored) if scored is not None else "",
        "threshold": _threshold_text(scored) if scored is not None else "",
        "explanation": block.explanation("fr"),
        "jury": _jury_unit(outcome, block.code),
        "units": units,
    }


def _sessions_concerned(decision: EngineDecision, current: ExamSession) -> list[dict[str, str]]:
    codes: set[str] = {current.code}
    for block in decision.blocks.values():
        units = list(block.parts.values()) if block.parts else [block.unit] if block.unit else []
        codes.update(unit.session for unit in units if unit is not None and unit.session)
    sessions = ExamSession.objects.filter(code__in=codes).order_by("start_date", "code")
    return [
        {
            "code": session.code,
            "title": session.title,
            "dates": french.date_range(session.start_date, session.end_date),
        }
        for session in sessions
    ]


def _certification_verdict(decision: EngineDecision, outcome: JuryOutcome | None) -> dict[str, Any]:
    if outcome is not None and CERTIFICATION in outcome.decisions:
        certification = outcome.decisions[CERTIFICATION]
        # The certification's line follows the jury's decisions on the blocks: its explanation
        # says what they gave.
        return {
            "granted": certification.status == UnitStatus.VALIDATED,
            "by_jury": True,
            "explanation": certification.explanation,
            "justification": certification.justification
            if certification.resolution == Resolution.OVERRIDDEN
            else "",
        }
    return {
        "granted": decision.certified,
        "by_jury": False,
        "explanation": decision.explanation("fr"),
        "justification": "",
    }


def _with_subject(
    blocks: list[dict[str, Any]], referential: Referential, candidate: Candidate
) -> list[dict[str, Any]]:
    """The mémoire's block names the subject the Direction pédagogique approved."""
    subject = approved_subject(candidate)
    if subject is None:
        return blocks
    theses = {
        p.block.code
        for p in referential.placed_deliverables()
        if p.deliverable.kind == DeliverableKind.THESIS
    }
    return [{**b, "subject": subject.title} if b["code"] in theses else b for b in blocks]


def releve_data(
    context: SessionContext,
    candidate: Candidate,
    decision: EngineDecision,
    result_version: ReferentialVersion,
    outcome: JuryOutcome | None,
    stamp: Stamp,
) -> dict[str, Any]:
    context.issuer.require()
    sheets = SheetLines.load(candidate)
    referential = result_version.referential
    specs = {spec.code: spec for spec in referential.blocks}
    return {
        "certifier": context.issuer.data(),
        "certification": optional_registration(result_version),
        "holder": holder_data(candidate),
        "session": context.session_data(),
        "sessions": _sessions_concerned(decision, context.session),
        "blocks": _with_subject(
            [
                _block_data(block, specs.get(code), sheets, outcome)
                for code, block in decision.blocks.items()
            ],
            referential,
            candidate,
        ),
        "certification_verdict": _certification_verdict(decision, outcome),
        "jury": jury_data(outcome.deliberation) if outcome is not None else None,
        "document": stamp_data(stamp, context.issuer.base_url),
    }


# -- procès-verbal -----------------------------------------------------------------------------


def _unit_columns(version: ReferentialVersion) -> list[dict[str, str]]:
    columns = [{"code": spec.code, "title": spec.title} for spec in version.referential.blocks]
    return [*columns, {"code": CERTIFICATION, "title": "Certification"}]


def _pv_rows(
    decisions: Sequence[Mapping[str, Any]], names: Mapping[str, str], units: Sequence[str]
) -> list[dict[str, Any]]:
    by_candidate: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for entry in decisions:
        by_candidate[entry["candidate"]][entry["unit"]] = entry
    rows = []
    for numero in sorted(by_candidate):
        cells = []
        for unit in units:
            found = by_candidate[numero].get(unit)
            if found is None:
                cells.append({"proposal": "", "decision": "", "overridden": False})
                continue
            proposal = found["proposal"]
            score = proposal["score"].replace(" · ", " ").strip()
            cells.append(
                {
                    "proposal": f"{STATUS_SHORT.get(proposal['status'], '')} {score}".strip(),
                    "decision": _short_decision(found),
                    "overridden": found["resolution"] == Resolution.OVERRIDDEN,
                }
            )
        rows.append({"numero": numero, "name": names.get(numero, ""), "cells": cells})
    return rows


def _short_decision(entry: Mapping[str, Any]) -> str:
    """The decision's code in the PV's table: « A » for a unit acquired earlier, « SD » for a
    unit without decision."""
    if entry["resolution"] == Resolution.ACQUIRED:
        return "A"
    if entry["resolution"] == Resolution.WITHOUT_DECISION:
        return "SD"
    return STATUS_SHORT.get(entry["decision"], entry["decision"])


def pv_data(deliberation: Deliberation, stamp: Stamp) -> dict[str, Any]:
    """The minutes: exactly the content the closing digest sealed, with names and labels."""
    session = deliberation.session
    version = ReferentialVersion.objects.get(pk=session.referential_version_id)
    issuer = Issuer.load(version.referential)
    issuer.require()
    sealed = minutes_data(deliberation)
    numeros = sorted({entry["candidate"] for entry in sealed["decisions"]})
    names = {
        candidate.numero: candidate.display_name
        for candidate in Candidate.objects.filter(numero__in=numeros)
    }
    columns = _unit_columns(version)
    units = [column["code"] for column in columns]
    titles = {column["code"]: column["title"] for column in columns}
    president = next(
        (m for m in sealed["members"] if m["role"] == MemberRole.PRESIDENT and m["present"]),
        None,
    )
    closed_at = deliberation.closed_at
    return {
        "certifier": issuer.data(),
        "certification": optional_registration(version),
        "session": {
            "code": session.code,
            "title": session.title,
            "dates": french.date_range(session.start_date, session.end_date),
            "place": session.place,
        },
        "deliberation": {
            "number": deliberation.number,
            "amendment": deliberation.kind == Kind.AMENDMENT,
            "reason": deliberation.reason,
            "date": french.long_date(deliberation.date),
            "place": deliberation.place,
            "closed": (
                f"{french.long_date(french.local_day(closed_at))} à {french.clock(closed_at)}"
                if closed_at is not None
                else ""
            ),
            "digest": deliberation.digest,
        },
        "members": [
            {
                "name": member["name"],
                "role": ROLE_FR.get(member["role"], member["role"]),
                "affiliation": AFFILIATION_FR.get(member["affiliation"], member["affiliation"]),
                "occupation": member["occupation"],
                "present": member["present"],
            }
            for member in sealed["members"]
        ],
        "recusals": [
            {**recusal, "name": names.get(recusal["candidate"], "")}
            for recusal in sealed["recusals"]
        ],
        "units": columns,
        "rows": _pv_rows(sealed["decisions"], names, units),
        "overrides": [
            {
                "numero": entry["candidate"],
                "name": names.get(entry["candidate"], ""),
                "unit": entry["unit"],
                "unit_title": titles.get(entry["unit"], entry["unit"]),
                "from": STATUS_FR.get(entry["from"], entry["from"]),
                "to": STATUS_FR.get(entry["to"], entry["to"]),
                "justification": entry["justification"],
            }
            for entry in sealed["overrides"]
        ],
        "counts": sealed["counts"],
        "president": president["name"] if president is not None else "",
        "signatories": [m["name"] for m in sealed["members"] if m["present"]],
        "document": stamp_data(stamp, issuer.base_url),
    }


# -- convocation -------------------------------------------------------------------------------


def _duration(
    label: str, minutes: int | None, percent: int, extend: bool = True
) -> list[dict[str, str]]:
    if minutes is None:
        return []
    granted = french.with_extra_time(minutes, percent) if extend and percent else minutes
    return [
        {
            "label": label,
            "base": french.minutes_text(minutes),
            "granted": french.minutes_text(granted) if granted != minutes else "",
        }
    ]


def _modality_data(modality: Modality, percent: int) -> dict[str, Any]:
    durations = [
        *_duration("Durée de l'épreuve", modality.duration_minutes, percent),
        *_duration("dont préparation", modality.preparation_minutes, percent),
        *_duration("dont échange avec le jury", modality.jury_exchange_minutes, percent, False),
        *_duration("Soutenance orale", modality.oral_minutes, percent),
    ]
    bring = []
    if modality.written_support:
        weeks = modality.written_support_preparation_weeks
        prepared = (
            f", préparé en {weeks} semaine{'s' if weeks and weeks > 1 else ''}" if weeks else ""
        )
        bring.append(
            f"Votre support écrit{prepared}, remis au préalable selon les consignes reçues"
        )
    if modality.min_pages:
        bring.append(f"Votre mémoire professionnel ({modality.min_pages} pages au minimum)")
    return {
        "code": modality.code or "",
        "text": modality.mode_text,
        "durations": durations,
        "rule": modality.duration_text or "",
        "role_play": modality.role_play or "",
        "bring": bring,
    }


SittingKey = tuple[str, str, str]


def _slot(
    context: SessionContext,
    sittings: Mapping[SittingKey, Any],
    ref: SittingRef,
    part_label: str,
) -> dict[str, str]:
    """When and where: the épreuve's own sitting if set (a modality's, else its unit's, else
    its block's), else the session's dates and place."""
    block, part = ref.unit
    sitting = (
        sittings.get((block, part, ref.modality))
        or sittings.get((block, part, ""))
        or sittings.get((block, "", ""))
    )
    session = context.session
    if sitting is not None:
        day = french.weekday_date(french.local_day(sitting.starts_at))
        time, place = french.clock(sitting.starts_at), sitting.room.strip() or session.place
    else:
        day, time, place = (
            french.date_range(session.start_date, session.end_date),
            "",
            session.place,
        )
    if not day or not place:
        what = "la date" if not day else "le lieu"
        epreuve = ref.label(context.referential)
        raise DocumentRefused(
            f"Convocation impossible : {what} de l'épreuve {epreuve} de la session "
            f"{session.code} n'est pas connu(e) ; renseignez les dates et le lieu de la "
            "session, ou l'horaire de l'épreuve."
        )
    return {"part": part_label, "day": day, "time": time or "—", "place": place}


def _epreuves(
    context: SessionContext,
    enrolments: Sequence[Enrolment],
    sittings: Mapping[SittingKey, Any],
    percent: int,
) -> list[dict[str, Any]]:
    """One épreuve per enrolled block, in the référentiel's order, with a slot per part, or
    per modality where the block sits its modalities apart (B4's two case studies)."""
    parts: dict[str, set[str]] = defaultdict(set)
    for enrolment in enrolments:
        parts[enrolment.block.code].add(enrolment.part)
    epreuves = []
    for spec in context.referential.blocks:
        if spec.code not in parts:
            continue
        enrolled = parts[spec.code]
        ordered = [(p.code, p.label) for p in spec.parts if p.code in enrolled]
        ordered += [(code, code) for code in sorted(enrolled - {p.code for p in spec.parts})]
        apart = separate_modalities(context.referential, spec.code)
        if apart:
            slots = [_slot(context, sittings, SittingRef(UnitRef(spec.code), m), m) for m in apart]
        else:
            slots = [
                _slot(
                    context, sittings, SittingRef(UnitRef(spec.code, code)), label if code else ""
                )
                for code, label in ordered
            ]
        epreuves.append(
            {
                "code": spec.code,
                "title": spec.title,
                "slot_heading": "Modalité" if apart else "Partie",
                "slots": slots,
                "modalities": [_modality_data(m, percent) for m in spec.modalities],
            }
        )
    return epreuves


def _deliverables(
    context: SessionContext,
    enrolments: Sequence[Enrolment],
    sittings: Mapping[SittingKey, Any],
) -> list[dict[str, str]]:
    """What the candidate deposits before the épreuves, and until when (docs/deposits.md)."""
    blocks = {enrolment.block.code for enrolment in enrolments}
    days: dict[str, date] = {}
    for key, sitting in sittings.items():
        block, day = key[0], french.local_day(sitting.starts_at)  # block, part, modality
        days[block] = min(day, days.get(block, day))
    rows = []
    for placed in context.referential.placed_deliverables():
        if placed.block.code not in blocks:
            continue
        _epreuve, due = dates_of(placed, days, context.session)
        pages = f", au moins {placed.min_pages} pages hors annexes" if placed.min_pages else ""
        rows.append(
            {
                "block": placed.block.code,
                "label": placed.deliverable.label,
                "due": french.long_date(due) if due else "date communiquée ultérieurement",
                "format": f"PDF, {placed.deliverable.max_size_mb} Mo au plus{pages}",
            }
        )
    return rows


def convocation_data(
    context: SessionContext,
    candidate: Candidate,
    enrolments: Sequence[Enrolment],
    sittings: Mapping[SittingKey, Any],
    stamp: Stamp,
) -> dict[str, Any]:
    if not enrolments:
        raise DocumentRefused(
            f"Le candidat {candidate.numero} n'est inscrit à aucune épreuve de la session "
            f"{context.session.code}."
        )
    percent = candidate.extra_time_percent
    return {
        "certifier": context.issuer.data(),
        "certification": optional_registration(context.version),
        "holder": holder_data(candidate),
        "session": context.session_data(),
        "epreuves": _epreuves(context, enrolments, sittings, percent),
        "deliverables": _deliverables(context, enrolments, sittings),
        "accommodations": {
            "extra_time_percent": percent,
            "text": candidate.accommodations.strip(),
        },
        "bring": [
            "Une pièce d'identité officielle en cours de validité, avec photographie",
            "La présente convocation",
        ],
        "document": stamp_data(stamp, context.issuer.base_url),
    }
