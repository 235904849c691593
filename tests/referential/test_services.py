"""Loading référentiel versions into the database."""

from __future__ import annotations

import pytest

from certif.core.models import AuditEvent
from certif.domain.referential.loading import LoadedReferential, parse_referential
from certif.referential.models import Criterion, ReferentialVersion
from certif.referential.services import (
    ReferentialRejected,
    current_version,
    engine_for,
    load_builtin,
    load_referential,
)

pytestmark = pytest.mark.django_db


def test_loading_the_builtin_referential_creates_version_1() -> None:
    outcome = load_builtin()
    assert outcome.created
    assert outcome.version.number == 1
    assert outcome.version.blocks.count() == 5


def test_loading_the_same_file_twice_changes_nothing() -> None:
    first = load_builtin()
    second = load_builtin()
    assert not second.created
    assert second.version == first.version
    assert ReferentialVersion.objects.count() == 1
    assert AuditEvent.objects.filter(action="referential.loaded").count() == 1


def test_a_comment_alone_does_not_make_a_new_version(loaded_ccab: LoadedReferential) -> None:
    load_builtin()
    commented = parse_referential("# relu le 28/11\n" + loaded_ccab.text, "ccab.yaml")
    assert not load_referential(commented).created


def test_a_changed_file_makes_a_new_version(loaded_ccab: LoadedReferential) -> None:
    load_builtin()
    changed = parse_referential(
        loaded_ccab.text.replace('rncp_code: ""', 'rncp_code: "RNCP12345"'), "ccab.yaml"
    )
    outcome = load_referential(changed)
    assert outcome.created
    assert outcome.version.number == 2
    assert current_version("CCAB") == outcome.version


def test_a_file_with_lint_errors_is_refused_and_nothing_is_stored(
    loaded_ccab: LoadedReferential,
) -> None:
    broken = parse_referential(
        loaded_ccab.text.replace("code: B3Cr4bis", "code: B3Cr4"), "ccab.yaml"
    )
    with pytest.raises(ReferentialRejected, match="DUPLICATE_CODE"):
        load_referential(broken)
    assert not ReferentialVersion.objects.exists()


def test_criteria_keep_their_printed_code_and_competencies() -> None:
    version = load_builtin().version
    criterion = Criterion.objects.get(block__version=version, code="B4A2Cr1")
    assert criterion.printed_code == "B4A2Cr2"
    assert criterion.max_points == 2
    assert list(criterion.competencies.values_list("code", flat=True)) == ["B4A2C1"]


def test_the_engine_of_a_version_uses_its_own_rules() -> None:
    version = load_builtin().version
    engine = engine_for(version)
    assert engine.label == "CCAB 2026.1"
    assert engine_for(version) is engine
