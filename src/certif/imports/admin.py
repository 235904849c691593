"""Imported files, read only: an import writes through its importer, journalled."""

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin
from certif.imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin, admin.ModelAdmin[ImportBatch]):
    list_display = [
        "imported_at",
        "kind",
        "file_name",
        "imported_by",
        "rows",
        "created",
        "updated",
        "unchanged",
    ]
    list_filter = ["kind"]
