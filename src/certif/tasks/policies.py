"""Who may follow a job: the person who started it, and the gestionnaires."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role
from certif.tasks.models import Job

RECENT_JOBS = 50


def may_see_job(user: Any, job: Job) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (job.started_by_id is not None and job.started_by_id == user.pk) or has_role(
        user, Role.STAFF
    )
