from django.contrib import admin

from certif.accounts.models import ConflictOfInterest


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin[ConflictOfInterest]):
    list_display = ["user", "candidate", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = [
        "user__username",
        "user__last_name",
        "candidate__numero",
        "candidate__birth_name",
    ]
    raw_id_fields = ["candidate"]
