"""Who may do what to sessions, their enrolments, assignments and timetable."""

from __future__ import annotations

from datetime import date
from typing import Any

from certif.candidates.models import Candidate
from certif.core.roles import Role, has_role
from certif.partners.policies import partner_of


def may_manage_sessions(user: Any) -> bool:
    """Gestionnaires create sessions, enrol candidates, assign evaluators and set timetables."""
    return has_role(user, Role.STAFF)


MANAGE_REFUSED = (
    "Seul un gestionnaire crée une session, y inscrit des candidats, affecte les évaluateurs et "
    "fixe l'horaire des épreuves."
)


def may_enrol(user: Any, session: Any, candidate_ids: Any) -> bool:
    """Gestionnaires enrol anyone; a partner account enrols its own candidates only, in a
    session that has not started."""
    if has_role(user, Role.STAFF):
        return True
    partner = partner_of(user)
    if partner is None or (session.start_date is not None and session.start_date < date.today()):
        return False
    others = Candidate.objects.filter(pk__in=list(candidate_ids)).exclude(partner=partner)
    return not others.exists()


ENROL_REFUSED = (
    "Inscription refusée : un organisme partenaire n'inscrit que ses propres candidats, à une "
    "session qui n'a pas commencé."
)


def may_override_habilitation(user: Any) -> bool:
    """Only a gestionnaire enrols beyond a partner's habilitation, stating why."""
    return has_role(user, Role.STAFF)
