"""How the CDC's XML is read: a report or a flux comes from outside, so no entity is
expanded, nothing is fetched from the network, no DTD is loaded and no huge tree is built."""

from __future__ import annotations

from typing import Any

XML_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
}
