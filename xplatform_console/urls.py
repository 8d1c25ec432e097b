"""URL configuration. The simulator is never routed here."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from interactions.api.views import SchemaApi
from interactions.health import healthz, readyz
from interactions.monitoring import metrics_endpoint

urlpatterns = [
    path("", include("interactions.urls")),
    path("api/v1/", include("interactions.api.urls")),
    path("api/schema/", SchemaApi.as_view(), name="api-schema"),
    path("accounts/", include("interactions.identity.urls")),
    path("admin/", admin.site.urls),
    # The language menu's target (Django's view: POST, CSRF-checked, signed
    # in like every page; it keeps the choice in a cookie, docs/i18n.md).
    path("i18n/setlang/", set_language, name="set_language"),
    # Answered by interactions.health.HealthProbeMiddleware before routing;
    # named here so reverse() finds them.
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_endpoint, name="metrics"),
]
