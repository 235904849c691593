"""What the deposits say when a session or an enrolment is about to be removed: a file a
candidate deposited for it forbids it. A mémoire or a written support is the candidate's work
and the evidence behind a grade; it is never deleted as a side effect of tidying a session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import ngettext

from certif.referential.models import Block
from certif.submissions.models import Deposit


def _deposits(session: Any, units: Sequence[Any] | None) -> QuerySet[Deposit]:
    deposits = Deposit.objects.filter(session=session)
    if units is None:
        return deposits
    placed = session.referential_version.referential.placed_deliverables()
    codes = dict(Block.objects.filter(pk__in={u.block_id for u in units}).values_list("pk", "code"))
    wanted = Q(pk__in=[])
    for unit in units:
        deliverables = [
            p.deliverable.code for p in placed if p.block.code == codes.get(unit.block_id)
        ]
        wanted |= Q(candidate_id=unit.candidate_id, deliverable__in=deliverables)
    return deposits.filter(wanted)


def deposits_made(session: Any, units: Sequence[Any] | None, **kwargs: Any) -> list[str]:
    count = _deposits(session, units).count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)d fichier a été déposé par un candidat",
            "%(count)d fichiers ont été déposés par des candidats",
            count,
        )
        % {"count": count}
    ]
