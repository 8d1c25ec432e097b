"""The admins' second-factor pages: enrolment and verification
(docs/security.md, R-AC-08). Views translate HTTP only: the second factor
itself is in ``mfa``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from interactions.identity import mfa
from interactions.identity.forms import CodeForm


def _next_url(request: HttpRequest) -> str:
    """Where to go once verified: a safe ``next`` or the admin's index."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def mfa_entry(user: Any, next_url: str) -> HttpResponseRedirect:
    """Send a user who needs a second factor to enrol or to verify."""
    name = "mfa-verify" if mfa.has_confirmed_device(user) else "mfa-setup"
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _mfa_gate(request: HttpRequest, *, setup: bool) -> HttpResponse | None:
    """The redirect for someone who should not be on this page, if any."""
    user = request.user
    if not mfa.mfa_required(user):
        return redirect("interactions:home")
    if mfa.is_verified(user):
        return HttpResponseRedirect(_next_url(request))
    if setup == mfa.has_confirmed_device(user):
        return mfa_entry(user, _next_url(request))
    return None


@never_cache
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code and secret, confirmed with a code;
    then the recovery codes, shown this once."""
    if (gate := _mfa_gate(request, setup=True)) is not None:
        return gate
    device = mfa.pending_totp(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = mfa.confirm_totp(request, device, form.cleaned_data["code"])
        if codes is not None:
            shown = {"codes": codes, "next": _next_url(request)}
            return render(request, "identity/mfa_recovery_codes.html", shown)
        form.add_error(
            "code", _("That code is not right. Enter the code the app shows now.")
        )
    context: dict[str, Any] = {
        "form": form,
        "qr_svg": mfa.qr_svg(device),
        "secret": mfa.secret_text(device),
        "next": _next_url(request),
    }
    return render(request, "identity/mfa_setup.html", context)


@never_cache
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the authenticator app or a recovery code."""
    if (gate := _mfa_gate(request, setup=False)) is not None:
        return gate
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if mfa.verify(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(_next_url(request))
        form.add_error(
            "code",
            _(
                "That code is not right, or was used already. Wait a few "
                "seconds and enter the code the app shows now."
            ),
        )
    context = {"form": form, "next": _next_url(request)}
    return render(request, "identity/mfa_verify.html", context)
