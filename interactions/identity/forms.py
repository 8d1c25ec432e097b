"""The password sign-in form, closed to all but admins by XPC_LOCAL_LOGIN=admins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def local_login_allowed(user: Any) -> bool:
    """Password sign-in: everyone, or with XPC_LOCAL_LOGIN=admins only the
    break-glass people (staff and superusers)."""
    if settings.XPC_LOCAL_LOGIN == "all":
        return True
    return bool(user.is_staff or user.is_superuser)


class ConsoleAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not local_login_allowed(user):
            # The same answer as a wrong password: the form must not tell
            # whoever holds a password that it is right.
            raise self.get_invalid_login_error()

    def get_invalid_login_error(self) -> ValidationError:
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
