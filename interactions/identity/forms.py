"""Sign-in forms that tell a locked-out user how long to wait, and the form
for a second-factor code (docs/security.md, R-AC-03, R-AC-05)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interactions.identity import lockout


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


class ConsoleAuthenticationForm(_LockoutMessage, AuthenticationForm):
    pass


class ConsoleAdminAuthenticationForm(_LockoutMessage, AdminAuthenticationForm):
    pass


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
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
        error_messages={"required": _("Enter the code.")},
    )
