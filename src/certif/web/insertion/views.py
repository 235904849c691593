"""The insertion survey's pages: the holders' form, reached by their personal link without an
account, and the gestionnaires' page of rates (with its chart and data table) and sending."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certif.core.errors import Invalid, NotFound
from certif.core.roles import Role, role_required
from certif.domain.statistics.insertion import InsertionFigures, NeutralisedReason
from certif.domain.statistics.rates import format_rate
from certif.insertion.forms import AnswerForm
from certif.insertion.models import Point
from certif.insertion.queries import (
    cohorts,
    insertion_rates,
    survey_for,
    surveys_due,
    target_jobs,
)
from certif.insertion.services import (
    AlreadyAnswered,
    LinkExpired,
    answer_survey,
    answerable,
    sendings,
)
from certif.insertion.tasks import send_surveys_job
from certif.insertion.tokens import survey_of
from certif.stats.charts import pass_rate_chart
from certif.tasks.services import start
from certif.web.confirmation import Confirmation, confirmation_page, is_confirmed
from certif.web.refusals import with_refusal

# -- the holders' form ----------------------------------------------------------------------


def _closed(request: HttpRequest, state: str, status: int, **context: Any) -> HttpResponse:
    return render(request, "insertion/closed.html", {"state": state, **context}, status=status)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The survey of the link's holder, answered once while it is open; a link that no longer
    takes an answer, when it is opened or when the answer is sent, says why."""
    try:
        return _answer_page(request, token)
    except NotFound:
        return _closed(request, "invalid", 404)
    except AlreadyAnswered:
        return _closed(request, "answered", 409)
    except LinkExpired:
        return _closed(request, "expired", 410, closes_on=_closes_on(token))


def _answer_page(request: HttpRequest, token: str) -> HttpResponse:
    survey = answerable(token)
    jobs = target_jobs()
    form = AnswerForm(target_jobs=jobs)
    if request.method == "POST":
        try:
            answer_survey(token, request.POST)
        except Invalid as refused:
            form = with_refusal(AnswerForm(request.POST, target_jobs=jobs), refused)
        else:
            return redirect("insertion_survey:thanks")
    context = {
        "survey": survey,
        "form": form,
        "six_months": survey.point == Point.SIX_MONTHS,
        "target_jobs": jobs,
    }
    return render(request, "insertion/answer.html", context, status=400 if form.errors else 200)


def _closes_on(token: str) -> Any:
    survey_id = survey_of(token)
    found = survey_for(survey_id) if survey_id is not None else None
    return found.closes_on if found is not None else None


def thanks(request: HttpRequest) -> HttpResponse:
    return _closed(request, "thanks", 200)


# -- the gestionnaires' page ----------------------------------------------------------------


class YearForm(forms.Form):
    annee = forms.TypedChoiceField(
        label=_("Promotion (année de certification)"), coerce=int, required=False
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Toutes")), *((y, str(y)) for y in years)]
        self.fields["annee"].choices = choices  # type: ignore[attr-defined]


REASON_LABELS = {
    NeutralisedReason.FURTHER_STUDIES: _("poursuite d'études"),
    NeutralisedReason.WORK_STUDY: _("alternance"),
    NeutralisedReason.UNABLE_TO_WORK: _("impossibilité de travailler"),
    NeutralisedReason.WORKING_ABROAD: _("emploi hors de France"),
}


def _row(figures: InsertionFigures) -> dict[str, Any]:
    point = str(dict(Point.choices)[figures.point.value])
    return {
        "label": f"{figures.cohort} — {point}",
        "figures": figures,
        "response_rate": format_rate(figures.response_rate),
        "employment_rate": format_rate(figures.employment_rate),
        "targeted_job_rate": format_rate(figures.targeted_job_rate),
        "neutralised": [
            (str(REASON_LABELS[reason]), count)
            for reason, count in sorted(figures.neutralised_by_reason.items())
        ],
    }


CHART_DESCRIPTION = gettext_lazy(
    "Pour chaque promotion et chaque enquête : taux d'insertion dans l'emploi, taux "
    "d'insertion dans le métier visé (hors neutralisés) et taux de réponse. Les mêmes "
    "chiffres figurent dans le tableau qui suit."
)


def _chart(rows: list[dict[str, Any]]) -> str:
    bars = []
    for row in rows:
        figures = row["figures"]
        bars += [
            (f"{row['label']} — {_('emploi')}", figures.employment_rate),
            (f"{row['label']} — {_('métier visé')}", figures.targeted_job_rate),
            (f"{row['label']} — {_('réponse')}", figures.response_rate),
        ]
    return pass_rate_chart(
        bars,
        title=_("Taux d'insertion et taux de réponse"),
        description=str(CHART_DESCRIPTION),
        axis_label=_("Taux"),
        empty_text=_("Aucune donnée"),
        chart_id="insertion-chart",
    )


def _year(request: HttpRequest) -> tuple[YearForm, int | None]:
    form = YearForm(request.GET or None, years=cohorts())
    year = form.cleaned_data["annee"] if form.is_bound and form.is_valid() else None
    return form, year or None


@role_required(Role.STAFF)
def rates(request: HttpRequest) -> HttpResponse:
    """The rates France compétences examines, with the response rates, per cohort and survey."""
    form, year = _year(request)
    rows = [_row(figures) for figures in insertion_rates(year)]
    return render(
        request,
        "insertion/rates.html",
        {"form": form, "rows": rows, "year": year, "chart_description": CHART_DESCRIPTION},
    )


@role_required(Role.STAFF)
@require_GET
@csp_update({"style-src": ["'unsafe-inline'"]})
def chart(request: HttpRequest) -> HttpResponse:
    """The chart as an SVG image of its own: matplotlib styles its marks with ``style``
    attributes, which the pages' policy forbids; an image document runs no script, and its
    figures are Certif's own."""
    _form, year = _year(request)
    rows = [_row(figures) for figures in insertion_rates(year)]
    return HttpResponse(_chart(rows), content_type="image/svg+xml; charset=utf-8")


@role_required(Role.STAFF)
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    """The surveys due and their reminders, once confirmed, by the worker."""
    if not is_confirmed(request):
        today = timezone.localdate()
        return confirmation_page(
            request,
            Confirmation(
                title=_("Envoyer l'enquête d'insertion"),
                consequences=[
                    _("%(opened)d enquête(s) à ouvrir et %(pending)d courriel(s) en attente parmi "
                      "les enquêtes ouvertes.") % {
                        "opened": len(surveys_due(today)),
                        "pending": len(sendings(today, timezone.now())),
                    },
                    _("Un courriel déjà envoyé ne l'est pas une seconde fois ; chaque envoi est "
                      "journalisé."),
                ],
                button=_("Envoyer"),
                cancel_url=reverse("insertion:rates"),
                irreversible=False,
            ),
        )  # fmt: skip
    job = start(send_surveys_job, actor=request.user, shown={})
    return redirect(job)
