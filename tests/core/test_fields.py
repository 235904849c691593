"""Every text field of Certif's models refuses control characters, at every door."""

from __future__ import annotations

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from certif.core.errors import Invalid
from certif.core.fields import guard_text_fields, text_validator
from certif.core.text import MultilineText, SingleLineText
from certif.core.validation import validated


def _certif_text_fields() -> list[models.Field]:  # type: ignore[type-arg]
    return [
        field
        for model in apps.get_models()
        if model.__module__.startswith("certif.")
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and field.model is model
    ]


def test_every_text_field_of_every_model_has_the_validator_of_its_rule() -> None:
    fields = _certif_text_fields()
    assert len(fields) > 100
    missing = [
        f"{field.model.__name__}.{field.name}"
        for field in fields
        if text_validator(field) not in field.validators
    ]
    assert missing == []


def test_text_fields_are_multiline_and_char_fields_single_line() -> None:
    from certif.candidates.models import Candidate

    assert MultilineText() in Candidate._meta.get_field("accommodations").validators
    assert SingleLineText() in Candidate._meta.get_field("birth_name").validators


@pytest.mark.parametrize("character", ["\x00", "\x13", "\x1f", "\x7f", "\x85", "\u2028"])
def test_a_model_refuses_a_control_character_in_a_name(character: str) -> None:
    from certif.candidates.models import Candidate

    field = Candidate._meta.get_field("birth_name")
    with pytest.raises(ValidationError, match=r"U\+"):
        field.run_validators(f"Du{character}pont")


def test_a_multiline_field_keeps_tabs_and_new_lines() -> None:
    from certif.candidates.models import Candidate

    field = Candidate._meta.get_field("accommodations")
    field.run_validators("Tiers temps\r\n\tsalle isolée\n")
    with pytest.raises(ValidationError):
        field.run_validators("Tiers\x1ftemps")


def test_django_own_models_are_left_alone() -> None:
    from django.contrib.auth.models import Group

    guard_text_fields(Group)
    assert SingleLineText() not in Group._meta.get_field("name").validators


class _Plain(forms.Form):
    title = forms.CharField()
    comment = forms.CharField(widget=forms.Textarea, required=False)


def test_a_plain_forms_text_fields_refuse_control_characters_too() -> None:
    assert validated(_Plain, {"title": "Juin", "comment": "a\nb"}) == {
        "title": "Juin",
        "comment": "a\nb",
    }
    with pytest.raises(Invalid) as refused:
        validated(_Plain, {"title": "Ju\x13in", "comment": "a\x00b"})
    assert set(refused.value.errors) == {"title", "comment"}
    assert "U+0013" in refused.value.errors["title"][0]


def _deconstructed(field: models.Field) -> tuple[str, dict[str, object]]:  # type: ignore[type-arg]
    _name, path, _args, kwargs = field.deconstruct()
    return path, kwargs


def test_an_optional_link_is_the_plain_foreign_key_it_replaces() -> None:
    from certif.core.fields import OptionalLink

    plain = models.ForeignKey(
        "self",
        verbose_name="remplace",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assert _deconstructed(OptionalLink("self", "remplace")) == _deconstructed(plain)
    assert _deconstructed(plain)[0] == "django.db.models.ForeignKey"


def test_an_optional_link_takes_its_deletion_rule_back_name_and_other_options() -> None:
    from django.conf import settings

    from certif.core.fields import OptionalLink

    plain = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sheets",
        db_index=False,
    )
    field = OptionalLink(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="sheets", db_index=False
    )
    assert _deconstructed(field) == _deconstructed(plain)


def test_an_optional_link_of_a_model_is_empty_when_nothing_is_linked() -> None:
    from certif.documents.models import IssuedDocument

    field = IssuedDocument._meta.get_field("replaces")
    assert field.null
    assert field.blank
    assert field.related_model is IssuedDocument


def test_an_actor_whose_act_outlives_the_account_is_set_null_and_still_a_plain_key() -> None:
    from django.conf import settings

    from certif.core.fields import ActorField

    plain = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assert _deconstructed(ActorField(on_delete=models.SET_NULL)) == _deconstructed(plain)
