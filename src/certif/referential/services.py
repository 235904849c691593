"""Writing référentiel versions to the database, and reading the one in force."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.db.models import Max

from certif.core import audit
from certif.core.audit import Actor
from certif.core.errors import Refused
from certif.domain.referential.lint import Finding, has_errors, lint
from certif.domain.referential.loading import LoadedReferential, load_builtin_referential
from certif.domain.referential.schema import Block as BlockSpec
from certif.domain.referential.schema import PointsScoring, Referential
from certif.domain.rules.engine import RulesEngine
from certif.referential import actions
from certif.referential.models import (
    Block,
    Competency,
    Criterion,
    Erratum,
    Modality,
    Part,
    ReferentialVersion,
)


class ReferentialRejected(Refused):
    """The file has lint errors: it must not be used to take decisions."""

    def __init__(self, source: str, findings: list[Finding]) -> None:
        self.findings = findings
        lines = [finding.describe(source) for finding in findings]
        super().__init__("Référentiel refusé :\n" + "\n".join(lines))


@dataclass(frozen=True)
class LoadOutcome:
    version: ReferentialVersion
    created: bool


def document_of(referential: Referential) -> dict[str, object]:
    return referential.model_dump(mode="json")


def content_hash(referential: Referential) -> str:
    """Hash of the meaning, not the bytes: comments and layout do not make a new version."""
    canonical = json.dumps(document_of(referential), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_referential(loaded: LoadedReferential, actor: Actor = None) -> LoadOutcome:
    """Store a référentiel file as a new version, unless that exact content is already stored."""
    findings = lint(loaded)
    if has_errors(findings):
        raise ReferentialRejected(loaded.source, [f for f in findings if f.severity == "error"])
    referential = loaded.referential
    digest = content_hash(referential)
    with transaction.atomic():
        existing = ReferentialVersion.objects.filter(code=referential.code, sha256=digest).first()
        if existing is not None:
            return LoadOutcome(existing, created=False)
        last = ReferentialVersion.objects.select_for_update().filter(code=referential.code)
        number = (last.aggregate(Max("number"))["number__max"] or 0) + 1
        version = ReferentialVersion.objects.create(
            code=referential.code,
            number=number,
            label=referential.version,
            title=referential.title,
            sha256=digest,
            source_name=loaded.source,
            source_text=loaded.text,
            document=document_of(referential),
        )
        for position, spec in enumerate(referential.blocks):
            _create_block(version, position, spec)
        Erratum.objects.bulk_create(
            Erratum(version=version, position=i, **erratum.model_dump())
            for i, erratum in enumerate(referential.errata)
        )
        audit.record(
            actions.LOADED,
            version,
            actor=actor,
            after={
                "code": version.code,
                "number": number,
                "label": version.label,
                "sha256": digest,
            },
        )
    return LoadOutcome(version, created=True)


def _create_block(version: ReferentialVersion, position: int, spec: BlockSpec) -> Block:
    scoring = spec.scoring
    points = scoring if isinstance(scoring, PointsScoring) else None
    block = Block.objects.create(
        version=version,
        code=spec.code,
        position=position,
        kind=spec.kind,
        number=spec.number,
        title=spec.title,
        scoring_method=scoring.method,
        out_of=points.out_of if points else None,
        threshold=points.threshold if points else None,
        normalisation=points.normalisation if points else "",
        rule_text=scoring.rule_text or "",
    )
    Part.objects.bulk_create(
        Part(block=block, code=p.code, label=p.label, position=i) for i, p in enumerate(spec.parts)
    )
    competencies = {
        c.code: Competency.objects.create(
            block=block, code=c.code, activity=c.activity or "", text=c.text, position=i
        )
        for i, c in enumerate(spec.competencies)
    }
    Modality.objects.bulk_create(
        Modality(
            block=block,
            code=m.code or "",
            mode=m.mode.value,
            mode_text=m.mode_text,
            details=m.model_dump(mode="json", exclude={"code", "mode", "mode_text"}),
            position=i,
        )
        for i, m in enumerate(spec.modalities)
    )
    for i, c in enumerate(spec.criteria):
        criterion = Criterion.objects.create(
            block=block,
            code=c.code,
            printed_code=c.code_as_printed,
            kind=c.kind.value,
            text=c.text,
            details=c.details,
            max_points=c.max_points,
            modality=c.modality or "",
            position=i,
        )
        criterion.competencies.set([competencies[code] for code in c.competencies])
    return block


def load_builtin(actor: Actor = None) -> LoadOutcome:
    return load_referential(load_builtin_referential(), actor=actor)


def current_version(code: str | None = None) -> ReferentialVersion | None:
    """The version in force: the last one loaded (for ``code``, or any code).

    The document and source text load only when used: they weigh tens of kilobytes.
    """
    versions = ReferentialVersion.objects.defer("document", "source_text")
    if code is not None:
        versions = versions.filter(code=code)
    return versions.order_by("-loaded_at", "-id").first()


@lru_cache(maxsize=32)
def _engine_for(version_id: int, sha256: str) -> RulesEngine:
    version = ReferentialVersion.objects.get(pk=version_id)
    return RulesEngine(version.referential)


def engine_for(version: ReferentialVersion) -> RulesEngine:
    """The compiled rules of a version; versions never change, so the engine is cached."""
    return _engine_for(version.pk, version.sha256)
