from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from certif.candidates.forms import CandidateForm
from certif.candidates.models import IDENTITY_FIELDS, Candidate
from certif.candidates.services import create_candidate, update_candidate


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin[Candidate]):
    """Identities are written through the candidates' services: the same checks as the pages
    and the imports, and every change journalled."""

    form = CandidateForm

    list_display = ["numero", "birth_name", "usage_name", "first_name", "birth_date", "access_path"]
    list_filter = ["access_path", "sex"]
    search_fields = ["numero", "birth_name", "usage_name", "first_name", "email"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["numero"]}),
        (
            "Identité",
            {
                "fields": [
                    "birth_name", "usage_name", "first_name", "second_first_name", "third_first_name", "sex",
                    "birth_date", "birth_place_code", "birth_place", "birth_country_code", "birth_country",
                ]
            },
        ),
        ("Contact", {"fields": ["email", "phone"]}),
        ("Parcours", {"fields": ["access_path", "registration_date", "extra_time_percent", "accommodations"]}),
        ("Suivi", {"fields": ["created_at", "updated_at"]}),
    ]  # fmt: skip

    def save_model(self, request: HttpRequest, obj: Candidate, form: Any, change: bool) -> None:
        # The NIR is not on the admin's form (it would show in clear): it stays as recorded.
        values = {
            name: form.cleaned_data[name] for name in IDENTITY_FIELDS if name in form.cleaned_data
        }
        if change:
            update_candidate(Candidate.objects.get(pk=obj.pk), values, actor=request.user)
        else:
            saved = create_candidate({"numero": obj.numero, **values}, actor=request.user)
            obj.pk = saved.pk

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The numero identifies the candidate in every file: it never changes.
        return [*self.readonly_fields, *(["numero"] if obj is not None else [])]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Candidate) -> None:
        raise PermissionDenied

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Candidate]) -> None:
        raise PermissionDenied
