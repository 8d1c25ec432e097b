"""URL configuration. The simulator is never routed here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interactions.api.views import SchemaApi
from interactions.identity import views as identity_views
from interactions.views import healthz

urlpatterns = [
    path("", include("interactions.urls")),
    path("api/v1/", include("interactions.api.urls")),
    path("api/schema/", SchemaApi.as_view(), name="api-schema"),
    # Lockout, a per-address limit and the admins' second factor (R-AC-03, R-AC-05).
    path("accounts/login/", identity_views.login, name="login"),
    path("accounts/mfa/setup/", identity_views.mfa_setup, name="mfa-setup"),
    path("accounts/mfa/verify/", identity_views.mfa_verify, name="mfa-verify"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
