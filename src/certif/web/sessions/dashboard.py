"""The gestionnaire's dashboard panel: the sessions still to prepare."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from certif.core.roles import Role, has_role
from certif.sessions.models import Assignment, Enrolment, ExamSession
from certif.sessions.queries import outer_unit
from certif.web.dashboard import Item, Panel

UPCOMING = 10


def panels(request: HttpRequest) -> list[Panel]:
    if not has_role(request.user, Role.STAFF):
        return []
    return [_to_prepare()]


def _unassigned(session: ExamSession) -> int:
    """Enrolled units of the session that no evaluator grades yet."""
    assigned = Assignment.objects.filter(
        session=session, **outer_unit(with_session=False), marker=1
    )
    return Enrolment.objects.filter(session=session).filter(~Exists(assigned)).count()


def _to_prepare() -> Panel:
    """Sessions not over yet with no enrolment, or with enrolled units still without evaluator."""
    today = date.today()
    upcoming = ExamSession.objects.filter(Q(start_date__gte=today) | Q(end_date__gte=today))
    items = []
    for session in upcoming.order_by("start_date", "code")[:UPCOMING]:
        when = f"{session.start_date:%d/%m/%Y}" if session.start_date else _("non datée")
        if not session.enrolments.exists():
            items.append(
                Item(
                    session.code,
                    reverse("sessions:enrol", args=[session.pk]),
                    _("%(when)s : aucun candidat inscrit") % {"when": when},
                )
            )
            continue
        missing = _unassigned(session)
        if missing:
            items.append(
                Item(
                    session.code,
                    reverse("sessions:assign", args=[session.pk]),
                    _("%(when)s : %(count)s inscription(s) sans évaluateur")
                    % {"when": when, "count": missing},
                )
            )
    return Panel(
        title=_("Sessions à préparer"),
        items=items,
        count=len(items) or None,
        empty=_("Toutes les sessions à venir ont leurs inscrits et leurs évaluateurs."),
        actions=[
            Item(_("Sessions"), reverse("sessions:list")),
            Item(_("Nouvelle session"), reverse("sessions:create")),
        ],
    )
