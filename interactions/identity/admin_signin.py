"""Admin pages for sign-in lockouts and second factors, scoped per admin
(imported by ``admin.py``, so the admin's autodiscovery registers them).

Lockouts (django-axes' attempts and failure log) and second-factor devices
(django-otp) are listed for the users an admin manages
(``selectors.users_managed_by``); a superuser sees all. Deleting a lockout
row unlocks that user name for that address (R-AC-03); deleting a device
resets the user's second factor, recovery codes included (R-AC-08). No page
shows a device's secret or a recovery code.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from interactions import roles
from interactions.admin_scope import ReadOnlyAdmin
from interactions.identity import mfa
from interactions.selectors import users_managed_by

logger = logging.getLogger(__name__)


class _ScopedReadOnly(ReadOnlyAdmin):
    """Visible to console admins for the users they manage; never edited."""

    user_lookup = "username__in"

    def _may(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_staff and user.has_perm(roles.MANAGE_PLATFORM_ACCOUNT))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        managed = users_managed_by(request.user)
        if self.user_lookup == "username__in":
            return queryset.filter(username__in=managed.values("username"))
        return queryset.filter(user__in=managed)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)


@admin.register(AccessAttempt)
class LockoutAdmin(_ScopedReadOnly):
    """Failed sign-ins per user name and address; delete a row to unlock."""

    list_display = [
        "attempt_time",
        "username",
        "ip_address",
        "failures_since_start",
        "path_info",
    ]
    list_filter = ["attempt_time", "path_info"]
    search_fields = ["username", "ip_address"]
    fields = (
        "username",
        "ip_address",
        "user_agent",
        "path_info",
        "failures_since_start",
        "attempt_time",
    )
    readonly_fields = fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _log_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _log_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)


def _log_unlock(request: HttpRequest, attempts: list[Any]) -> None:
    for attempt in attempts:
        logger.warning(
            "Sign-in unlocked by %s: user name %r from %s.",
            request.user.get_username(),
            attempt.username,
            attempt.ip_address,
        )


@admin.register(AccessFailureLog)
class FailedSignInAdmin(_ScopedReadOnly):
    """Every failed sign-in, with whether it was refused as locked out."""

    list_display = ["attempt_time", "username", "ip_address", "locked_out", "path_info"]
    list_filter = ["locked_out", "attempt_time", "path_info"]
    search_fields = ["username", "ip_address"]
    fields = (
        "attempt_time",
        "username",
        "ip_address",
        "locked_out",
        "path_info",
    )
    readonly_fields = fields


admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        if self.value() in ("0", "1"):
            return queryset.filter(confirmed=self.value() == "1")
        return queryset


@admin.register(TOTPDevice)
class SecondFactorAdmin(_ScopedReadOnly):
    """Authenticator apps; deleting one resets that user's second factor.

    django-otp names the device's fields in plain English strings (and
    explains them in English help texts) that no catalogue translates; the
    columns and fields are the console's own, named in the page's language.
    """

    user_lookup = "user__in"
    fields = (
        "device_user",
        "device_name",
        "device_confirmed",
        "device_created",
        "device_last_used",
    )
    readonly_fields = fields
    list_display = list(fields)
    # The user column links to the user; the device's name to the device.
    list_display_links = ["device_name"]
    list_filter = [ConfirmedFilter]
    search_fields = ["user__username"]

    @admin.display(description=_("user"), ordering="user__username")
    def device_user(self, obj: TOTPDevice) -> Any:
        url = reverse("admin:auth_user_change", args=[obj.user_id])
        return format_html('<a href="{}">{}</a>', url, obj.user)

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, obj: TOTPDevice) -> str:
        return str(obj.name)

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def device_confirmed(self, obj: TOTPDevice) -> bool:
        return bool(obj.confirmed)

    @admin.display(description=_("created"), ordering="created_at")
    def device_created(self, obj: TOTPDevice) -> Any:
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def device_last_used(self, obj: TOTPDevice) -> Any:
        # A method's None is shown as "None"; a field's as Django's dash.
        return obj.last_used_at or self.get_empty_value_display()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_queryset(request, TOTPDevice.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for device in queryset.select_related("user"):
            mfa.reset(device.user)
            logger.warning(
                "Second factor reset by %s for %s.",
                request.user.get_username(),
                device.user.get_username(),
            )
