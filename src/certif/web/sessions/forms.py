"""Forms of the sessions' pages: a session, a bulk enrolment, assignments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.domain.referential.schema import Referential
from certif.domain.units import UnitRef
from certif.results.forms import CandidateSearchForm
from certif.sessions.forms import _unit_choices
from certif.sessions.models import ExamSession
from certif.web.imports.forms import file_field

FROM_FILTER, FROM_FILE = "filtre", "fichier"


class EnrolForm(CandidateSearchForm):
    """Who (a filter over candidates, or a file of numeros) and in which units."""

    source = forms.ChoiceField(
        label=_("Candidats à inscrire"),
        choices=[
            (FROM_FILTER, _("ceux qui répondent aux critères ci-dessous")),
            (FROM_FILE, _("ceux d'un fichier de numéros (colonne « numero »)")),
        ],
        widget=forms.RadioSelect,
        initial=FROM_FILTER,
    )
    fichier = file_field(label=_("Fichier de numéros (CSV ou XLSX)"), required=False)
    unites = forms.MultipleChoiceField(
        label=_("Blocs et parties"), widget=forms.CheckboxSelectMultiple
    )
    y_compris_acquis = forms.BooleanField(
        label=_("Inscrire aussi les candidats qui ont déjà validé le bloc par décision du jury"),
        help_text=_("Un bloc validé est acquis à vie : sans cette case, ces candidats sont "
                    "laissés de côté et nommés."),
        required=False,
    )  # fmt: skip
    motif_derogation = forms.CharField(
        label=_("Motif de dérogation"),
        help_text=_("Seulement pour inscrire des candidats d'un organisme dont l'habilitation à "
                    "préparer ne couvre pas le bloc à la date de la session."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(
        self, *args: Any, session: ExamSession, referential: Referential | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, referential=referential, **kwargs)
        self.fields["session"].label = _("Inscrits ou évalués dans la session")
        self.fields["unites"].choices = _unit_choices(  # type: ignore[attr-defined]
            session.referential_version.referential
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("source") == FROM_FILE:
            if not cleaned.get("fichier"):
                self.add_error("fichier", _("Choisissez le fichier des numéros."))
        elif not self.errors and not self.query().filtered:
            raise forms.ValidationError(
                _("Choisissez au moins un critère (ou un fichier) : tous les candidats ne "
                  "s'inscrivent pas d'un coup."),
                code="no_filter",
            )  # fmt: skip
        return cleaned

    def criteria(self) -> list[forms.BoundField]:
        """The filter's fields, shown together under « Critères »."""
        return [self[name] for name in CandidateSearchForm.base_fields]

    def units(self) -> list[UnitRef]:
        return [UnitRef.parse(value) for value in self.cleaned_data["unites"]]
