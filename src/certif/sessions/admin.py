"""Sessions, enrolments, assignments and timetables, read only in the admin: they are written on
the sessions' pages and through the API, whose services check every rule (the référentiel's
units, links of interest, the same person never marking twice) and journal each change."""

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin, StaffMayView
from certif.sessions.models import Assignment, Enrolment, ExamSession, Sitting


@admin.register(ExamSession)
class ExamSessionAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[ExamSession]):
    list_display = ["code", "title", "start_date", "end_date", "place", "referential_version"]
    search_fields = ["code", "title", "place"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Enrolment]):
    list_display = ["candidate", "session", "block", "part"]
    list_filter = ["session", "block__code"]
    search_fields = ["candidate__numero", "candidate__birth_name"]
    list_select_related = ["candidate", "session", "block"]
    show_full_result_count = False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Assignment]):
    list_display = ["candidate", "session", "block", "part", "evaluator", "marker", "assigned_at"]
    list_filter = ["session", "block__code", "evaluator"]
    search_fields = ["candidate__numero", "candidate__birth_name", "evaluator__username"]
    list_select_related = ["candidate", "session", "block", "evaluator"]
    show_full_result_count = False


@admin.register(Sitting)
class SittingAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Sitting]):
    list_display = ["session", "block", "part", "starts_at", "room"]
    list_filter = ["session"]
    list_select_related = ["session", "block"]
