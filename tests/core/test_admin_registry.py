"""The admin never writes around a service: every registered model admin is read only, or its
writing hooks are Certif's own (they call the services, which validate, check the policy and
journal as every other door does)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin, ModelAdmin
from django.contrib.auth.models import User
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

# What Django's own classes do when an admin writes: a plain save() or delete().
DJANGO_MODULES = ("django.contrib.admin", "django.contrib.auth.admin")


def _own(admin_class: type, hook: str) -> bool:
    """Whether ``hook`` is defined by a Certif class, not inherited from Django's."""
    for klass in admin_class.__mro__:
        if hook in vars(klass):
            return not klass.__module__.startswith(DJANGO_MODULES)
    return False


def _request() -> Any:
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    return request


def writing_admins() -> list[tuple[str, ModelAdmin[Any]]]:
    return [(model._meta.label, model_admin) for model, model_admin in admin.site._registry.items()]


def _writes(model_admin: ModelAdmin[Any] | InlineModelAdmin[Any, Any]) -> dict[str, bool]:
    request = _request()
    return {
        "add": bool(model_admin.has_add_permission(request, None)  # type: ignore[call-arg]
                    if isinstance(model_admin, InlineModelAdmin)
                    else model_admin.has_add_permission(request)),
        "change": bool(model_admin.has_change_permission(request, None)),
        "delete": bool(model_admin.has_delete_permission(request, None)),
    }  # fmt: skip


@pytest.mark.parametrize(("label", "model_admin"), writing_admins(), ids=lambda v: str(v))
def test_an_admin_that_writes_goes_through_the_services(
    label: str, model_admin: ModelAdmin[Any]
) -> None:
    writes = _writes(model_admin)
    klass = type(model_admin)
    if writes["add"] or writes["change"]:
        assert _own(klass, "save_model"), f"{label}: adds or changes with Django's plain save()"
    if writes["delete"]:
        assert _own(klass, "delete_model"), f"{label}: deletes with Django's plain delete()"
        assert _own(klass, "delete_queryset"), f"{label}: deletes many with a plain delete()"
    for inline_class in model_admin.inlines:
        inline = inline_class(model_admin.model, admin.site)
        inline_writes = _writes(inline)
        if any(inline_writes.values()):
            assert _own(klass, "save_formset"), f"{label}: its inline writes with a plain save()"


def test_the_registry_holds_every_model_of_certif_that_people_browse() -> None:
    labels = {label for label, _admin in writing_admins()}
    assert {"candidates.Candidate", "exam_sessions.Assignment", "grading.ScoreSheet"} <= labels
