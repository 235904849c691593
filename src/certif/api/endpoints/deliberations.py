"""Jury deliberations: reading them (gestionnaires and jury roles), and the jury's acts under
the same rules as the web pages: who may decide, recusals, links of interest, closing.

Every rule is the services' (``certif.deliberations.services``): a member not seated with
their account, recused or linked to the candidate is refused there, and the refusal comes back
as a 409 with its French message.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.params import functions as param

from certif.api.endpoints.common import (
    ID_MAX,
    Lang,
    Numero,
    Operations,
    SessionCode,
    candidate_by_numero,
    fields_of,
    form_data,
    invalid_form,
    listing,
    or_404,
    session_by_code,
    user_of,
    valid,
)
from certif.api.pagination import PageQuery, by_key, decode, narrowed, next_link, page_out
from certif.api.problems import Invalid, field_error
from certif.api.schemas import InputSchema
from certif.core.policies import require
from certif.core.roles import JURY, Role
from certif.deliberations import policies, presenting, services
from certif.deliberations.checks import check_composition, counts, minutes_data
from certif.deliberations.forms import AmendmentForm, MemberForm, OpenForm, OverrideForm
from certif.deliberations.models import (
    CERTIFICATION,
    Decision,
    Deliberation,
    DeliberationForbidden,
    JuryMember,
    Recusal,
)
from certif.deliberations.proposals import explain_snapshot

router = Router(tags=["Délibérations"])
READERS = (Role.STAFF, *JURY)
OPENERS = (Role.STAFF,)
MANAGERS = (Role.STAFF, Role.JURY_PRESIDENT)

DeliberationId = Annotated[
    int, param.Path(..., ge=1, le=ID_MAX, description="Identifiant de la délibération")
]
MemberId = Annotated[
    int, param.Path(..., ge=1, le=ID_MAX, description="Identifiant du membre du jury")
]
UnitCode = Annotated[
    str, param.Path(..., min_length=1, max_length=32, description="Code du bloc, ou CERT")
]


reading_deliberation = Operations(router, "/deliberations/{deliberation_id}")
# An act on a deliberation, on a member of its jury or on a candidate's row (the decisions on
# their blocks and certification), like opening one in a session, may be refused by the jury's
# rules (409).
ACTS = (403, 404, 409)
on_deliberation = Operations(router, "/deliberations/{deliberation_id}", ACTS)
on_session = Operations(router, "/sessions/{code}", ACTS)
on_member = Operations(router, "/deliberations/{deliberation_id}/members/{member_id}", ACTS)
on_row = Operations(router, "/deliberations/{deliberation_id}/candidates/{numero}", ACTS)


class CountsOut(Schema):
    candidates: int
    certified: int
    partial: int
    refused: int
    pending: int
    overridden: int


class DeliberationOut(Schema):
    id: int
    session: str
    kind: Literal["initial", "amendment"]
    number: int
    status: Literal["open", "closed"]
    date: date
    place: str
    reason: str
    opened_at: datetime
    closed_at: datetime | None
    published_at: datetime | None
    digest: str


class MemberOut(Schema):
    id: int
    full_name: str
    role: Literal["president", "member"]
    affiliation: Literal["internal", "external"]
    occupation: str
    present: bool
    account: str | None


class RecusalOut(Schema):
    id: int
    member: int
    candidate: str
    reason: str


class DeliberationDetailOut(DeliberationOut):
    counts: CountsOut
    members: list[MemberOut]
    recusals: list[RecusalOut]
    problems: list[str] = Field(description="Ce qui empêche encore la clôture (vide : rien)")


class ActOut(Schema):
    session: str
    number: int
    date: date


class DecisionOut(Schema):
    unit: str = Field(description="Code du bloc, ou CERT pour la certification")
    proposed_status: str
    proposed_score: str
    borderline: bool
    explanation: str
    resolution: Literal["pending", "confirmed", "overridden", "acquired", "without"] = Field(
        description=(
            "« acquired » : validé par le jury d'une session antérieure, acquis à vie "
            "(`acquired_from`) ; « without » : non présenté ou en attente de notes, sans décision"
        )
    )
    status: str = Field(description="Décision du jury ; vide tant qu'elle est à prendre")
    justification: str
    decided_by: str | None
    decided_at: datetime | None
    acquired_from: ActOut | None = None


class CandidateDecisionsOut(Schema):
    candidate: str
    name: str
    decisions: list[DecisionOut]


class DecisionsQuery(Schema):
    filtre: Literal["tous", "limites", "incomplets", "modifies", "a-decider"] = Field(
        "tous", description="Comme le tableau de la délibération"
    )
    q: str = Field("", max_length=100, description="Numéro ou nom du candidat")
    lang: Lang = Field("fr", description="Langue des explications")


class OpenIn(InputSchema):
    date: date
    place: str = Field("", max_length=255)
    acknowledge_unfinished: bool = Field(
        False,
        description=(
            "Ouvrir malgré les feuilles non soumises de la session (leurs unités sont proposées "
            "« en attente de notes », sans décision) ; sans cela, l'ouverture est refusée (409) "
            "et les nomme."
        ),
    )


class AmendmentIn(OpenIn):
    reason: str = Field(min_length=1, max_length=5000, description="Motif de l'acte modificatif")
    candidates: list[str] = Field(min_length=1, max_length=10_000, description="Numéros")


class MemberIn(InputSchema):
    full_name: str = Field(min_length=1, max_length=150)
    role: Literal["president", "member"] = "member"
    affiliation: Literal["internal", "external"]
    occupation: str = Field("", max_length=255)
    account: str | None = Field(
        None, max_length=150, description="Identifiant du compte (nécessaire pour décider)"
    )
    present: bool = True


class PresenceIn(InputSchema):
    present: bool


class RecusalIn(InputSchema):
    candidate: str = Field(min_length=1, max_length=32, description="Numéro du candidat")
    reason: str = Field("", max_length=255)


class OverrideIn(InputSchema):
    status: Literal["validated", "not_validated"]
    justification: str = Field(max_length=5000, description="Obligatoire, écrite")


class ConfirmedOut(Schema):
    confirmed: int
    skipped: list[str] = []


# -- reading ----------------------------------------------------------------------------------


def _deliberation(request: HttpRequest, deliberation_id: int) -> Deliberation:
    """The deliberation, for gestionnaires and the people seated on its jury (403 otherwise,
    journalled)."""
    found = or_404(
        Deliberation.objects.select_related("session").filter(pk=deliberation_id).first(),
        f"Aucune délibération n'a l'identifiant {deliberation_id}.",
    )
    require(
        user_of(request),
        policies.may_read,
        found,
        message=policies.READ_REFUSED,
        error=DeliberationForbidden,
    )
    return found


def deliberation_out(deliberation: Deliberation) -> dict[str, Any]:
    return fields_of(
        deliberation, DeliberationOut, id=deliberation.pk, session=deliberation.session.code
    )


def member_out(member: JuryMember) -> dict[str, Any]:
    return {
        "id": member.pk,
        "full_name": member.full_name,
        "role": member.role,
        "affiliation": member.affiliation,
        "occupation": member.occupation,
        "present": member.present,
        "account": member.user.get_username() if member.user is not None else None,
    }


def detail_out(deliberation: Deliberation) -> dict[str, Any]:
    recusals = Recusal.objects.filter(member__deliberation=deliberation).select_related("candidate")
    tallied = counts(deliberation)
    return {
        **deliberation_out(deliberation),
        "counts": vars(tallied),
        "members": [member_out(m) for m in deliberation.members.select_related("user")],
        "recusals": [
            {
                "id": r.pk,
                "member": r.member_id,
                "candidate": r.candidate.numero,
                "reason": r.reason,
            }
            for r in recusals.order_by("candidate__numero", "member_id")
        ],
        "problems": check_composition(deliberation) if deliberation.is_open else [],
    }


class DeliberationsQuery(Schema):
    session: str = Field("", max_length=32, description="Code d'une session")


@listing(router, "/deliberations", DeliberationOut, READERS, "Les délibérations")
def list_deliberations(
    request: HttpRequest, filters: Query[DeliberationsQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    rows = narrowed(
        policies.readable(user_of(request)).select_related("session"),
        session__code=filters.session,
    )
    found = by_key(request, rows, page, "id", int)
    return page_out([deliberation_out(d) for d in found.rows], found.next, page)


@reading_deliberation(
    "GET",
    {200: DeliberationDetailOut},
    READERS,
    "Une délibération, son jury, ce qui empêche sa clôture",
)
def get_deliberation(request: HttpRequest, deliberation_id: DeliberationId) -> dict[str, Any]:
    return detail_out(_deliberation(request, deliberation_id))


@listing(
    router,
    "/deliberations/{deliberation_id}/decisions",
    CandidateDecisionsOut,
    READERS,
    "Les propositions et les décisions, candidat par candidat",
    403,
    404,
)
def list_decisions(
    request: HttpRequest,
    deliberation_id: DeliberationId,
    filters: Query[DecisionsQuery],
    page: Query[PageQuery],
) -> dict[str, Any]:
    """Pour chaque candidat (par numéro) : la proposition du moteur figée à l'ouverture, avec
    son explication, et la décision du jury pour chaque bloc et pour la certification."""
    deliberation = _deliberation(request, deliberation_id)
    ids = presenting.candidate_ids(deliberation, filters.filtre, filters.q)
    after = decode(page.cursor, str)
    if after is not None:
        ids = ids.filter(candidate__numero__gt=after)
    chosen = list(ids[: page.limit + 1])
    more = len(chosen) > page.limit
    chosen = chosen[: page.limit]
    decisions = (
        Decision.objects.filter(deliberation=deliberation, candidate_id__in=chosen)
        .select_related("candidate", "decided_by", "acquired_from__deliberation__session")
        .order_by("candidate__numero", "position")
    )
    items: list[dict[str, Any]] = []
    for decision in decisions:
        if not items or items[-1]["candidate"] != decision.candidate.numero:
            items.append(
                {
                    "candidate": decision.candidate.numero,
                    "name": decision.candidate.display_name,
                    "decisions": [],
                }
            )
        items[-1]["decisions"].append(decision_out(decision, filters.lang))
    last = items[-1]["candidate"] if more and items else None
    return page_out(items, next_link(request, last), page)


@reading_deliberation("GET /minutes", {200: dict[str, Any]}, READERS, "Le contenu du procès-verbal")
def minutes(request: HttpRequest, deliberation_id: DeliberationId) -> dict[str, Any]:
    """Le contenu que scelle l'empreinte de clôture (`digest`), dans son ordre canonique."""
    return minutes_data(_deliberation(request, deliberation_id))


