"""Sheets and scores are browsed here; they change only through the grading services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from certif.grading.models import ImportBatch, Score, ScoreChange, ScoreSheet


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
