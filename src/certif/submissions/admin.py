"""Deposits and subjects in the admin: read only (every write goes through the services)."""

from typing import Any

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin, StaffMayView
from certif.submissions.models import Deposit, Extension, Subject, SubjectReview


@admin.register(Subject)
class SubjectAdmin(StaffMayView, ReadOnlyAdmin, admin.ModelAdmin[Subject]):
    list_display = ("candidate", "title", "status", "proposed_at", "reviewed_at")
    list_filter = ("status",)
    search_fields = ("candidate__numero", "title")


@admin.register(SubjectReview)
class SubjectReviewAdmin(StaffMayView, ReadOnlyAdmin, admin.ModelAdmin[SubjectReview]):
    list_display = ("subject", "verdict", "reviewer", "reviewed_at")


@admin.register(Deposit)
class DepositAdmin(StaffMayView, ReadOnlyAdmin, admin.ModelAdmin[Deposit]):
    list_display = ("candidate", "session", "deliverable", "version", "page_count", "deposited_at")
    list_filter = ("deliverable",)
    search_fields = ("candidate__numero", "sha256")


@admin.register(Extension)
class ExtensionAdmin(StaffMayView, ReadOnlyAdmin, admin.ModelAdmin[Extension]):
    list_display: Any = ("candidate", "session", "deliverable", "until", "granted_by")
