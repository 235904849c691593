"""The English interface is complete: every message of every catalogue is translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from certif.core.translations import catalogues


def untranslated(path: Path) -> list[str]:
    with path.open("rb") as source:
        catalog = read_po(source)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@pytest.mark.parametrize("path", catalogues(), ids=lambda path: path.parts[-5])
def test_every_message_of_the_catalogue_is_translated(path: Path) -> None:
    assert untranslated(path) == []
