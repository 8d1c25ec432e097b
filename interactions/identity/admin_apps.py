"""App configurations INSTALLED_APPS names (a module of its own: they are
imported before the app registry is ready): Django's admin app with the
console's admin site, and plain-words names for the sign-in apps the admin
lists (django-axes and django-otp name themselves "Axes" and "OTP_TOTP")."""

from __future__ import annotations

from axes.apps import AppConfig as AxesConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig


class ConsoleAdminConfig(AdminConfig):
    """Every admin page behind a second factor (docs/security.md, R-AC-08)."""

    default_site = "interactions.identity.admin_site.ConsoleAdminSite"


class LockoutConfig(AxesConfig):  # type: ignore[misc]
    """django-axes, named for what an admin looks for in the admin's menu."""

    verbose_name = _("Sign-in lockouts")


class AuthenticatorConfig(TotpConfig):  # type: ignore[misc]
    verbose_name = _("Second factor: authenticator apps")


class RecoveryCodeConfig(StaticConfig):  # type: ignore[misc]
    verbose_name = _("Second factor: recovery codes")
