"""Sheets and scores are browsed here; they change only through the grading services.

Assignments are edited here too, checked against declared links of interest.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext

from certif.accounts.models import ConflictOfInterest
from certif.grading.models import Assignment, ImportBatch, Score, ScoreChange, ScoreSheet


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScoreInline(ReadOnly, admin.TabularInline[Score, ScoreSheet]):
    model = Score
    fields = ("criterion", "display_value", "comment", "batch")
    readonly_fields = fields
    extra = 0


class ScoreChangeInline(ReadOnly, admin.TabularInline[ScoreChange, ScoreSheet]):
    model = ScoreChange
    fields = ("changed_at", "changed_by", "criterion", "before", "after", "source", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnly, admin.ModelAdmin[ScoreSheet]):
    list_display = ["candidate", "session", "block", "part", "evaluator", "status", "updated_at"]
    list_filter = ["session", "block__code", "part", "status"]
    search_fields = ["candidate__numero", "candidate__birth_name"]
    list_select_related = ["candidate", "session", "block", "evaluator"]
    inlines = [ScoreInline, ScoreChangeInline]
    show_full_result_count = False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnly, admin.ModelAdmin[ImportBatch]):
    list_display = [
        "imported_at",
        "kind",
        "file_name",
        "imported_by",
        "rows",
        "created",
        "updated",
        "unchanged",
    ]
    list_filter = ["kind"]


class AssignmentAdminForm(forms.ModelForm[Assignment]):
    class Meta:
        model = Assignment
        fields = ["session", "candidate", "block", "part", "evaluator", "marker"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        session, block = cleaned.get("session"), cleaned.get("block")
        evaluator, candidate = cleaned.get("evaluator"), cleaned.get("candidate")
        marker = cleaned.get("marker")
        if session is not None and block is not None:
            if block.version_id != session.referential_version_id:
                self.add_error(
                    "block",
                    gettext("Ce bloc n'appartient pas à la version du référentiel de la session."),
                )
            else:
                self._check_part(block, cleaned.get("part", ""))
        if marker not in (None, 1, 2):
            self.add_error(
                "marker", gettext("Le correcteur est 1, ou 2 pour une double correction.")
            )
        conflicted = (
            evaluator is not None
            and candidate is not None
            and ConflictOfInterest.objects.filter(user=evaluator, candidate=candidate).exists()
        )
        if conflicted:
            self.add_error(
                "evaluator",
                gettext("Un lien d'intérêt est déclaré entre cette personne et ce candidat."),
            )
        return cleaned

    def _check_part(self, block: Any, part: str) -> None:
        codes = list(block.parts.values_list("code", flat=True))
        if codes and part not in codes:
            self.add_error(
                "part",
                gettext("Partie attendue pour ce bloc : %(parts)s.") % {"parts": ", ".join(codes)},
            )
        elif not codes and part:
            self.add_error("part", gettext("Ce bloc n'a pas de parties."))


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin[Assignment]):
    form = AssignmentAdminForm
    list_display = ["candidate", "session", "block", "part", "evaluator", "marker", "assigned_at"]
    list_filter = ["session", "block__code", "evaluator"]
    search_fields = ["candidate__numero", "candidate__birth_name", "evaluator__username"]
    list_select_related = ["candidate", "session", "block", "evaluator"]
    raw_id_fields = ["candidate"]
    readonly_fields = ["assigned_by", "assigned_at"]
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        if not change:
            obj.assigned_by = request.user if request.user.is_authenticated else None
        super().save_model(request, obj, form, change)
