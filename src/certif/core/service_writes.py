"""Small writing steps the services of several apps take the same way.

A service changes a few columns of a row it has locked and journals the change: saving only
those columns keeps it from writing back what another transaction may have changed in the
others, and naming them once (here, as keyword arguments) keeps the values set and the columns
saved from drifting apart.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def save_fields(instance: models.Model, **values: Any) -> None:
    """Set ``values`` on ``instance`` and save those columns only, in the order given."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(values))
