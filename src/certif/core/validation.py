"""Running a verb's validation: one Django form per verb, used without a page.

A service binds its form to the data it received (what a person typed, a program sent, or a
command read) and gets the cleaned values, or raises ``Invalid`` with every field's errors. The
pages, the API, the commands and the admin all go through the service, hence through the form:
one validation per verb, never another copy in an adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django import forms

from certif.core.errors import Invalid
from certif.core.fields import guard_form_text

Form = TypeVar("Form", bound=forms.BaseForm)


def bound(form: Form) -> Form:
    """The form once valid; ``Invalid`` (carrying the form) otherwise. Every text field refuses
    control characters (``certif.core.fields.guard_form_text``)."""
    guard_form_text(form)
    if not form.is_valid():
        public_errors = getattr(form, "public_errors", None)
        if public_errors is not None:
            raise Invalid(public_errors(), form=form, values=dict(form.data.items()))
        raise Invalid.from_form(form)
    return form


def validated(form_class: type[forms.BaseForm], data: Mapping[str, Any], **kwargs: Any) -> Any:
    """The cleaned values of ``data`` through ``form_class``; ``Invalid`` otherwise."""
    return bound(form_class(data, **kwargs)).cleaned_data


def as_form_data(values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values (JSON, Python) as a form reads them from a post: None → "", a boolean →
    "on" or "", a date → ISO text; the rest as it is (a form field's ``to_python`` takes it)."""
    from datetime import date

    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            data[name] = "on" if value else ""
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data
