"""Browsing référentiel versions in the admin: read-only, since a version never changes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin
from certif.referential.models import (
    Block,
    Competency,
    Criterion,
    Erratum,
    Modality,
    Part,
    ReferentialVersion,
)


class ReadOnlyInline(ReadOnlyAdmin, admin.TabularInline[Any, Any]):
    extra = 0
    show_change_link = True


class BlockInline(ReadOnlyInline):
    model = Block
    fields = ["code", "title", "scoring_method", "out_of", "threshold", "normalisation"]


class ErratumInline(ReadOnlyInline):
    model = Erratum
    fields = ["code", "subject", "decision"]


@admin.register(ReferentialVersion)
class ReferentialVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin[ReferentialVersion]):
    list_display = ["code", "number", "label", "title", "loaded_at"]
    exclude = ["document", "source_text"]
    readonly_fields = ["code", "number", "label", "title", "sha256", "source_name", "loaded_at"]
    inlines = [BlockInline, ErratumInline]


class PartInline(ReadOnlyInline):
    model = Part
    fields = ["code", "label"]


class CompetencyInline(ReadOnlyInline):
    model = Competency
    fields = ["code", "activity", "text"]


class ModalityInline(ReadOnlyInline):
    model = Modality
    fields = ["code", "mode", "mode_text"]


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ["code", "printed_code", "kind", "max_points", "text"]


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin, admin.ModelAdmin[Block]):
    list_display = ["code", "title", "version", "scoring_method", "out_of", "threshold"]
    list_filter = ["version"]
    inlines = [PartInline, CompetencyInline, ModalityInline, CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin, admin.ModelAdmin[Criterion]):
    list_display = ["code", "printed_code", "block", "kind", "max_points"]
    list_filter = ["block__version", "block__code"]
    search_fields = ["code", "text"]


@admin.register(Competency)
class CompetencyAdmin(ReadOnlyAdmin, admin.ModelAdmin[Competency]):
    list_display = ["code", "block", "text"]
    list_filter = ["block__version", "block__code"]
    search_fields = ["code", "text"]
