"""A job's page (« /taches/<id>/ »): its progress, polled by htmx every second while it runs,
then its outcome (summary, file to download) or its errors; « Mes tâches », one's recent jobs.

Only the person who started a job and the gestionnaires see it; anonymous visitors go to the
login page. Without JavaScript the page refreshes itself (``<meta http-equiv="refresh">``).
"""

from __future__ import annotations

from math import ceil
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from certif.tasks import files
from certif.tasks.models import Job
from certif.tasks.policies import RECENT_JOBS, may_see_job
from certif.web.helpers import is_htmx

# Seconds between two looks at a running job: htmx polling, or the page's own refresh.
POLL_SECONDS = 1
REFRESH_SECONDS = 2


def _job(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("started_by"), pk=pk)
    if not may_see_job(request.user, job):
        raise PermissionDenied
    return job


def _context(job: Job) -> dict[str, Any]:
    rate, left = job.rate, job.seconds_left
    return {
        "job": job,
        "done": number_format(job.done, force_grouping=True),
        "total": number_format(job.total, force_grouping=True) if job.total else "",
        "rate": number_format(rate, 0 if rate >= 10 else 1, force_grouping=True)
        if rate is not None
        else "",
        "time_left": duration(left) if left is not None else "",
        "more_problems": max(job.problems_total - len(job.problems), 0),
        "poll_seconds": POLL_SECONDS,
        "refresh_seconds": REFRESH_SECONDS,
    }


def duration(seconds: float) -> str:
    """« 45 s », « 3 min 20 s », « 1 h 05 min »: rounded up, never « 0 s »."""
    whole = max(1, ceil(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        minutes, rest = divmod(whole, 60)
        return f"{minutes} min {rest:02d} s"
    hours, rest = divmod(whole, 3600)
    return f"{hours} h {rest // 60:02d} min"


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    template = "tasks/_state.html" if is_htmx(request) else "tasks/job.html"
    return render(request, template, _context(job))


@login_required
@require_GET
def state(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the page that changes while the job runs (htmx swaps it in place)."""
    return render(request, "tasks/_state.html", _context(_job(request, pk)))


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    path = files.stored(job.file_path) if job.has_file else None
    if path is None:
        raise Http404(_("Ce fichier n'est plus disponible."))
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=job.file_name, content_type=job.file_type
    )
    # Streamed, not an HttpResponse; login_required types the views it wraps as returning one.
    return cast(HttpResponse, response)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(started_by_id=request.user.pk)[:RECENT_JOBS]
    return render(request, "tasks/mine.html", {"jobs": jobs})
