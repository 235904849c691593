"""People, their roles and their links of interest, in the Django admin.

Roles are Django groups; the admin shows them with their French labels and changes them only
through ``certif.accounts.services.set_roles``, so that every change of role is journalled.
Links of interest likewise go through ``declare_conflict``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certif.accounts.models import ApiToken, ConflictKind, ConflictOfInterest
from certif.accounts.services import (
    ACCOUNT_FIELDS,
    declare_conflict,
    open_account,
    set_password,
    set_roles,
    update_account,
    withdraw_conflict,
)
from certif.candidates.models import Candidate
from certif.core.audit import Actor
from certif.core.roles import ROLE_LABELS, Role

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


def held_roles(user: User) -> set[Role]:
    """The roles a user's groups give, superuser or not (``roles_of`` counts superusers as all)."""
    names = {group.name for group in user.groups.all()}
    return {role for role in Role if role.value in names}


def linked_candidate(user: User) -> Candidate | None:
    try:
        return user.candidate
    except Candidate.DoesNotExist:
        return None


# -- roles -----------------------------------------------------------------------------------


class RoleFilter(admin.SimpleListFilter):
    title = _("rôle")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return ROLE_CHOICES

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value not in {role.value for role in Role}:
            return queryset
        # A superuser holds every role (certif.core.roles.roles_of).
        return queryset.filter(Q(groups__name=value) | Q(is_superuser=True)).distinct()


