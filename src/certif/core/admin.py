"""The admin's shared rules, and the journal, read only.

The admin never writes around a service: a model admin is read only (``ReadOnlyAdmin``) unless
its writes call the services, which validate, check the policy and journal as every other door
does (a test walks the registry to hold this).
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from certif.core.models import AuditEvent
from certif.core.roles import Role, has_role


class ReadOnlyAdmin:
    """Browse only: no adding, changing or deleting from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StaffMayView:
    """Gestionnaires browse this model in the admin without Django's per-model permissions."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.STAFF) or super().has_view_permission(  # type: ignore[misc]
            request, obj
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_label", "object_id", "actor_label", "reason"]
    date_hierarchy = "at"
