"""Sheets and scores are browsed here; they change only through the grading services.

Assignments are edited here too, checked against declared links of interest.
"""

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin
from certif.grading.models import Score, ScoreChange, ScoreSheet


class ScoreInline(ReadOnlyAdmin, admin.TabularInline[Score, ScoreSheet]):
    model = Score
    fields = ("criterion", "display_value", "comment", "batch")
    readonly_fields = fields
    extra = 0


class ScoreChangeInline(ReadOnlyAdmin, admin.TabularInline[ScoreChange, ScoreSheet]):
    model = ScoreChange
    fields = ("changed_at", "changed_by", "criterion", "before", "after", "source", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin, admin.ModelAdmin[ScoreSheet]):
    list_display = ["candidate", "session", "block", "part", "evaluator", "status", "updated_at"]
    list_filter = ["session", "block__code", "part", "status"]
    search_fields = ["candidate__numero", "candidate__birth_name"]
    list_select_related = ["candidate", "session", "block", "evaluator"]
    inlines = [ScoreInline, ScoreChangeInline]
    show_full_result_count = False
