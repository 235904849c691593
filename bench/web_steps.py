"""Measured page steps, run in their own process against a prepared database.

``python -m bench.web_steps STEP``: prints one JSON object. Server time is measured
in-process with Django's test client (the whole request: middleware, view, queries,
template), as a median over repeated requests after one warm-up.
"""

from __future__ import annotations

import io
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certif.settings")
    import django

    django.setup()


def _timed(call: Callable[[], Any], repeat: int) -> dict[str, Any]:
    call()  # warm-up: templates compiled, caches filled
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "runs": repeat}


def _client_as(username: str, *roles: Any) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from certif.accounts.services import create_user

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = create_user(username, password=None, roles=roles)
    client = Client()
    client.force_login(user)
    return client, user


def _get(client: Any, url: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return call


def step_prepare_cohort(candidates: str, scores: str) -> dict[str, Any]:
    from django.core.management import call_command

    from certif.imports.candidates import import_candidates
    from certif.imports.scores import import_scores

    call_command("init", stdout=io.StringIO())
    import_candidates(candidates)
    report = import_scores(scores, create_sessions=True)
    return {"rows": report.rows}


def step_deliberation(repeat: str) -> dict[str, Any]:
    """The deliberation page of the most populated session, opened by the president."""
    from datetime import date, timedelta

    from django.db.models import Count
    from django.urls import reverse

    from certif.core.roles import Role
    from certif.deliberations.models import Affiliation, Deliberation, MemberRole
    from certif.deliberations.services import open_deliberation, record_member
    from certif.sessions.models import ExamSession

    client, president = _client_as("bench-president", Role.JURY_PRESIDENT)
    _, staff = _client_as("bench-staff", Role.STAFF)
    session = (
        ExamSession.objects.annotate(n=Count("sheets__candidate", distinct=True))
        .order_by("-n")
        .first()
    )
    assert session is not None
    deliberation = Deliberation.objects.filter(session=session).first()
    opening = 0.0
    if deliberation is None:
        # A jury deliberates a session once held: the imported session gets past dates.
        ExamSession.objects.filter(pk=session.pk).update(
            start_date=date.today() - timedelta(days=20), end_date=date.today() - timedelta(days=16)
        )
        session.refresh_from_db()
        started = time.perf_counter()
        deliberation = open_deliberation(
            session, staff, date.today(), "Lyon", acknowledge_unfinished=True
        )
        opening = time.perf_counter() - started
        record_member(
            deliberation, staff, full_name="Présidente", role=MemberRole.PRESIDENT,
            affiliation=Affiliation.EXTERNAL, user=president,
        )  # fmt: skip
    candidates = deliberation.decisions.values("candidate").distinct().count()
    url = reverse("deliberations:detail", args=[deliberation.pk])
    figures = _timed(_get(client, url), int(repeat))
    borderline = _timed(_get(client, url + "?filtre=limites"), int(repeat))
    return {
        **figures,
        "borderline_median_ms": borderline["median_ms"],
        "candidates": candidates,
        "opening_s": opening,
    }


def step_sheet_save(repeat: str) -> dict[str, Any]:
    """An evaluator saves a draft of a B1 sheet (all values changed each time), through the page."""
    from django.urls import reverse

    from certif.candidates.models import Candidate
    from certif.core.roles import Role
    from certif.grading.models import ScoreSheet
    from certif.referential.models import Block
    from certif.referential.services import current_version
    from certif.sessions.models import Assignment, ExamSession
    from certif.sessions.services import assign_evaluator, enrol

    client, evaluator = _client_as("bench-evaluator", Role.EVALUATOR)
    version = current_version()
    assert version is not None
    session, _ = ExamSession.objects.get_or_create(
        code="bench-save", defaults={"referential_version": version}
    )
    block = version.referential.blocks[0]
    candidate = Candidate.objects.order_by("numero").first()
    assert candidate is not None
    enrol(session, [candidate.pk], [(block.code, "")])
    assign_evaluator(session, candidate, block.code, "", evaluator, 1)
    assignment = Assignment.objects.get(session=session, candidate=candidate, evaluator=evaluator)
    url = reverse("grading:sheet", args=[assignment.pk])
    client.get(url)  # opens the sheet
    block_row = Block.objects.get(version=version, code=block.code)
    state = {"flip": False}

    def save() -> Any:
        sheet = ScoreSheet.objects.get(session=session, candidate=candidate, block=block_row)
        state["flip"] = not state["flip"]
        data = {"revision": str(sheet.revision), "action": "draft"}
        for criterion in block.criteria:
            maximum = criterion.max_points or Decimal(0)
            value = maximum / 2 if state["flip"] else maximum / 4
            data[f"v_{criterion.code}"] = f"{value:.2f}".replace(".", ",")
        response = client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        return response

    return _timed(save, int(repeat))


def step_candidate_list(repeat: str) -> dict[str, Any]:
    """The candidate list at the scale of the database: first page, a name search, a status
    filter, the next page; against Django's offset paginator with a count, page in the middle
    (the naive list)."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string
    from django.urls import reverse

    from certif.candidates.models import Candidate
    from certif.core.roles import Role

    client, _ = _client_as("bench-staff", Role.STAFF)
    url = reverse("candidates:list")
    total = Candidate.objects.count()
    first = _get(client, url)()
    figures = {
        "first_page": _timed(_get(client, url), int(repeat)),
        "search_name": _timed(_get(client, url + "?q=MARTIN"), int(repeat)),
        # Two words, lower case, no accent: every row's key is read when few candidates match.
        "search_words": _timed(_get(client, url + "?q=martin+anne"), int(repeat)),
        "search_nothing": _timed(_get(client, url + "?q=introuvable"), int(repeat)),
        "status_filter": _timed(_get(client, url + "?statut=not_validated&unite=B3"), int(repeat)),
        "candidates": total,
    }
    found = re.search(r"apres=([^&\"]+)", first.content.decode())
    marker = found.group(1) if found else None
    if marker:
        figures["next_page"] = _timed(_get(client, f"{url}?apres={marker}"), int(repeat))

    def naive() -> Any:
        queryset = Candidate.objects.select_related("result").order_by("birth_name", "first_name")
        paginator = Paginator(queryset, 50)
        page = paginator.page(max(1, paginator.num_pages // 2))
        return render_to_string("certif/home.html", {"panels": [], "rows": list(page.object_list)})

    figures["naive_offset_page"] = _timed(naive, int(repeat))
    return figures


STEPS = {
    "prepare": step_prepare_cohort,
    "deliberation": step_deliberation,
    "sheet-save": step_sheet_save,
    "candidate-list": step_candidate_list,
}

if __name__ == "__main__":
    _setup()
    name, *args = sys.argv[1:]
    print(json.dumps(STEPS[name](*args)))
