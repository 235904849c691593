"""What the bank of cases says when a session or an enrolment is about to be removed: a case
drawn for an épreuve that has started forbids it (the candidate may have read it, and a later
draw must know she had it); the draws of épreuves not started go with what they were made for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from certif.casebank.models import Draw
from certif.casebank.queries import epreuve_start
from certif.referential.models import Block


def _draws(session: Any, units: Sequence[Any] | None) -> QuerySet[Draw]:
    draws = Draw.objects.filter(session=session)
    if units is None:
        return draws
    codes = dict(Block.objects.filter(pk__in={u.block_id for u in units}).values_list("pk", "code"))
    wanted = Q(pk__in=[])
    for unit in units:
        wanted |= Q(
            candidate_id=unit.candidate_id, block_code=codes.get(unit.block_id), part=unit.part
        )
    return draws.filter(wanted)


def _started(draws: QuerySet[Draw], session: Any) -> int:
    now = timezone.now()
    starts = {slot: epreuve_start(session, slot) for slot in {d.slot for d in draws}}
    return sum(1 for d in draws if (start := starts[d.slot]) is not None and start <= now)


def drawn_cases_started(session: Any, units: Sequence[Any] | None, **kwargs: Any) -> list[str]:
    started = _started(_draws(session, units).filter(current=True), session)
    if not started:
        return []
    return [
        ngettext(
            "%(count)d cas a été tiré pour une épreuve déjà commencée",
            "%(count)d cas ont été tirés pour des épreuves déjà commencées",
            started,
        )
        % {"count": started}
    ]


def remove_draws(session: Any, units: Sequence[Any] | None, **kwargs: Any) -> None:
    _draws(session, units).delete()
