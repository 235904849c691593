"""The bank of cases, read only in the admin, without the cases' content: a case is read on its
page, where each opening is journalled; it is written there and through the API."""

from django.contrib import admin

from certif.casebank.models import Case, Draw
from certif.core.admin import ReadOnlyAdmin, StaffMayView


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Case]):
    list_display = ["reference", "title", "referential_code", "slot", "created_at", "retired_at"]
    fields = ["reference", "title", "referential_code", "slot", "created_at", "retired_at",
              "retired_reason"]  # fmt: skip
    list_filter = ["referential_code", "slot"]
    search_fields = ["reference", "title"]


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Draw]):
    list_display = ["session", "candidate", "slot", "case", "version", "current", "drawn_at"]
    fields = ["session", "candidate", "slot", "case", "version", "current", "drawn_at",
              "replaced_at", "replaced_reason"]  # fmt: skip
    list_filter = ["session", "slot", "current"]
    search_fields = ["candidate__numero", "case__reference"]
    list_select_related = ["session", "candidate", "case", "version__case"]
    show_full_result_count = False
