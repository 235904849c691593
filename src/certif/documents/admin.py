"""The certifier's settings and the épreuves' timetable, edited by gestionnaires; the registry of
issued documents, read-only, with revocation and reissue as actions that ask for a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from certif.core.admin import ReadOnlyAdmin, StaffMayView
from certif.core.roles import Role, has_role
from certif.documents import services
from certif.documents.forms import CertifierSettingsForm
from certif.documents.models import CertifierSettings, IssuedDocument


def _is_staff(request: HttpRequest) -> bool:
    return has_role(request.user, Role.STAFF)


@admin.register(CertifierSettings)
class CertifierSettingsAdmin(admin.ModelAdmin[CertifierSettings]):
    form = CertifierSettingsForm
    list_display = ["__str__", "issue_place", "signatory_name", "updated_at"]
    # Tells whether a signature is stored, and in which format.
    readonly_fields = ["signature_format", "updated_at"]

    def save_model(
        self, request: HttpRequest, obj: CertifierSettings, form: Any, change: bool
    ) -> None:
        services.update_certifier_settings(form.values(), request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_staff(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        allowed = _is_staff(request) or super().has_add_permission(request)
        return allowed and not CertifierSettings.objects.exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_staff(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReasonActionForm(ActionForm):
    motif = forms.CharField(label=_("Motif"), required=False, max_length=1000)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(StaffMayView, ReadOnlyAdmin, admin.ModelAdmin[IssuedDocument]):
    action_form = ReasonActionForm
    actions = ["revoke_documents", "reissue_documents"]
    list_display = ["public_id", "kind", "holder_name", "session", "issued_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["public_id", "holder_name", "candidate__numero", "session__code", "sha256"]
    list_select_related = ["session"]
    exclude = ["pdf", "data"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[IssuedDocument]:
        return super().get_queryset(request).defer("pdf", "data")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [
            field.name for field in IssuedDocument._meta.fields if field.name not in self.exclude
        ]

    def has_life_cycle_permission(self, request: HttpRequest) -> bool:
        return _is_staff(request)

    @admin.action(
        description=_("Révoquer les documents choisis (motif requis)"), permissions=["life_cycle"]
    )
    def revoke_documents(self, request: HttpRequest, queryset: QuerySet[IssuedDocument]) -> None:
        self._apply(request, queryset, services.revoke, _("%(count)d document(s) révoqué(s)."))

    @admin.action(
        description=_("Rééditer les documents choisis (motif requis)"), permissions=["life_cycle"]
    )
    def reissue_documents(self, request: HttpRequest, queryset: QuerySet[IssuedDocument]) -> None:
        self._apply(request, queryset, services.reissue, _("%(count)d document(s) réédité(s)."))

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[IssuedDocument], service: Any, done: Any
    ) -> None:
        reason = request.POST.get("motif", "")
        count = 0
        for document in queryset:
            try:
                service(document, request.user, reason)
            except services.DocumentRefused as refused:
                self.message_user(request, f"{document.number} : {refused}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)
