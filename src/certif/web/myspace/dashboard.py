"""The candidate's dashboard panel: their results, published or not yet."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from certif.core.roles import Role, has_role
from certif.deliberations.reading import published_result, sessions_awaiting_publication
from certif.web.dashboard import Item, Panel
from certif.web.myspace.views import own_candidate


def panels(request: HttpRequest) -> list[Panel]:
    if not has_role(request.user, Role.CANDIDATE):
        return []
    candidate = own_candidate(request)
    if candidate is None:
        return []
    url = reverse("myspace:home")
    items: list[Item] = []
    result = published_result(candidate, get_language() or "fr")
    if result is not None:
        deliberation = result.deliberation
        published_at = deliberation.published_at
        detail = (
            _("publiés le %(date)s") % {"date": date_format(published_at, "SHORT_DATE_FORMAT")}
            if published_at is not None
            else ""
        )
        verdict = result.certification.status_label if result.certification else ""
        items.append(
            Item(
                _("Session %(session)s : %(verdict)s")
                % {"session": deliberation.session.code, "verdict": verdict},
                url,
                detail,
            )
        )
    items += [
        Item(
            _("Session %(session)s") % {"session": session.code},
            url,
            _("résultats pas encore publiés"),
        )
        for session in sessions_awaiting_publication(candidate)
    ]
    return [
        Panel(
            _("Mes résultats"),
            items,
            empty=_("Aucun résultat pour le moment."),
            actions=[Item(_("Voir mon espace"), url)],
        )
    ]
