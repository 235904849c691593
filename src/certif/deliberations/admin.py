"""Read-only browsing of deliberations: every write goes through the services."""

from typing import Any

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin
from certif.deliberations.models import Decision, Deliberation, JuryMember, Recusal


class MemberInline(ReadOnlyAdmin, admin.TabularInline[JuryMember, Deliberation]):
    model = JuryMember
    fields = ("full_name", "role", "affiliation", "occupation", "user", "present")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Deliberation)
class DeliberationAdmin(ReadOnlyAdmin, admin.ModelAdmin[Any]):
    list_display = ["session", "number", "kind", "status", "date", "closed_at", "published_at"]
    list_filter = ["status", "kind"]
    search_fields = ["session__code", "place", "reason"]
    list_select_related = ["session"]
    inlines = [MemberInline]
    fields = (
        "session",
        "kind",
        "number",
        "status",
        "date",
        "place",
        "reason",
        "opened_by",
        "opened_at",
        "closed_by",
        "closed_at",
        "published_by",
        "published_at",
        "digest",
    )
    readonly_fields = fields


@admin.register(JuryMember)
class JuryMemberAdmin(ReadOnlyAdmin, admin.ModelAdmin[Any]):
    list_display = ["full_name", "deliberation", "role", "affiliation", "present", "user"]
    list_filter = ["role", "affiliation", "present"]
    search_fields = ["full_name", "user__username", "deliberation__session__code"]
    list_select_related = ["deliberation__session", "user"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin, admin.ModelAdmin[Any]):
    list_display = [
        "candidate",
        "unit",
        "deliberation",
        "proposed_status",
        "proposed_score",
        "resolution",
        "status",
    ]
    list_filter = ["resolution", "unit", "proposed_status", "borderline"]
    search_fields = ["candidate__numero", "candidate__birth_name", "deliberation__session__code"]
    list_select_related = ["candidate", "deliberation__session"]
    raw_id_fields = ["candidate", "previous"]
    exclude = ["snapshot"]
    show_full_result_count = False


@admin.register(Recusal)
class RecusalAdmin(ReadOnlyAdmin, admin.ModelAdmin[Any]):
    list_display = ["member", "candidate", "reason", "created_at"]
    search_fields = ["member__full_name", "candidate__numero"]
    list_select_related = ["member", "candidate"]
