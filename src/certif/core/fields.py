"""Model fields Certif needs beyond Django's, and the rule every text field follows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from certif.core.text import MultilineText, SingleLineText

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models.expressions import Combinable
    from django.utils.functional import _StrOrPromise


class RowIdField(models.BigAutoField):
    """A primary key without SQLite's AUTOINCREMENT.

    AUTOINCREMENT keeps a counter table up to date on every insert, which costs about a
    third of the time of a bulk insert of millions of scores. Without it an id may be
    reused after the highest row is deleted, which tables of scores and sheets allow.
    Other databases are unaffected.
    """

    def db_type_suffix(self, connection: BaseDatabaseWrapper) -> Any:
        if connection.vendor == "sqlite":
            return None
        return connection.data_types_suffix.get(self.get_internal_type())


# The types a related field is written and read as (the plugin puts the target model in them).
_ST = TypeVar("_ST")
_GT = TypeVar("_GT")


class OptionalLink(models.ForeignKey[_ST, _GT]):
    """A reference a row may lack (the document a reissue replaces, the partner that prepared a
    candidate, the import that created a row…): empty in forms and the database, protected by
    default so that what a row points at stays, and with no way back unless ``related_name``
    names one."""

    if TYPE_CHECKING:
        # Always nullable: read as the target model or None (mypy's Django plugin, which sets
        # the target, reads nullability from a ``null=`` argument this field does not need).
        _pyi_private_set_type: Any | Combinable | None
        _pyi_private_get_type: Any | None

    def __init__(
        self,
        to: type[models.Model] | str,
        verbose_name: _StrOrPromise | None = None,
        *,
        related_name: str = "+",
        on_delete: Any = models.PROTECT,
        **options: Any,
    ) -> None:
        options.setdefault("null", True)
        options.setdefault("blank", True)
        super().__init__(
            to, verbose_name=verbose_name, on_delete=on_delete, related_name=related_name, **options
        )

    def deconstruct(self) -> Any:
        # Migrations see the plain foreign key it is: no migration for the models that use it.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs


if TYPE_CHECKING:
    # The type Django's stubs give a nullable foreign key to the account model.
    _AccountLink = OptionalLink[User | None, User | None]
else:
    _AccountLink = OptionalLink


class ActorField(_AccountLink):
    """The account that did an act (opened, closed, issued, revoked, changed…): empty when the
    system did it (a command, the importer, the worker), protected so that the person an act
    names stays, and with no way back from the account.

    Where the act outlives the account (who drew a case, who exported a list), the caller
    passes ``on_delete=models.SET_NULL``: the act stays, unsigned."""

    def __init__(self, verbose_name: _StrOrPromise | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("to", settings.AUTH_USER_MODEL)
        super().__init__(verbose_name=verbose_name, **kwargs)


# -- text that cannot break anything -------------------------------------------------------------


def text_validator(field: models.Field[Any, Any]) -> SingleLineText | MultilineText | None:
    """The rule of ``certif.core.text`` a model field's values follow: multi-line for a
    ``TextField``, single-line for any other ``CharField`` (names, codes, titles, e-mails…),
    none for what holds no text."""
    if isinstance(field, models.TextField):
        return MultilineText()
    if isinstance(field, models.CharField):
        return SingleLineText()
    return None


def guard_text_fields(sender: type[models.Model], **_: Any) -> None:
    """Give every text field of a Certif model the validator of its rule (``class_prepared``).

    Connected by ``certif.core.apps`` before any model is built, so that no model can forget:
    a ModelForm's ``full_clean``, the services' forms, the admin and every import reach the
    same validator; a test walks every model to prove it. Django's own models are left alone.
    """
    if not sender.__module__.startswith("certif."):
        return
    for field in sender._meta.local_fields:
        validator = text_validator(field)
        # ``_validators``: the field's own list (``validators`` adds the defaults of its class),
        # which ``deconstruct`` writes into migrations.
        own: list[Any] = field._validators  # type: ignore[attr-defined]
        if validator is None or validator in own:
            continue
        own.append(validator)
        # ``validators`` is cached on first use: read again from ``_validators``.
        field.__dict__.pop("validators", None)


def guard_form_text(form: forms.BaseForm) -> None:
    """The same rule for a form's text fields, which a plain form (not a ModelForm) would not
    get from any model: single-line unless the field is typed in a textarea."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField):
            continue
        validator: SingleLineText | MultilineText = (
            MultilineText() if isinstance(field.widget, forms.Textarea) else SingleLineText()
        )
        if not any(isinstance(known, SingleLineText | MultilineText) for known in field.validators):
            field.validators.append(validator)
