"""The cases drawn for a candidate, for Mon espace: references, and links once the épreuve has
started."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.casebank.queries import own_cases

register = template.Library()


@register.inclusion_tag("casebank/_my_cases.html")
def my_cases(candidate: Candidate) -> dict[str, Any]:
    return {"cases": own_cases(candidate, timezone.now())}