# -- opening ----------------------------------------------------------------------------------


@on_session(
    "POST /deliberations", {201: DeliberationOut}, OPENERS, "Ouvrir la délibération d'une session"
)
def open_deliberation(
    request: HttpRequest, response: HttpResponse, code: SessionCode, payload: OpenIn
) -> Status[Any]:
    """Copie, une fois pour toutes, la proposition du moteur pour chaque candidat de la session."""
    session = session_by_code(code)
    form = valid(OpenForm(form_data(payload.model_dump())))
    opened = services.open_deliberation(
        session,
        user_of(request),
        form.cleaned_data["date"],
        form.cleaned_data["place"],
        acknowledge_unfinished=payload.acknowledge_unfinished,
    )
    response["Location"] = _location(opened)
    return Status(201, deliberation_out(opened))


def _location(deliberation: Deliberation) -> str:
    return reverse("api:v1:get_deliberation", kwargs={"deliberation_id": deliberation.pk})


@on_session("POST /amendments", {201: DeliberationOut}, OPENERS, "Ouvrir un acte modificatif")
def open_amendment(
    request: HttpRequest, response: HttpResponse, code: SessionCode, payload: AmendmentIn
) -> Status[Any]:
    """Un acte motivé qui revoit les décisions de candidats déjà délibérés."""
    session = session_by_code(code)
    data = payload.model_dump()
    data["candidates"] = " ".join(payload.candidates)
    form = valid(AmendmentForm(form_data(data)))
    opened = services.open_amendment(
        session,
        user_of(request),
        form.cleaned_data["reason"],
        form.cleaned_data["candidates"],
        date=form.cleaned_data["date"],
        place=form.cleaned_data["place"],
        acknowledge_unfinished=payload.acknowledge_unfinished,
    )
    response["Location"] = _location(opened)
    return Status(201, deliberation_out(opened))


