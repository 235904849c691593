"""A candidate's own space: who they are for the certifier, and the jury's published decisions.

The candidate is always ``request.user.candidate``: no page takes a candidate's id, so no one
can read another candidate's results by changing an address.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from certif.candidates.models import Candidate
from certif.core.roles import Role, role_required
from certif.deliberations.reading import published_result, sessions_awaiting_publication


def own_candidate(request: HttpRequest) -> Candidate | None:
    user_id = request.user.pk
    if user_id is None:
        return None
    return Candidate.objects.filter(user_id=user_id).first()


@role_required(Role.CANDIDATE)
def home(request: HttpRequest) -> HttpResponse:
    candidate = own_candidate(request)
    context: dict[str, object] = {"candidate": candidate}
    if candidate is not None:
        context["result"] = published_result(candidate, get_language() or "fr")
        context["awaiting"] = sessions_awaiting_publication(candidate)
    return render(request, "myspace/home.html", context)
