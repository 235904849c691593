"""What the juries' acts say to sessions: a session with a deliberation keeps its enrolments (the
jury's table was drawn from them); a block a jury validated is acquired, not sat again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext

from certif.deliberations.models import Deliberation
from certif.deliberations.standing import jury_words


def deliberation_held(session: Any, units: Sequence[Any] | None, **kwargs: Any) -> list[str]:
    if Deliberation.objects.filter(session=session).exists():
        return [gettext("la session a une délibération du jury")]
    return []


def acquired_blocks(
    candidate_ids: Sequence[int], blocks: set[str], **kwargs: Any
) -> set[tuple[int, str]]:
    """The (candidate, block) pairs a closed jury act validated: acquired for life."""
    words = jury_words(candidate_ids)
    return {
        (candidate_id, unit)
        for (candidate_id, unit), acts in words.items()
        if unit in blocks and any(act.validated for act in acts)
    }