# -- the jury ---------------------------------------------------------------------------------


def _member(deliberation: Deliberation, member_id: int) -> JuryMember:
    return or_404(
        JuryMember.objects.select_related("user", "deliberation")
        .filter(pk=member_id, deliberation=deliberation)
        .first(),
        f"Ce jury n'a pas de membre d'identifiant {member_id}.",
    )


@on_deliberation("POST /members", {201: MemberOut}, MANAGERS, "Ajouter un membre au jury")
def add_member(
    request: HttpRequest, deliberation_id: DeliberationId, payload: MemberIn
) -> Status[Any]:
    """Un membre siège avec son compte pour pouvoir décider ; le compte doit avoir un rôle de
    jury."""
    deliberation = _deliberation(request, deliberation_id)
    data = payload.model_dump()
    account = data.pop("account")
    if account:
        user = get_user_model().objects.filter(username=account).first()
        if user is None:
            raise Invalid(
                "Compte inconnu.", [field_error("account", "compte inconnu", value=account)]
            )
        data["user"] = user.pk
    form = MemberForm(form_data(data))
    if not form.is_valid():
        if "user" in form.errors:
            raise Invalid(
                "Ce compte ne peut pas siéger : il lui faut un rôle de jury, actif.",
                [field_error("account", str(form.errors["user"][0]), value=account)],
            )
        raise invalid_form(form)
    member = services.record_member(deliberation, user_of(request), **form.cleaned_data)
    return Status(201, member_out(member))


