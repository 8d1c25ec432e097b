"""App configurations INSTALLED_APPS names (a module of its own: they are
imported before the app registry is ready): Django's admin app with the
console's admin site, and plain-words names for the sign-in apps the admin
lists (django-axes and django-otp name themselves "Axes" and "OTP_TOTP")."""

from __future__ import annotations

from axes.apps import AppConfig as AxesConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig

# Words the admin shows that its packages' own catalogues lack in Spanish or
# Hebrew: Django 5.2's new headers of the admin index, and django-auditlog's
# and django-axes's names (neither package has Hebrew). Marked here, so the
# console's catalogues (LOCALE_PATHS, read before any app's) say them.
THEIR_WORDS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Audit log"),
    gettext_noop("Audit log: %s"),
    gettext_noop("Changes"),
    gettext_noop("Created"),
    gettext_noop("Resource"),
    gettext_noop("Resource Type"),
    gettext_noop("Correlation ID"),
    gettext_noop("Click to filter by records with this correlation id"),
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    gettext_noop("Created {repr:s}"),
    gettext_noop("Updated {repr:s}"),
    gettext_noop("Deleted {repr:s}"),
    gettext_noop("Logged {repr:s}"),
    gettext_noop("Field"),
    gettext_noop("From"),
    gettext_noop("To"),
    gettext_noop("system"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    # django-axes's field names, on the lockout and failed sign-in pages.
    gettext_noop("Username"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access lock out"),
    # Django 5.2's add-user page (its Hebrew catalogue has it empty).
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."  # noqa: RUF001  (Django's words)
    ),
)


class ConsoleAdminConfig(AdminConfig):
    """Every admin page behind a second factor (docs/security.md, R-AC-08)."""

    default_site = "interactions.identity.admin_site.ConsoleAdminSite"


class LockoutConfig(AxesConfig):  # type: ignore[misc]
    """django-axes, named for what an admin looks for in the admin's menu."""

    verbose_name = _("Sign-in lockouts")


class AuthenticatorConfig(TotpConfig):  # type: ignore[misc]
    verbose_name = _("Second factor: authenticator apps")

    def ready(self) -> None:
        super().ready()
        # django-otp names its model "TOTP device" in a plain string, which
        # no catalogue can translate: the admin's menu, list, titles and
        # delete pages said it in English in every language. Named here in
        # words an admin knows. Migrations read the model's declared Meta
        # (``original_attrs``), not these, so none is made for it.
        options = self.get_model("TOTPDevice")._meta
        options.verbose_name = _("authenticator app")
        options.verbose_name_plural = _("authenticator apps")


class RecoveryCodeConfig(StaticConfig):  # type: ignore[misc]
    verbose_name = _("Second factor: recovery codes")
