"""Dashboard panels of the jury and the gestionnaires: deliberations to hold, results to publish."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certif.core.roles import JURY, Role, has_role
from certif.deliberations import policies
from certif.deliberations.models import Deliberation, State
from certif.grading.models import ScoreSheet
from certif.sessions.models import ExamSession
from certif.web.dashboard import Item, Panel

SHOWN = 10


def _to_hold(user: Any) -> tuple[list[Item], int]:
    """The open deliberations the person may read (all for gestionnaires, those they sit on
    for a jury), and for gestionnaires the sessions graded and not yet deliberated."""
    open_deliberations = policies.readable(user).filter(status=State.OPEN).select_related("session")
    items = [
        Item(
            _("Session %(session)s — délibération n° %(number)s")
            % {"session": d.session.code, "number": d.number},
            reverse("deliberations:detail", args=[d.pk]),
            _("ouverte, datée du %(date)s") % {"date": date_format(d.date, "SHORT_DATE_FORMAT")},
        )
        for d in open_deliberations.order_by("date", "pk")[:SHOWN]
    ]
    if not policies.may_open(user):
        return items, open_deliberations.count()
    waiting = (
        ExamSession.objects.filter(Exists(ScoreSheet.objects.filter(session=OuterRef("pk"))))
        .exclude(deliberations__status=State.CLOSED)
        .exclude(deliberations__status=State.OPEN)
        .order_by("start_date", "code")
    )
    items += [
        Item(
            _("Session %(session)s") % {"session": session.code},
            reverse("deliberations:list"),
            _("notes saisies, délibération à ouvrir"),
        )
        for session in waiting[:SHOWN]
    ]
    return items, open_deliberations.count() + waiting.count()


def _to_publish() -> tuple[list[Item], int]:
    closed = Deliberation.objects.filter(status=State.CLOSED, published_at__isnull=True)
    items = [
        Item(
            _("Session %(session)s — délibération n° %(number)s")
            % {"session": d.session.code, "number": d.number},
            reverse("deliberations:detail", args=[d.pk]),
            _("close, résultats non publiés"),
        )
        for d in closed.select_related("session").order_by("closed_at")[:SHOWN]
    ]
    return items, closed.count()


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not has_role(user, Role.STAFF, *JURY):
        return []
    to_hold, holding = _to_hold(user)
    found = [
        Panel(
            _("Délibérations à tenir"),
            to_hold,
            empty=_("Aucune délibération en attente."),
            actions=[Item(_("Toutes les délibérations"), reverse("deliberations:list"))],
            count=holding,
        )
    ]
    if has_role(user, Role.STAFF):
        to_publish, publishing = _to_publish()
        found.append(
            Panel(
                _("Résultats à publier"),
                to_publish,
                empty=_("Aucun résultat en attente de publication."),
                count=publishing,
            )
        )
    return found
