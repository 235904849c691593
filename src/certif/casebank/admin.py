"""The bank of cases, read only in the admin, without the cases' content: a case is read on its
page, where each opening is journalled; it is written there and through the API."""

from django.contrib import admin

from certif.casebank.models import Case, Draw
from certif.core.admin import ReadOnlyAdmin, StaffMayView


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Case]):
    list_display = ["reference", "title", "referential_code", "slot", "created_at", "retired_at"]
    list_filter = ["referential_code", "slot"]
    search_fields = ["reference", "title"]
    fields = [*list_display, "retired_reason"]


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Draw]):
    list_display = ["session", "candidate", "slot", "case", "version", "current", "drawn_at"]
    list_filter = ["session", "slot", "current"]
    search_fields = ["candidate__numero", "case__reference"]
    list_select_related = ["session", "candidate", "case", "version__case"]
    fields = [*list_display, "replaced_at", "replaced_reason"]
    show_full_result_count = False
