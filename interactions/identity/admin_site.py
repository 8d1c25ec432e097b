"""The console's admin site: it opens only to a session verified with a
second factor, and its sign-in page has the lockout and the per-address
limit of the console's own (docs/security.md, R-AC-03, R-AC-08).

Installed as Django's default admin site through ``apps.ConsoleAdminConfig``,
so every ``admin.site.register`` in the project (and in django-otp and
django-axes) lands here and every admin URL is behind ``has_permission``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from interactions.identity import mfa
from interactions.identity.forms import ConsoleAdminAuthenticationForm
from interactions.identity.lockout import limit_password_checks


class ConsoleAdminSite(admin.AdminSite):
    login_form = ConsoleAdminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff, and verified with a second factor in this session."""
        return super().has_permission(request) and mfa.is_verified(request.user)

    @method_decorator(never_cache)
    @login_not_required
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        from interactions.identity.mfa_views import mfa_entry

        user = request.user
        wants_factor = mfa.mfa_required(user) and not mfa.is_verified(user)
        if request.method == "GET" and wants_factor and user.is_staff:
            return mfa_entry(user, request.GET.get("next") or reverse("admin:index"))
        response = limit_password_checks(super().login)(request, extra_context)
        user = request.user
        signed_in = response.status_code == 302 and user.is_authenticated
        if signed_in and mfa.mfa_required(user) and not mfa.is_verified(user):
            return mfa_entry(user, response["Location"])
        return response
