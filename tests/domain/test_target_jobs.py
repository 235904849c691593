"""The référentiel's target jobs (« métiers visés »), which the insertion survey asks about."""

from __future__ import annotations

from typing import Any

import yaml

from certif.domain.referential.lint import FindingCode, lint
from certif.domain.referential.loading import LoadedReferential, parse_referential


def test_the_shipped_referential_names_its_own_job_as_targeted(
    loaded_ccab: LoadedReferential,
) -> None:
    referential = loaded_ccab.referential
    assert [job.code for job in referential.target_jobs] == ["CCAB"]
    assert referential.target_jobs[0].title == referential.title
    assert referential.target_jobs_international is False


def test_a_target_job_code_given_twice_is_an_error(loaded_ccab: LoadedReferential) -> None:
    document: dict[str, Any] = yaml.safe_load(loaded_ccab.text)
    document["target_jobs"].append({"code": "CCAB", "title": "Conseiller clientèle"})
    findings = lint(parse_referential(yaml.safe_dump(document, allow_unicode=True), "m.yaml"))
    [duplicate] = [f for f in findings if f.location[:1] == ("target_jobs",)]
    assert duplicate.code is FindingCode.DUPLICATE_CODE


def test_a_referential_without_target_jobs_still_loads_cleanly(
    loaded_ccab: LoadedReferential,
) -> None:
    document: dict[str, Any] = yaml.safe_load(loaded_ccab.text)
    del document["target_jobs"]
    loaded = parse_referential(yaml.safe_dump(document, allow_unicode=True), "m.yaml")
    assert loaded.referential.target_jobs == []
    assert not [f for f in lint(loaded) if f.location[:1] == ("target_jobs",)]
