"""Links to a candidate's documents, for pages of other apps (Mon espace, a candidate's page)."""

from __future__ import annotations

from typing import Any

from django import template

from certif.candidates.models import Candidate
from certif.documents.models import IssuedDocument, Status
from certif.documents.presenting import STATUS_CLASSES

register = template.Library()


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "not_assessed")


@register.inclusion_tag("documents/_candidate_documents.html")
def candidate_documents(candidate: Candidate, own: bool = False) -> dict[str, Any]:
    """The candidate's documents: every one with its state for the gestionnaires; for the
    candidate themself (``own``), the valid ones they may see (``shown_to_candidate``)."""
    documents = (
        IssuedDocument.objects.filter(candidate=candidate)
        .defer("pdf", "data")
        .select_related("deliberation")
        .order_by("-issued_at", "-id")
    )
    if own:
        documents = documents.filter(status=Status.VALID)
    shown = [d for d in documents if d.shown_to_candidate] if own else list(documents)
    return {"documents": shown, "own": own}
