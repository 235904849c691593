"""What undoing an import asks: a reason, kept in the journal."""

from __future__ import annotations

from certif.sessions.forms import RemovalForm


class RevertForm(RemovalForm):
    """Why an import is reverted: the same rule as the reason for removing a session or an
    enrolment (the journal keeps it, and the import's report shows it)."""
