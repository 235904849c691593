"""Candidates: writing their identity (audited), finding them, reading their file.

Lists page by numero, with a key (« after C000050 ») rather than an offset: a page
costs the same at the start and at the end of 100,000 candidates, and no page counts
the whole table once a filter is applied (a count over the stored decisions takes
longer than the page itself). A filter on the stored decisions reads each candidate's
decision row; one that few candidates meet would read all of them (0.4 s for 100,000 on
SQLite), so such a page looks at a window of numeros and says where it stopped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction

from certif.candidates import signals
from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import Actor

# Fields a person edits; the numero identifies the candidate in every file and stays.
IDENTITY_FIELDS = (
    "birth_name",
    "usage_name",
    "first_name",
    "second_first_name",
    "third_first_name",
    "sex",
    "birth_date",
    "birth_place_code",
    "birth_place",
    "birth_country_code",
    "birth_country",
    "email",
    "phone",
    "access_path",
    "registration_date",
    "extra_time_percent",
    "accommodations",
)


class CandidateError(Exception):
    """A write refused; the message says why, in French."""


# -- writing ---------------------------------------------------------------------------------


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def create_candidate(values: Mapping[str, Any], actor: Actor = None) -> Candidate:
    """A new candidate, with a decision stored at once (every block « non évalué »)."""
    numero = str(values.get("numero", "")).strip()
    if not numero:
        raise CandidateError("le numéro est obligatoire")
    fields = {name: values[name] for name in IDENTITY_FIELDS if name in values}
    with transaction.atomic():
        if Candidate.objects.filter(numero=numero).exists():
            raise CandidateError(f"le numéro {numero} est déjà celui d'un autre candidat")
        candidate = Candidate.objects.create(numero=numero, **fields)
        audit.record(
            "candidate.created",
            candidate,
            actor=actor,
            after={"numero": numero, **{name: _stored(v) for name, v in fields.items()}},
        )
        signals.created.send(Candidate, candidate_ids=[candidate.pk])
    return candidate


def update_candidate(
    candidate: Candidate, changes: Mapping[str, Any], actor: Actor = None
) -> Candidate:
    """Change identity fields; the journal keeps each changed field before and after."""
    unknown = sorted(set(changes) - set(IDENTITY_FIELDS))
    if unknown:
        raise CandidateError(f"champ(s) non modifiable(s) : {', '.join(unknown)}")
    with transaction.atomic():
        current = Candidate.objects.select_for_update().get(pk=candidate.pk)
        changed = {
            name: value for name, value in changes.items() if getattr(current, name) != value
        }
        if not changed:
            return current
        before = {name: _stored(getattr(current, name)) for name in changed}
        for name, value in changed.items():
            setattr(current, name, value)
        current.save(update_fields=[*changed, "updated_at"])
        audit.record(
            "candidate.updated",
            current,
            actor=actor,
            before=before,
            after={name: _stored(value) for name, value in changed.items()},
        )
    return current


# -- finding ---------------------------------------------------------------------------------


# -- a candidate's file ----------------------------------------------------------------------
