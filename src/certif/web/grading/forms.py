"""Forms of the grading pages.

A grid has one field per criterion of the block, built from the session's référentiel
version; what a person types (« 2,5 », « 2.5 », « oui », « 32 ») is parsed by the domain's
own parser, so the web page accepts exactly what an import file does.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from certif.sessions.models import ExamSession


class MineFilterForm(forms.Form):
    STATES = [
        ("", _("Tous")),
        ("todo", _("À faire")),
        ("draft", _("Brouillon")),
        ("submitted", _("Soumise")),
    ]

    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=ExamSession.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )
    state = forms.ChoiceField(label=_("État"), choices=STATES, required=False)

    def __init__(self, sessions: QuerySet[ExamSession], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session_field = self.fields["session"]
        assert isinstance(session_field, forms.ModelChoiceField)
        session_field.queryset = sessions


class SessionFilterForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=ExamSession.objects.only("pk", "code", "title").order_by("-code"),
        required=False,
        empty_label=_("Toutes"),
    )
