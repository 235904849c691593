"""A session with a deliberation keeps its enrolments: the jury's table was drawn from them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext

from certif.deliberations.models import Deliberation


def deliberation_held(session: Any, units: Sequence[Any] | None, **kwargs: Any) -> list[str]:
    if Deliberation.objects.filter(session=session).exists():
        return [gettext("la session a une délibération du jury")]
    return []
