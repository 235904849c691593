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

from certif.candidates import actions, signals
from certif.candidates.forms import CandidateEditForm, CandidateForm
from certif.candidates.models import IDENTITY_FIELDS, Candidate, masked_nir
from certif.candidates.policies import (
    MANAGE_REFUSED,
    READ_NIR_REFUSED,
    UNKNOWN_CANDIDATE,
    may_manage_candidates,
    may_read_candidate,
    may_read_nir,
)
from certif.core import audit
from certif.core.audit import Actor
from certif.core.errors import Invalid, NotFound, Refused
from certif.core.policies import person_of, require
from certif.core.roles import Role, has_role
from certif.core.validation import as_form_data, validated
from certif.domain.nir import Nir
from certif.partners.policies import partner_of


class CandidateError(Refused):
    """A write refused; the message says why, in French."""


# -- writing ---------------------------------------------------------------------------------


def _stored(name: str, value: Any) -> Any:
    """A field's value as the journal keeps it: dates as text, the NIR masked (never in
    clear in the journal)."""
    if name == "nir":
        return masked_nir(value)
    return value.isoformat() if isinstance(value, date) else value


def create_candidate(data: Mapping[str, Any], actor: Actor = None) -> Candidate:
    """A new candidate from what a person typed or a program sent (``CandidateForm``), with a
    decision stored at once (every block « non évalué »)."""
    require(actor, may_manage_candidates, message=MANAGE_REFUSED)
    with transaction.atomic():
        values = validated(CandidateForm, data)
        numero = values["numero"]
        fields = {name: values[name] for name in IDENTITY_FIELDS}
        # A partner's staff create the candidates they prepared: linked to their partner.
        partner = partner_of(actor) if not has_role(actor, Role.STAFF) else None
        candidate = Candidate.objects.create(numero=numero, partner=partner, **fields)
        audit.record(
            actions.CANDIDATE_CREATED,
            candidate,
            actor=actor,
            after={"numero": numero, **{name: _stored(name, v) for name, v in fields.items()}},
        )
        signals.created.send(Candidate, candidate_ids=[candidate.pk])
    return candidate


def update_candidate(
    candidate: Candidate, data: Mapping[str, Any], actor: Actor = None
) -> Candidate:
    """Change identity fields: those ``data`` gives (a program may send only what changes),
    checked with the others as ``CandidateEditForm`` checks a whole identity; the journal keeps
    each changed field before and after. The numero never changes: files refer to it."""
    require(actor, may_manage_candidates, message=MANAGE_REFUSED)
    refuse_unreadable(actor, candidate)
    if "numero" in data and data["numero"] != candidate.numero:
        raise Invalid.on(
            "numero", "le numéro ne change pas : chaque fichier y renvoie", data["numero"]
        )
    with transaction.atomic():
        current = Candidate.objects.select_for_update().get(pk=candidate.pk)
        whole = {**as_form_data(_identity(current)), **dict(data.items())}
        values = validated(CandidateEditForm, whole, instance=Candidate.objects.get(pk=current.pk))
        changed = {
            name: values[name] for name in IDENTITY_FIELDS if getattr(current, name) != values[name]
        }
        if not changed:
            return current
        before = {name: _stored(name, getattr(current, name)) for name in changed}
        for name, value in changed.items():
            setattr(current, name, value)
        current.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actions.CANDIDATE_UPDATED,
            current,
            actor=actor,
            before=before,
            after={name: _stored(name, value) for name, value in changed.items()},
        )
    return current


def refuse_unreadable(actor: Actor, candidate: Candidate) -> None:
    """``NotFound``, as for a candidate that does not exist, when a person may not read this
    one (another partner's candidate): the refusal tells nothing of its existence."""
    person = person_of(actor)
    if person is not None and not may_read_candidate(person, candidate):
        raise NotFound(UNKNOWN_CANDIDATE)


def _identity(candidate: Candidate) -> dict[str, Any]:
    return {name: getattr(candidate, name) for name in IDENTITY_FIELDS}


# -- reading the NIR in clear ----------------------------------------------------------------


def reveal_nir(candidate: Candidate, actor: Actor) -> str:
    """The candidate's NIR in clear, for a gestionnaire who asks; each reading is journalled
    (who, when), never the number itself."""
    require(actor, may_read_nir, candidate, message=READ_NIR_REFUSED)
    nir = Candidate.objects.only("nir").get(pk=candidate.pk).nir
    if not nir:
        return ""
    audit.record(actions.NIR_SHOWN, candidate, actor=actor, after={"nir": masked_nir(nir)})
    return Nir(nir).formatted
