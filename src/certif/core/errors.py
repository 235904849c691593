"""The one family of refusals every service raises, whatever the door (page, API, command).

- ``Refused``: the rules refuse the request in the current state (a closed deliberation, a
  locked sheet…); HTTP 409.
- ``Invalid``: the input does not meet the verb's validation; ``errors`` names each field with
  its French messages; HTTP 422. The pages show them beside their fields, the API as problem
  details, the command line as lines.
- ``Forbidden``: the actor may not do this to this object (a policy said no); HTTP 403.
- ``NotFound``: what the request names does not exist; HTTP 404.
- ``Stale``: the object changed since the caller read it (optimistic concurrency); ``current``
  is its current version token; HTTP 412 through the API, a page showing both versions.

Each app's exceptions extend one of these; the adapters turn them into answers once
(``certif.web.refusals`` for pages, ``certif.api.problems`` for the API).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# The whole form, not one of its fields.
NON_FIELD = "__all__"


class Refused(Exception):
    """A request refused by the rules; the message is French and says why."""

    status = 409

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Forbidden(Refused):
    status = 403


class NotFound(Refused):
    status = 404


class Gone(Refused):
    """What was here was deliberately erased (data protection): it will not come back."""

    status = 410


class Stale(Refused):
    """The object changed since it was read: saving would overwrite someone else's work."""

    status = 412

    def __init__(self, message: str, current: str) -> None:
        super().__init__(message)
        self.current = current


class Invalid(Refused):
    """Input refused by a verb's validation, field by field; nothing was written."""

    status = 422

    def __init__(
        self,
        errors: Mapping[str, Sequence[str]],
        message: str = "",
        *,
        form: Any = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        self.errors = {field: list(messages) for field, messages in errors.items() if messages}
        # The bound form that found these errors, for a page to show again as it was typed.
        self.form = form
        # What was received for each field named, for the API to quote (at most 80 characters).
        self.values = dict(values or {})
        super().__init__(message or self.summary())

    @classmethod
    def on(cls, field: str, message: str, value: Any = None) -> Invalid:
        return cls({field: [message]}, values={field: value} if value is not None else None)

    @classmethod
    def from_form(cls, form: Any, names: Mapping[str, str] | None = None) -> Invalid:
        """A Django form's errors; ``names`` renames form fields to the names callers know."""
        renamed = names or {}
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        for name, messages in form.errors.items():
            public = renamed.get(name, name)
            errors[public] = [str(message) for message in messages]
            if name != NON_FIELD and name in form.data:
                values[public] = form.data.get(name)
        return cls(errors, form=form, values=values)

    def renamed(self, names: Mapping[str, str]) -> Invalid:
        """The same errors under the names another door uses (a form's ``unite`` is the API's
        ``block``)."""
        return Invalid(
            {names.get(field, field): messages for field, messages in self.errors.items()},
            self.message,
            form=self.form,
            values={names.get(field, field): value for field, value in self.values.items()},
        )

    def messages(self) -> Iterable[str]:
        for field, messages in self.errors.items():
            for message in messages:
                yield message if field == NON_FIELD else f"{field} : {message}"

    def summary(self, limit: int = 3) -> str:
        shown = list(self.messages())
        more = len(shown) - limit
        text = " ; ".join(shown[:limit])
        return text + (f" ; et {more} autre(s)" if more > 0 else "")