@on_member("PATCH", {200: MemberOut}, MANAGERS, "Enregistrer la présence ou l'absence d'un membre")
def set_presence(
    request: HttpRequest, deliberation_id: DeliberationId, member_id: MemberId, payload: PresenceIn
) -> dict[str, Any]:
    member = _member(_deliberation(request, deliberation_id), member_id)
    return member_out(services.set_presence(member, payload.present, user_of(request)))


@on_member("DELETE", {204: None}, MANAGERS, "Retirer un membre du jury")
def remove_member(
    request: HttpRequest, deliberation_id: DeliberationId, member_id: MemberId
) -> Status[None]:
    member = _member(_deliberation(request, deliberation_id), member_id)
    services.remove_member(member, user_of(request))
    return Status(204, None)


@on_member("POST /recusals", {201: RecusalOut}, MANAGERS, "Récuser un membre pour un candidat")
def recuse(
    request: HttpRequest, deliberation_id: DeliberationId, member_id: MemberId, payload: RecusalIn
) -> Status[Any]:
    member = _member(_deliberation(request, deliberation_id), member_id)
    candidate = candidate_by_numero(payload.candidate)
    recusal = services.recuse(member, candidate, user_of(request), payload.reason)
    return Status(
        201,
        {
            "id": recusal.pk,
            "member": member.pk,
            "candidate": candidate.numero,
            "reason": recusal.reason,
        },
    )


@on_deliberation("DELETE /recusals/{recusal_id}", {204: None}, MANAGERS, "Lever une récusation")
def withdraw_recusal(
    request: HttpRequest,
    deliberation_id: DeliberationId,
    recusal_id: Annotated[int, param.Path(..., ge=1, le=ID_MAX)],
) -> Status[None]:
    deliberation = _deliberation(request, deliberation_id)
    recusal = or_404(
        Recusal.objects.filter(pk=recusal_id, member__deliberation=deliberation).first(),
        f"Cette délibération n'a pas de récusation d'identifiant {recusal_id}.",
    )
    services.withdraw_recusal(recusal, user_of(request))
    return Status(204, None)


# -- decisions --------------------------------------------------------------------------------


def _decision(deliberation: Deliberation, numero: str, unit: str) -> Decision:
    return or_404(
        Decision.objects.select_related("deliberation", "candidate")
        .filter(deliberation=deliberation, candidate__numero=numero, unit=unit)
        .first(),
        f"Cette délibération n'a pas de décision sur {unit} pour le candidat {numero}.",
    )


@on_row("POST /confirm", {200: ConfirmedOut}, JURY, "Confirmer les propositions d'un candidat")
def confirm_candidate(
    request: HttpRequest, deliberation_id: DeliberationId, numero: Numero
) -> dict[str, Any]:
    """Confirme chaque proposition encore à décider pour ce candidat ; réservé aux membres
    présents du jury, enregistrés avec leur compte, ni récusés ni liés au candidat."""
    deliberation = _deliberation(request, deliberation_id)
    candidate = candidate_by_numero(numero)
    return {"confirmed": services.confirm_row(deliberation, candidate, user_of(request))}


