"""Who reads statistics: gestionnaires, any scope; a jury president, the sessions of the juries
they preside (seated as president with their account), one session at a time, nothing else.

Predicates only, used by the page, its exports and the worker's jobs alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from certif.core.roles import Role, has_role
from certif.deliberations.models import JuryMember, MemberRole
from certif.sessions.models import ExamSession
from certif.stats.scope import Scope

READ_REFUSED = (
    "Seuls les gestionnaires, et les présidents de jury pour les sessions des jurys qu'ils "
    "président, consultent les statistiques."
)


def presided_sessions(user: Any) -> QuerySet[ExamSession]:
    """The sessions whose jury the person presides (none unless they are a jury president)."""
    if getattr(user, "pk", None) is None or not has_role(user, Role.JURY_PRESIDENT):
        return ExamSession.objects.none()
    seats = JuryMember.objects.filter(user_id=user.pk, role=MemberRole.PRESIDENT)
    return ExamSession.objects.filter(pk__in=seats.values("deliberation__session_id")).order_by(
        "-start_date", "code"
    )


def may_read_statistics(user: Any, scope: Scope) -> bool:
    if has_role(user, Role.STAFF):
        return True
    if not scope.session:
        return False
    return presided_sessions(user).filter(code=scope.session).exists()


def may_open_statistics(user: Any) -> bool:
    """The page opens for gestionnaires and for presidents with a session to look at."""
    return has_role(user, Role.STAFF) or presided_sessions(user).exists()
