"""The journal's labels."""

from __future__ import annotations

import re
from pathlib import Path

import certif
from certif.web.journal.entries import ACTION_LABELS


def test_every_action_the_services_record_has_a_french_label() -> None:
    recorded: set[str] = set()
    for path in Path(certif.__file__).parent.rglob("*.py"):
        recorded |= set(re.findall(r'audit\.record\(\s*"([a-z_.]+)"', path.read_text("utf-8")))
    assert "deliberation.closed" in recorded
    assert sorted(recorded - ACTION_LABELS.keys()) == []
