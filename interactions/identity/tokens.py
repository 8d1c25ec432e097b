"""API token authentication for DRF (docs/security.md, R-AC-07).

Integrators keep sending ``Authorization: Token <token>``; ``Bearer`` is
accepted too. The token is hashed and looked up by its digest, so the
database is never searched for, nor compared with, the token itself; a
timing difference in the index lookup could only tell an attacker about
digests, which they cannot steer without reversing SHA-256. The final
comparison is constant-time all the same.

An expired or revoked token, or one whose user is deactivated, is refused
with a 401 that says which, in the API's one error shape: whoever sends it
holds the secret already, and a plain reason saves a support call.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

from interactions import permission_cache, row_read
from interactions.identity.models import ApiToken, token_digest

KEYWORDS = (b"token", b"bearer")
# Far above any token the console issues; longer values are not hashed.
MAX_TOKEN_LENGTH = 200


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>`` (or ``Bearer``) against ApiToken rows.

    A subclass of DRF's TokenAuthentication only so the OpenAPI schema keeps
    describing it as ``tokenAuth``; DRF's own token table is never read.
    """

    keyword = "Token"  # the WWW-Authenticate challenge: anonymous calls are 401

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # not a token: the session may still authenticate
        if len(parts) != 2:
            raise _invalid(
                gettext(
                    "The Authorization header must be “Token” followed by one "
                    "space and the token."
                )
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise _invalid() from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        if not key or len(key) > MAX_TOKEN_LENGTH:
            raise _invalid()
        digest = token_digest(key)
        # The token and its user in one plain statement (interactions/row_read.py):
        # the ORM cost 0.46 ms against 0.10 (docs/performance.md).
        token = row_read.get_one(ApiToken, "digest", digest, related="user")
        if token is None:
            raise _invalid()
        if not hmac.compare_digest(token.digest, digest):
            raise _invalid()
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                gettext(
                    "This API token was revoked on %(date)s; ask your "
                    "administrator for a new one."
                )
                % {"date": _day(token.revoked_at)},
                code="token_revoked",
            )
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                gettext(
                    "This API token expired on %(date)s; ask your administrator "
                    "for a new one."
                )
                % {"date": _day(token.expires_at)},
                code="token_expired",
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                gettext(
                    "The user this API token belongs to is deactivated; ask "
                    "your administrator."
                ),
                code="user_inactive",
            )
        token.mark_used(now)
        permission_cache.prime(token.user)
        return token.user, token


def _day(moment: Any) -> str:
    return str(timezone.localtime(moment).date().isoformat())


def _invalid(message: str | None = None) -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed(
        message
        or gettext(
            "This API token is not valid. Send “Authorization: Token <token>” "
            "with a token your administrator made for you."
        ),
        code="authentication_failed",
    )
