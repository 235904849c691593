"""Issued documents outlive nothing they were issued for: a session with documents stays, and
a candidate's enrolment stays while a convocation naming it is in force."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext, ngettext

from certif.documents.models import IssuedDocument, Kind, Status


def documents_issued(session: Any, units: Sequence[Any] | None, **kwargs: Any) -> list[str]:
    documents = IssuedDocument.objects.filter(session=session)
    if units is None:
        count = documents.count()
        if not count:
            return []
        return [
            ngettext(
                "%(count)d document officiel a été délivré pour elle",
                "%(count)d documents officiels ont été délivrés pour elle",
                count,
            )
            % {"count": count}
        ]
    candidates = {unit.candidate_id for unit in units}
    in_force = documents.filter(
        kind=Kind.CONVOCATION, status=Status.VALID, candidate_id__in=candidates
    )
    if in_force.exists():
        return [
            gettext(
                "une convocation en vigueur la mentionne (révoquez-la, puis délivrez-en une "
                "nouvelle)"
            )
        ]
    return []
