"""Sign-in, sign-out, second-factor and single sign-on routes (under /accounts/).

The single sign-on names are mozilla-django-oidc's own
(``oidc_authentication_init``, ``oidc_authentication_callback``); every
route here is reachable signed out.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.cache import never_cache

from interactions.identity import mfa_views, views
from interactions.identity.lockout import limit_password_checks

urlpatterns = [
    # The per-address limit on password checks wraps the view (R-AC-03).
    path(
        "login/",
        limit_password_checks(views.ConsoleLoginView.as_view()),
        name="login",
    ),
    # The admins' second factor (R-AC-08).
    path("mfa/setup/", mfa_views.mfa_setup, name="mfa-setup"),
    path("mfa/verify/", mfa_views.mfa_verify, name="mfa-verify"),
    path("logout/", never_cache(views.ConsoleLogoutView.as_view()), name="logout"),
    path(
        "oidc/authenticate/",
        login_not_required(never_cache(views.SsoRequestView.as_view())),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(never_cache(views.SsoCallbackView.as_view())),
        name="oidc_authentication_callback",
    ),
]
