"""Who may do what to sessions, their enrolments, assignments and timetable."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role


def may_manage_sessions(user: Any) -> bool:
    """Gestionnaires create sessions, enrol candidates, assign evaluators and set timetables."""
    return has_role(user, Role.STAFF)


MANAGE_REFUSED = (
    "Seul un gestionnaire crée une session, y inscrit des candidats, affecte les évaluateurs et "
    "fixe l'horaire des épreuves."
)
