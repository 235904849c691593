"""Jobs, read only: a job is written by its task, journalled."""

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin
from certif.tasks.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin, admin.ModelAdmin[Job]):
    list_display = ["created_at", "kind", "started_by", "status", "phase", "done", "total"]
    list_filter = ["status", "kind"]
    list_select_related = ["started_by"]
