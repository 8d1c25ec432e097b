"""The password sign-in forms (closed to all but admins by
XPC_LOCAL_LOGIN=admins; telling a locked-out user how long to wait, R-AC-03)
and the form for a second-factor code (R-AC-08)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interactions.identity import lockout


def local_login_allowed(user: Any) -> bool:
    """Password sign-in: everyone, or with XPC_LOCAL_LOGIN=admins only the
    break-glass people (staff and superusers)."""
    if settings.XPC_LOCAL_LOGIN == "all":
        return True
    return bool(user.is_staff or user.is_superuser)


class _LockoutMessage:
    """When axes refused the attempt (or this failure locked the user name),
    say so with the waiting time instead of "wrong password"."""

    request: Any
    cleaned_data: dict[str, Any]

    def get_invalid_login_error(self) -> ValidationError:
        if lockout.is_locked_out(self.request):
            return lockout.lockout_error(
                self.request, self.cleaned_data.get("username")
            )
        return super().get_invalid_login_error()  # type: ignore[misc,no-any-return]


class ConsoleAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not local_login_allowed(user):
            # The same answer as a wrong password: the form must not tell
            # whoever holds a password that it is right.
            raise self.get_invalid_login_error()

    def get_invalid_login_error(self) -> ValidationError:
        if lockout.is_locked_out(self.request):
            return lockout.lockout_error(
                self.request, self.cleaned_data.get("username")
            )
        if settings.XPC_LOCAL_LOGIN == "admins":
            return ValidationError(
                _(
                    "Password sign-in is for administrators only, and this user "
                    "name and password were not accepted. Everyone else signs in "
                    "with %(provider)s."
                ),
                code="invalid_login",
                params={"provider": settings.XPC_OIDC_PROVIDER_NAME},
            )
        error: ValidationError = super().get_invalid_login_error()
        return error


class ConsoleAdminAuthenticationForm(_LockoutMessage, AdminAuthenticationForm):
    pass


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": gettext_lazy("Enter the code.")},
    )
