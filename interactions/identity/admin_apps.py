"""Django's admin app with the console's admin site (a module of its own:
INSTALLED_APPS names it before the app registry is ready)."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class ConsoleAdminConfig(AdminConfig):
    """Every admin page behind a second factor (docs/security.md, R-AC-08)."""

    default_site = "interactions.identity.admin_site.ConsoleAdminSite"
