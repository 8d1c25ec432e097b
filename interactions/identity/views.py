"""Sign-in and sign-out pages: password, single sign-on, and their failures.

The single sign-on views are mozilla-django-oidc's, with the console's
answers for each way a sign-in can end (docs/security.md, "Single sign-on").
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import LoginView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from interactions.identity import mfa, sso
from interactions.identity.forms import ConsoleAuthenticationForm
from interactions.identity.mfa_views import mfa_entry
from interactions.lookup_state import PENDING_KEY
from interactions.middleware import IDLE_SIGNED_OUT

logger = logging.getLogger(__name__)
Reason = sso.Reason

FAILURES: dict[Reason, tuple[int, Any]] = {
    Reason.STATE: (
        400,
        _(
            "This sign-in link was already used or has expired, so it was not "
            "accepted. Start again from the sign-in page."
        ),
    ),
    Reason.CANCELLED: (
        403,
        _("The sign-in was cancelled or refused at the identity provider."),
    ),
    Reason.UNVERIFIED: (
        403,
        _(
            "The identity provider's answer could not be verified, so you were not "
            "signed in. Try again; if it happens again, tell your administrator."
        ),
    ),
    Reason.PROVIDER: (
        502,
        _(
            "The identity provider could not be reached or refused the sign-in. "
            "Try again in a minute; if it goes on, tell your administrator."
        ),
    ),
    Reason.DISABLED: (
        403,
        _("Your console user is deactivated. Ask your supervisor."),
    ),
}


def _failure(request: HttpRequest, reason: Reason, detail: str) -> HttpResponse:
    logger.warning("SSO sign-in refused (%s): %s", reason.value, detail)
    status, message = FAILURES[reason]
    context = {"message": message, "reason": reason.value}
    return render(request, "identity/sso_failed.html", context, status=status)


class SsoRequestView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider with state, nonce and a PKCE challenge."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.enabled():
            raise Http404
        response: HttpResponse = super().get(request)
        return response


class SsoCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's redirect back: checks state, then signs in (or explains)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.enabled():
            raise Http404
        try:
            response: HttpResponse = super().get(request)
        except sso.SsoRefused as exc:
            return _failure(request, exc.reason, exc.detail)
        except SuspiciousOperation as exc:  # a state this session never issued
            return _failure(request, Reason.STATE, str(exc))
        return response

    def login_failure(self) -> HttpResponse:
        user = getattr(self, "user", None)
        if self.request.GET.get("error"):
            reason, detail = Reason.CANCELLED, self.request.GET["error"]
        elif user is not None and not user.is_active:
            reason, detail = Reason.DISABLED, user.get_username()
        else:
            reason, detail = Reason.STATE, "no sign-in in progress in this session"
        return _failure(self.request, reason, detail)

    def login_success(self) -> HttpResponse:
        if not sso.has_console_access(self.user):
            # Not signed in: a session would only open an empty console.
            if self.request.user.is_authenticated:
                auth.logout(self.request)
            logger.info("SSO: %s has no role or account", self.user.get_username())
            context = {"username": self.user.get_username()}
            return render(self.request, "identity/no_access.html", context, status=403)
        response: HttpResponse = super().login_success()
        return response


class ConsoleLogoutView(OIDCLogoutView):  # type: ignore[misc]
    """POST only: ends the console session, then the provider's when configured."""


class ConsoleLoginView(LoginView):
    """The password sign-in page. The lockout message comes from the form
    (R-AC-03); an admin goes on to the second factor (R-AC-08)."""

    form_class = ConsoleAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session.pop(IDLE_SIGNED_OUT, None)
        user = self.request.user
        if mfa.mfa_required(user) and not mfa.is_verified(user):
            return mfa_entry(user, self.get_success_url())
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso.enabled()
        context["sso_provider_name"] = settings.XPC_OIDC_PROVIDER_NAME
        context["local_login_admins_only"] = settings.XPC_LOCAL_LOGIN == "admins"
        if IDLE_SIGNED_OUT in self.request.session:
            context["idle_minutes"] = settings.XPC_SESSION_IDLE_TIMEOUT // 60
            context["idle_search_kept"] = PENDING_KEY in self.request.session
        return context
