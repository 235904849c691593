"""Records as JSON: most of a record's JSON is some of its attributes under their own names."""

from __future__ import annotations

from typing import Any


def attributes(record: object, *names: str) -> dict[str, Any]:
    """``names`` of ``record``'s attributes, each under its own name, in the order given.

    A machine form written field by field (``"code": x.code``) repeats every name twice; the
    fields whose value needs no conversion are listed once here, the others written beside."""
    return {name: getattr(record, name) for name in names}