class LinkedCandidateFilter(admin.SimpleListFilter):
    title = _("candidat relié")
    parameter_name = "candidat"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("oui", _("relié à un candidat")), ("non", _("sans candidat relié"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "oui":
            return queryset.filter(candidate__isnull=False)
        if self.value() == "non":
            return queryset.filter(candidate__isnull=True)
        return queryset


class RolesChangeForm(UserChangeForm[User]):
    """The change form with the roles as labelled check boxes instead of raw groups."""

    roles = forms.TypedMultipleChoiceField(
        label=_("rôles"),
        choices=ROLE_CHOICES,
        coerce=Role,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Un superutilisateur détient tous les rôles, cochés ou non."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["roles"] = sorted(role.value for role in held_roles(self.instance))

    def clean_roles(self) -> list[Role]:
        roles: list[Role] = self.cleaned_data["roles"]
        if Role.CANDIDATE in roles and linked_candidate(self.instance) is None:
            raise forms.ValidationError(
                _(
                    "Le rôle candidat demande un compte relié à un candidat : reliez le compte "
                    "depuis la fiche du candidat."
                )
            )
        return roles


class RoleActionForm(ActionForm):
    role = forms.ChoiceField(
        label=_("Rôle"), choices=[("", "---------"), *ROLE_CHOICES], required=False
    )


class ChosenRole(forms.Form):
    """The role an admin action applies, read from the action bar."""

    role = forms.TypedChoiceField(choices=ROLE_CHOICES, coerce=Role)


# -- links of interest -----------------------------------------------------------------------


class ConflictInline(admin.TabularInline[ConflictOfInterest, User]):
    model = ConflictOfInterest
    fk_name = "user"
    extra = 0
    fields = ["candidate", "kind", "note", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["candidate"]


@dataclass
class ConflictChanges:
    """What an inline did, in the shape the admin's history message expects."""

    new: list[ConflictOfInterest] = field(default_factory=list)
    changed: list[tuple[ConflictOfInterest, list[str]]] = field(default_factory=list)
    removed: list[ConflictOfInterest] = field(default_factory=list)


def save_conflicts(user: User, formset: Any, actor: Actor) -> ConflictChanges:
    """Apply the links-of-interest inline through the services."""
    changes = ConflictChanges()
    deleted_forms = set(formset.deleted_forms)
    with transaction.atomic():
        for form in formset.initial_forms:
            if form in deleted_forms:
                changes.removed.append(_withdraw_initial(form, actor))
        for form in formset.forms:
            if form in deleted_forms or not form.has_changed():
                continue
            existing = form.instance.pk is not None
            if existing and "candidate" in form.changed_data:
                # Another candidate is another link: withdraw the old one, declare the new.
                changes.removed.append(_withdraw_initial(form, actor))
                existing = False
            data = form.cleaned_data
            conflict = declare_conflict(
                user, data["candidate"], ConflictKind(data["kind"]), data["note"], actor=actor
            )
            if existing:
                changes.changed.append((conflict, list(form.changed_data)))
            else:
                changes.new.append(conflict)
    return changes


def _withdraw_initial(form: ModelForm[Any], actor: Actor) -> ConflictOfInterest:
    # The form has already copied the submitted values onto its instance: reread the stored row.
    conflict = ConflictOfInterest.objects.select_related("user", "candidate").get(
        pk=form.instance.pk
    )
    withdraw_conflict(conflict, actor)
    return conflict


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
    list_select_related = ["user", "candidate"]

    def save_model(
        self, request: HttpRequest, obj: ConflictOfInterest, form: Any, change: bool
    ) -> None:
        if change and {"user", "candidate"} & set(form.changed_data):
            stored = ConflictOfInterest.objects.select_related("user", "candidate").get(pk=obj.pk)
            withdraw_conflict(stored, request.user)
        saved = declare_conflict(
            obj.user, obj.candidate, ConflictKind(obj.kind), obj.note, actor=request.user
        )
        obj.pk = saved.pk
        obj.created_at = saved.created_at

    def delete_model(self, request: HttpRequest, obj: ConflictOfInterest) -> None:
        withdraw_conflict(obj, request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ConflictOfInterest]) -> None:
        with transaction.atomic():
            for conflict in queryset.select_related("user", "candidate"):
                withdraw_conflict(conflict, request.user)


# -- people ----------------------------------------------------------------------------------


admin.site.unregister(User)
# Groups are Certif's roles: they are given and taken on each person's page (set_roles, journalled).
admin.site.unregister(Group)


@admin.register(User)
class CertifUserAdmin(UserAdmin):
    form = RolesChangeForm
    action_form = RoleActionForm
    actions = ["grant_role", "remove_role"]
    list_display = [
        "username",
        "last_name",
        "first_name",
        "email",
        "role_labels",
        "candidate_link",
        "is_active",
        "is_staff",
    ]
    list_filter = [RoleFilter, LinkedCandidateFilter, "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "candidate__numero"]
    readonly_fields = ["candidate_link", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "email")}),
        (_("Rôles dans Certif"), {"fields": ("roles", "candidate_link")}),
        (
            _("Accès à l'administration"),
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [ConflictInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).select_related("candidate").prefetch_related("groups")

    def get_inline_instances(self, request: HttpRequest, obj: User | None = None) -> list[Any]:
        # Links of interest belong to an existing person: not on the « add » page.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description=_("rôles"))
    def role_labels(self, user: User) -> str:
        if user.is_superuser:
            return str(_("tous les rôles (superutilisateur)"))
        roles = held_roles(user)
        return ", ".join(str(ROLE_LABELS[role]) for role in Role if role in roles) or "—"

    @admin.display(description=_("candidat relié"), ordering="candidate__numero")
    def candidate_link(self, user: User) -> SafeString | str:
        candidate = linked_candidate(user)
        if candidate is None:
            return "—"
        url = reverse("admin:candidates_candidate_change", args=[candidate.pk])
        return format_html('<a href="{}">{}</a>', url, str(candidate))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            open_account(obj, actor=request.user)
            return
        # The form has copied the typed values onto ``obj``: the stored row says what changed.
        stored = User.objects.get(pk=obj.pk)
        changes = {
            name: getattr(obj, name)
            for name in ACCOUNT_FIELDS
            if name in form.changed_data and getattr(stored, name) != getattr(obj, name)
        }
        update_account(stored, changes, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        raise PermissionDenied

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        raise PermissionDenied

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An account that acted stays in the journal: deactivate it instead (« actif »).
        return False

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django's page, whose form saves through the service (journalled) for this request.
        actor = request.user

        class JournalledPasswordForm(self.change_password_form):  # type: ignore[name-defined]
            def save(self, commit: bool = True) -> Any:
                set_password(self.user, self.cleaned_data["password1"], actor=actor)
                return self.user

        original = self.change_password_form
        self.change_password_form = JournalledPasswordForm
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            self.change_password_form = original

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if "roles" in form.changed_data:
            set_roles(form.instance, form.cleaned_data["roles"], actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not ConflictOfInterest:
            super().save_formset(request, form, formset, change)
            return
        changes = save_conflicts(form.instance, formset, request.user)
        # The admin's own history message reads these, as after formset.save().
        formset.new_objects = changes.new
        formset.changed_objects = changes.changed
        formset.deleted_objects = changes.removed

    @admin.action(description=_("Donner le rôle choisi"), permissions=["change"])
    def grant_role(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._change_role(request, queryset, grant=True)

    @admin.action(description=_("Retirer le rôle choisi"), permissions=["change"])
    def remove_role(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._change_role(request, queryset, grant=False)

    def _change_role(self, request: HttpRequest, queryset: QuerySet[User], grant: bool) -> None:
        chosen = ChosenRole(request.POST)
        if not chosen.is_valid():
            self.message_user(
                request, _("Choisissez d'abord un rôle dans la liste « Rôle »."), messages.ERROR
            )
            return
        role: Role = chosen.cleaned_data["role"]
        changed, refused = self._apply_role(request, queryset, role, grant)
        label = ROLE_LABELS[role]
        if refused:
            self.message_user(
                request,
                _(
                    "Le rôle « %(role)s » n'a pas été donné à %(names)s : un compte candidat "
                    "doit être relié à un candidat."
                )
                % {"role": label, "names": ", ".join(refused)},
                messages.ERROR,
            )
        template = (
            ngettext(
                "Rôle « %(role)s » donné à %(count)d personne.",
                "Rôle « %(role)s » donné à %(count)d personnes.",
                changed,
            )
            if grant
            else ngettext(
                "Rôle « %(role)s » retiré à %(count)d personne.",
                "Rôle « %(role)s » retiré à %(count)d personnes.",
                changed,
            )
        )
        self.message_user(request, template % {"role": label, "count": changed}, messages.SUCCESS)

    def _apply_role(
        self, request: HttpRequest, users: Iterable[User], role: Role, grant: bool
    ) -> tuple[int, list[str]]:
        changed = 0
        refused: list[str] = []
        with transaction.atomic():
            for user in users:
                held = held_roles(user)
                wanted = held | {role} if grant else held - {role}
                if wanted == held:
                    continue
                if grant and role is Role.CANDIDATE and linked_candidate(user) is None:
                    refused.append(user.get_username())
                    continue
                set_roles(user, sorted(wanted), actor=request.user)
                changed += 1
        return changed, refused


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are read here; they are created and revoked through their services (audited)."""

    list_display = [
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        # A token is revoked (journalled), never deleted: its uses stay explainable.
        return False
