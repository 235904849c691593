"""The validation of the grading verbs: a grid, an agreed sheet, a reopening.

A grid has one field per criterion of the block, built from the session's référentiel
version; what a person types (« 2,5 », « 2.5 », « oui », « 32 ») is parsed by the domain's
own parser, so the web page accepts exactly what an import file does. The services bind these
forms to what they receive — a page's post, or a program's values through ``grid_data`` — so
that every door meets the same rules and the same messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certif.core.service_forms import optional_text
from certif.core.text import quoted
from certif.domain.numbers import format_quantity
from certif.domain.referential.schema import Criterion as CriterionSpec
from certif.domain.referential.schema import CriterionKind
from certif.domain.values import Value, ValueRejected, parse_value
from certif.grading.wording import rejection

COMMENT_MAX = 5000


VALUE_PREFIX, COMMENT_PREFIX = "v_", "c_"


def value_name(code: str) -> str:
    return f"{VALUE_PREFIX}{code}"


def comment_name(code: str) -> str:
    return f"{COMMENT_PREFIX}{code}"


def grid_data(
    values: Mapping[str, Any],
    comments: Mapping[str, str] | None = None,
    *,
    revision: int | str | None = None,
) -> dict[str, Any]:
    """What a grid posts, from values by criterion code as a program gives them (« 2,5 », 2,
    True, a Decimal, None to clear): the grid's own form then parses them."""
    data: dict[str, Any] = {}
    for code, value in values.items():
        data[value_name(code)] = _typed_text(value)
    for code, comment in (comments or {}).items():
        data[comment_name(code)] = comment
    if revision is not None:
        data["revision"] = str(revision)
    return data


def _typed_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _named(criterion: CriterionSpec, message: str) -> str:
    """Every refusal names its criterion, so that it reads alone in an error summary."""
    if criterion.code_as_printed in message or criterion.code in message:
        return message
    return f"{criterion.code_as_printed} : {message}"


def _widget(criterion: CriterionSpec) -> forms.Widget:
    if criterion.kind == CriterionKind.YES_NO:
        return forms.Select(
            choices=[("", _("— non renseigné —")), ("oui", _("oui")), ("non", _("non"))]
        )
    if criterion.kind == CriterionKind.INTEGER:
        return forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric"})
    # Text, not type=number: browsers in some languages refuse « 2,5 » in a number input.
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": "6"})


def _label(criterion: CriterionSpec) -> str:
    if criterion.kind == CriterionKind.POINTS:
        maximum = format_quantity(criterion.max_points or 0)
        return gettext("Points (sur %(maximum)s)") % {"maximum": maximum}
    if criterion.kind == CriterionKind.YES_NO:
        return gettext("Réponse")
    return gettext("Nombre")


class CriterionValueField(forms.Field):
    """A criterion's value, empty while not graded."""

    def __init__(self, criterion: CriterionSpec, **kwargs: Any) -> None:
        self.criterion = criterion
        super().__init__(
            required=False, widget=_widget(criterion), label=_label(criterion), **kwargs
        )

    def to_python(self, value: Any) -> Value | None:
        text = "" if value is None else str(value)
        if not text.strip():
            return None
        try:
            return parse_value(self.criterion, text)
        except ValueRejected as error:
            raise ValidationError(
                _named(self.criterion, rejection(error)), code="rejected"
            ) from error


class GridForm(forms.Form):
    """The values (and comments) of one sheet, with the revision they were read at."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        criteria: Sequence[CriterionSpec],
        *args: Any,
        with_comments: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.with_comments = with_comments
        # Criteria the data names that the block does not have: refused, by their name.
        self.unknown: dict[str, str] = {}
        for criterion in self.criteria:
            name = value_name(criterion.code)
            field = CriterionValueField(criterion)
            field.widget.attrs["aria-describedby"] = f"id_{name}-hint id_{name}-error"
            self.fields[name] = field
            if with_comments:
                self.fields[comment_name(criterion.code)] = forms.CharField(
                    label=_("Commentaire"),
                    required=False,
                    max_length=COMMENT_MAX,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        known = {c.code for c in self.criteria}
        for name in self.data:
            code = _criterion_of(name)
            if code is not None and code not in known:
                self.unknown[name] = gettext("critère inconnu de ce bloc : %(code)s") % {
                    "code": quoted(code)
                }
        if self.with_comments:
            for criterion in self.criteria:
                comment = cleaned.get(comment_name(criterion.code), "")
                name = value_name(criterion.code)
                if comment and name in cleaned and cleaned[name] is None:
                    self.add_error(
                        comment_name(criterion.code),
                        gettext(
                            "%(code)s : un commentaire s'enregistre avec une valeur ; saisissez "
                            "la valeur ou videz le commentaire."
                        )
                        % {"code": criterion.code_as_printed},
                    )
        return cleaned

    def is_valid(self) -> bool:
        return super().is_valid() and not self.unknown

    def public_errors(self) -> dict[str, list[str]]:
        """The errors by the names a program knows: ``values.B1Cr1``, ``comments.B1Cr1``."""
        found: dict[str, list[str]] = {}
        for name, messages in self.errors.items():
            found.setdefault(public_name(name), []).extend(str(m) for m in messages)
        for name, message in self.unknown.items():
            found.setdefault(public_name(name), []).append(message)
        return found

    def entered_values(self) -> dict[str, Value | None]:
        """Every criterion's value once the form is valid; None clears a criterion."""
        return {c.code: self.cleaned_data[value_name(c.code)] for c in self.criteria}

    def entered_comments(self) -> dict[str, str]:
        if not self.with_comments:
            return {}
        return {c.code: self.cleaned_data[comment_name(c.code)].strip() for c in self.criteria}

    def parsed_values(self) -> dict[str, Value]:
        """The values that parsed, whatever the others: what a running total can show."""
        if not hasattr(self, "cleaned_data"):
            self.full_clean()
        parsed = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(value_name(criterion.code))
            if value is not None:
                parsed[criterion.code] = value
        return parsed

    def value_errors(self) -> dict[str, list[str]]:
        """Errors by criterion code, for the live summary."""
        return {
            c.code: [str(e) for e in self.errors[value_name(c.code)]]
            for c in self.criteria
            if value_name(c.code) in self.errors
        }


def _criterion_of(name: str) -> str | None:
    for prefix in (VALUE_PREFIX, COMMENT_PREFIX):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return None


def public_name(name: str) -> str:
    """A grid field as a program names it: ``v_B1Cr1`` → ``values.B1Cr1``."""
    if name.startswith(VALUE_PREFIX):
        return f"values.{name[len(VALUE_PREFIX) :]}"
    if name.startswith(COMMENT_PREFIX):
        return f"comments.{name[len(COMMENT_PREFIX) :]}"
    return name


class AgreedForm(GridForm):
    """The agreed values of a double-marked unit, with what the markers noted."""

    reason = optional_text(
        _("Observations du rapprochement"),
        rows=3,
        max_length=COMMENT_MAX,
        help_text=_("Facultatif : gardées dans l'historique de chaque valeur modifiée."),
    )

    def __init__(self, criteria: Sequence[CriterionSpec], *args: Any, **kwargs: Any) -> None:
        super().__init__(criteria, *args, with_comments=False, **kwargs)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif de la réouverture.")},
    )
