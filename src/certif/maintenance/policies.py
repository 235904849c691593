"""Who may back up and restore the installation."""

from __future__ import annotations

from typing import Any


def may_maintain(user: Any) -> bool:
    """A backup holds every piece of data, a restore replaces them all: an administrator's act
    (in practice the system, from the server's command line)."""
    return bool(getattr(user, "is_superuser", False))


MAINTAIN_REFUSED = "Seul un administrateur sauvegarde ou restaure l'installation."