@on_row("POST /decisions/{unit}/confirm", {200: DecisionOut}, JURY, "Confirmer une proposition")
def confirm_decision(
    request: HttpRequest, deliberation_id: DeliberationId, numero: Numero, unit: UnitCode
) -> dict[str, Any]:
    decision = _decision(_deliberation(request, deliberation_id), numero, unit)
    return _decision_out(services.confirm(decision, user_of(request)))


@on_row(
    "POST /decisions/{unit}/override",
    {200: DecisionOut},
    JURY,
    "Décider autrement que la proposition",
)
def override_decision(
    request: HttpRequest,
    deliberation_id: DeliberationId,
    numero: Numero,
    unit: UnitCode,
    payload: OverrideIn,
) -> dict[str, Any]:
    """Le jury est souverain : il décide « validé » ou « non validé » contre la proposition,
    avec une justification écrite."""
    deliberation = _deliberation(request, deliberation_id)
    form = valid(
        OverrideForm(
            form_data({"unit": unit, **payload.model_dump()}),
            columns=presenting.columns(deliberation),
        )
    )
    decision = _decision(deliberation, numero, form.cleaned_data["unit"])
    decided = services.override(
        decision,
        form.cleaned_data["status"],
        form.cleaned_data["justification"],
        user_of(request),
    )
    return _decision_out(decided)


def decision_out(decision: Decision, lang: str = "fr") -> dict[str, Any]:
    """One decision as every operation gives it, its explanation in ``lang``."""
    return {
        "unit": decision.unit,
        "proposed_status": decision.proposed_status,
        "proposed_score": decision.proposed_score,
        "borderline": decision.borderline,
        "explanation": explain_snapshot(decision.unit, decision.snapshot, CERTIFICATION, lang)
        or decision.explanation,
        "resolution": decision.resolution,
        "status": decision.status,
        "justification": decision.justification,
        "decided_by": (
            decision.decided_by.get_username() if decision.decided_by is not None else None
        ),
        "decided_at": decision.decided_at,
        "acquired_from": _granting(decision),
    }


def _granting(decision: Decision) -> dict[str, Any] | None:
    """The earlier act that validated an acquired unit."""
    granting = decision.acquired_from
    if granting is None:
        return None
    act = granting.deliberation
    return {"session": act.session.code, "number": act.number, "date": act.date}


def _decision_out(decision: Decision) -> dict[str, Any]:
    return decision_out(
        Decision.objects.select_related("decided_by", "acquired_from__deliberation__session").get(
            pk=decision.pk
        )
    )


@on_deliberation(
    "POST /confirm-all", {200: ConfirmedOut}, JURY, "Confirmer toutes les propositions restantes"
)
def confirm_all(request: HttpRequest, deliberation_id: DeliberationId) -> dict[str, Any]:
    """Par un membre présent du jury : les blocs, puis les certifications qu'ils donnent ; sauf
    pour les candidats dont la personne est récusée ou liée : `skipped` les nomme."""
    outcome = services.confirm_all_pending(
        _deliberation(request, deliberation_id), user_of(request)
    )
    return {"confirmed": outcome.confirmed, "skipped": outcome.skipped}


@on_deliberation(
    "POST /close", {200: DeliberationOut}, (Role.JURY_PRESIDENT,), "Clore la délibération"
)
def close(request: HttpRequest, deliberation_id: DeliberationId) -> dict[str, Any]:
    """Par la présidence, une fois chaque problème réglé (`errors` les liste sinon) ; plus rien
    ne change ensuite, et l'empreinte du procès-verbal est gardée."""
    closed = services.close_deliberation(_deliberation(request, deliberation_id), user_of(request))
    return deliberation_out(closed)


@on_deliberation("POST /publish", {200: DeliberationOut}, (Role.STAFF,), "Publier les résultats")
def publish(request: HttpRequest, deliberation_id: DeliberationId) -> dict[str, Any]:
    """Rend les décisions d'une délibération close visibles de ses candidats."""
    published = services.publish_results(_deliberation(request, deliberation_id), user_of(request))
    return deliberation_out(published)
