"""The domain's words (``certif.domain.vocabulary.Label``) in the active language, lazily: usable
as Django choices and in templates, resolved when shown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.functional import Promise, lazy
from django.utils.translation import get_language

from certif.domain.rules.explain import PART_STATUS_LABELS, STATUS_LABELS
from certif.domain.vocabulary import Label


def _resolve(label: Label) -> str:
    return label.in_language(get_language() or "fr")


def lazy_label(label: Label) -> Promise:
    """The label in the language active when it is shown."""
    promise: Promise = lazy(_resolve, str)(label)  # type: ignore[assignment]
    return promise


def choices(labels: Mapping[str, Label] | Iterable[tuple[str, Label]]) -> list[tuple[str, Promise]]:
    """Django choices from a vocabulary, in its order."""
    items = labels.items() if isinstance(labels, Mapping) else labels
    return [(code, lazy_label(label)) for code, label in items]


def status_choices(*, part: bool = False) -> list[tuple[str, Promise]]:
    """The statuses of a decision as Django choices, in the reader's language (the words of
    ``certif.domain.rules.explain``)."""
    labels = PART_STATUS_LABELS if part else STATUS_LABELS
    return [(status.value, lazy_label(label)) for status, label in labels.items()]
