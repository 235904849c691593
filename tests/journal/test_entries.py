"""The journal's words: every kind of event is declared with its label, and the values its
payload holds as codes are shown as words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import certif
from certif.core import audit
from certif.grading.actions import SHEET_REMARKED
from certif.journal.entries import describe


def test_every_action_the_services_record_is_declared_with_a_label() -> None:
    recorded: set[str] = set()
    for path in Path(certif.__file__).parent.rglob("*.py"):
        recorded |= set(re.findall(r"audit\.record\(\s*(\w+)\.(\w+)", path.read_text("utf-8")))
    declared = {kind.code for kind in audit.every_action()}
    assert declared
    assert all(str(kind.label) and str(kind.label) != kind.code for kind in audit.every_action())
    assert recorded, "the services record their events through the declared constants"
    assert not re.search(
        r'audit\.record\(\s*"',
        "".join(p.read_text("utf-8") for p in Path(certif.__file__).parent.rglob("*.py")),
    )


def test_a_coded_value_is_shown_in_words() -> None:
    (change,) = describe(
        "grading.scoresheet", {"marking": "single"}, {"marking": "first"}, SHEET_REMARKED
    )
    assert (change.before, change.after) == ("correction unique", "première correction")


def test_an_action_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=SHEET_REMARKED.code):
        audit.action(SHEET_REMARKED.code, "again")
