"""The « Jetons d'API » page: a person's own tokens, creating one (its secret shown once),
revoking one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certif.accounts.forms import TokenForm
from certif.accounts.models import ApiToken
from certif.accounts.tokens import IssuedToken, TokenError, issue_token, revoke_token, tokens_of


def _context(
    request: HttpRequest, form: TokenForm, issued: IssuedToken | None = None
) -> dict[str, Any]:
    return {"form": form, "tokens": list(tokens_of(request.user)), "issued": issued}


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = issue_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["days"], request.user
            )
        except TokenError as error:
            form.add_error(None, str(error))
        else:
            # The secret is shown in this answer only: no redirect could show it again.
            form = TokenForm()
    status = 201 if issued is not None else 200
    return render(request, "tokens/tokens.html", _context(request, form, issued), status=status)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    error = ""
    try:
        revoke_token(token, request.user)
    except TokenError as refused:
        error = str(refused)
    if getattr(request, "htmx", False):
        context = {
            "tokens": list(tokens_of(request.user)),
            "table_message": error or _("Jeton %(prefix)s révoqué.") % {"prefix": token.prefix},
            "table_error": bool(error),
        }
        return render(request, "tokens/_tokens_table.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Jeton %(prefix)s révoqué.") % {"prefix": token.prefix})
    return redirect("tokens:list")
