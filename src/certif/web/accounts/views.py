"""Signing in and passwords (Django's pages, through Certif's services), and the lockouts
gestionnaires lift."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from certif.accounts.forms import JournalledPasswordChangeForm, JournalledSetPasswordForm
from certif.accounts.lockouts import cool_off_minutes, current_lockouts, lift_lockout
from certif.accounts.policies import may_reset_by_mail
from certif.core.roles import Role, role_required
from certif.web.shared_forms import act_and_redirect

# -- the lockout page ------------------------------------------------------------------------


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, saying the sign-in is locked and for how
    long (429), whichever login form was used (the site's or the admin's)."""
    context = {
        "locked_out": True,
        "cool_off_minutes": cool_off_minutes(),
        "next": request.POST.get("next", ""),
        "form": None,
    }
    return render(request, "registration/login.html", context, status=429)


# -- passwords -------------------------------------------------------------------------------


class PasswordChangeView(auth.PasswordChangeView):
    form_class = JournalledPasswordChangeForm


class PasswordResetView(auth.PasswordResetView):
    """Django's reset, refused while mail would not leave the server (the link would be read
    in its log)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_reset_by_mail():
            return render(request, "registration/password_reset_unavailable.html", status=503)
        return super().dispatch(request, *args, **kwargs)


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    form_class = JournalledSetPasswordForm


# -- lockouts, for gestionnaires -------------------------------------------------------------


@require_safe
@role_required(Role.STAFF)
def lockouts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/lockouts.html",
        {"lockouts": current_lockouts(), "cool_off_minutes": cool_off_minutes()},
    )


@require_POST
@role_required(Role.STAFF)
def lift(request: HttpRequest) -> HttpResponse:

    def act() -> str:
        lifted = lift_lockout(request.POST, actor=request.user)
        return _("Blocage levé : %(kind)s « %(value)s ».") % {
            "kind": lifted.kind_label,
            "value": lifted.value,
        }

    return act_and_redirect(request, act, reverse("accounts:lockouts"))
