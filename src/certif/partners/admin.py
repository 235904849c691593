"""Partners in the admin, read only: every write goes through the partners' services (the
pages and commands), which check the SIRET, the life cycle and the overlap rule."""

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin, StaffMayView
from certif.partners.models import DeclarationExport, Habilitation, HabilitationChange, Partner


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Partner]):
    list_display = ["legal_name", "siret", "nda", "qualiopi_number", "qualiopi_expires_on"]
    search_fields = ["legal_name", "siret"]


@admin.register(Habilitation)
class HabilitationAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Habilitation]):
    list_display = [
        "reference",
        "partner",
        "certification",
        "nature",
        "blocks",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["nature", "certification"]
    search_fields = ["reference", "partner__legal_name", "partner__siret"]


@admin.register(HabilitationChange)
class HabilitationChangeAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[HabilitationChange]):
    list_display = ["habilitation", "action", "effective_on", "recorded_on", "author_name"]


@admin.register(DeclarationExport)
class DeclarationExportAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[DeclarationExport]):
    list_display = ["created_at", "listed_on", "rows", "file_format", "transmitted_on"]
