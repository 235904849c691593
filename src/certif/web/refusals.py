"""A service's refusal shown on the page that asked: beside its fields, or above the form."""

from __future__ import annotations

from typing import TypeVar

from django import forms

from certif.core.errors import NON_FIELD, Invalid, Refused

Form = TypeVar("Form", bound=forms.BaseForm)


def with_refusal(form: Form, error: Refused) -> Form:
    """The form to show again with the refusal: the very form the service validated when it
    is of this page's kind (it holds what was typed and every field's errors), else this one
    with the messages added."""
    if isinstance(error, Invalid) and isinstance(error.form, type(form)):
        shown: Form = error.form
        return shown
    # Cleaning binds what was typed (errors can then be added), and checks nothing the
    # service has not already: the form is the service's own validation.
    form.is_valid()
    if isinstance(error, Invalid):
        for field, messages in error.errors.items():
            for message in messages:
                form.add_error(
                    field if field in form.fields and field != NON_FIELD else None, message
                )
    else:
        form.add_error(None, str(error))
    return form


def refusal_text(error: Refused) -> str:
    """A refusal as one sentence to show where no field can hold it (a table row, a
    message): an ``Invalid``'s messages without their field names."""
    if isinstance(error, Invalid) and error.errors:
        return " ".join(message for messages in error.errors.values() for message in messages)
    return str(error)
