"""The gestionnaires' panel: sessions whose jury has closed its deliberation, and their documents."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certif.core.roles import Role, has_role
from certif.deliberations.models import State
from certif.documents.models import Status
from certif.sessions.models import ExamSession
from certif.web.dashboard import Item, Panel

SHOWN = 10


def panels(request: HttpRequest) -> list[Panel]:
    if not has_role(request.user, Role.STAFF):
        return []
    sessions = (
        ExamSession.objects.filter(deliberations__status=State.CLOSED)
        .distinct()
        .annotate(
            issued=Count("documents", filter=Q(documents__status=Status.VALID), distinct=True)
        )
        .order_by("-start_date", "-code")
    )
    items = [
        Item(
            _("Session %(session)s") % {"session": session.code},
            reverse("documents:session", args=[session.pk]),
            ngettext("%(count)d document délivré", "%(count)d documents délivrés", session.issued)
            % {"count": session.issued},
        )
        for session in sessions[:SHOWN]
    ]
    return [
        Panel(
            title=_("Documents officiels"),
            items=items,
            empty=_("Aucune délibération close : aucun document à produire pour l'instant."),
            count=sessions.count(),
        )
    ]
