"""The statistics page's scope filter (a UI form: it writes nothing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from certif.core.roles import Role, has_role
from certif.domain.identity import ACCESS_PATHS
from certif.sessions.models import ExamSession
from certif.stats.policies import presided_sessions
from certif.stats.scope import FIRST_YEAR, LAST_YEAR, Scope


class ScopeForm(forms.Form):
    # Offered as a list, checked as a code: a session outside the list is for the policy to
    # refuse, not for the form to narrow silently.
    session = forms.CharField(label=_("Session"), required=False, widget=forms.Select)
    annee = forms.IntegerField(
        label=_("Année"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    voie = forms.ChoiceField(label=_("Voie d'accès"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = has_role(user, Role.STAFF)
        sessions = ExamSession.objects.order_by("-start_date", "code")
        # A president reads the sessions of their juries only: the others are not offered
        # (asking for one anyway is refused by the policy, not silently narrowed).
        offered = sessions if self.staff else presided_sessions(user)
        every = [("", _("Toutes"))] if self.staff else []
        self.session_choices = every + [(s.code, s.code) for s in offered]
        self.fields["session"].widget.choices = self.session_choices
        voie = self.fields["voie"]
        assert isinstance(voie, forms.ChoiceField)
        voie.choices = [("", _("Toutes"))] + [
            (code, label.in_language(get_language() or "fr"))
            for code, label in ACCESS_PATHS.items()
        ]
        if not self.staff:
            del self.fields["annee"]

    def clean_session(self) -> str:
        code = str(self.cleaned_data.get("session") or "")
        if code and not ExamSession.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Session inconnue."))
        return code

    def scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(
            session=data.get("session") or "",
            year=data.get("annee"),
            access_path=data.get("voie") or "",
        )

    def default_scope(self) -> Scope:
        """Everyone for a gestionnaire; a president's latest session."""
        if self.staff:
            return Scope()
        first = next((code for code, _label in self.session_choices if code), "")
        return Scope(session=str(first))
