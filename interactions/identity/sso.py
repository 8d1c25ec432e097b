"""Single sign-on with OpenID Connect (docs/security.md, "Single sign-on").

mozilla-django-oidc runs the authorization code flow: state, nonce and the
PKCE verifier are kept in the session per sign-in, the code is exchanged at
the token endpoint and the ID token's signature is checked against the
provider's JWKS. This backend adds what the library leaves to its users:

- the ID token's issuer, audience (and ``azp``), expiry and required claims
  are verified (the library skips the audience);
- people are linked by (issuer, ``sub``) in ``SsoIdentity``, never by e-mail
  (the library's default), so an IdP user cannot take over a local user;
- role and accounts are replaced at every sign-in from the groups claim
  through ``SsoGroupMapping`` (``apply_claims``);
- every failure becomes one ``SsoRefused`` with a reason the sign-in page
  explains, never a 500.
"""

from __future__ import annotations

import enum
import logging
import re
from typing import Any
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from interactions import roles
from interactions.identity.models import SsoGroupMapping, SsoIdentity
from interactions.models import AccountAssignment

logger = logging.getLogger(__name__)

BACKEND_PATH = "interactions.identity.sso.ConsoleOIDCBackend"
ROLE_RANK = {roles.AGENT: 1, roles.SUPERVISOR: 2, roles.ADMIN: 3}
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


class Reason(enum.Enum):
    """Why a single sign-on attempt ended without a session."""

    STATE = "state"  # unknown, used or expired state: a replay or a stale tab
    CANCELLED = "cancelled"  # the provider answered with an error
    UNVERIFIED = "unverified"  # the ID token failed a check: signature, audience, ...
    PROVIDER = "provider"  # the provider could not be reached or said no
    DISABLED = "disabled"  # the console user is deactivated


class SsoRefused(Exception):
    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


def enabled() -> bool:
    """Single sign-on is configured (XPC_OIDC_CLIENT_ID and its endpoints)."""
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", "")) and (
        BACKEND_PATH in settings.AUTHENTICATION_BACKENDS
    )


def claim_values(claims: dict[str, Any]) -> list[str]:
    """The values of the configured groups claim: a list, one string, or none."""
    raw = claims.get(settings.XPC_OIDC_GROUPS_CLAIM)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        if "_claim_names" in claims:
            # Entra ID leaves groups out past 200 of them ("overage").
            logger.warning("SSO: the groups claim was replaced by an overage link")
        return []
    return sorted({str(value) for value in raw if isinstance(value, (str, int))})


def has_console_access(user: Any) -> bool:
    """A role and at least one account; anything less is the no-access page."""
    return bool(
        user.groups.filter(name__in=roles.ROLES).exists()
        and user.account_assignments.exists()
    )


def apply_claims(user: Any, values: list[str]) -> str | None:
    """Replace the user's role and accounts with what the mappings grant.

    The highest role among the matching mappings and the union of their
    accounts; a user in no mapped group keeps neither. Assignments are
    created and deleted one by one so the audit log records each.
    """
    mappings = SsoGroupMapping.objects.filter(claim_value__in=values)
    mappings = mappings.prefetch_related("accounts")
    granted = [m.role for m in mappings if m.role in ROLE_RANK]
    role = max(granted, key=ROLE_RANK.__getitem__, default=None)
    accounts = {account.pk for m in mappings for account in m.accounts.all()}
    user.groups.remove(*Group.objects.filter(name__in=roles.ROLES))
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    for assignment in AccountAssignment.objects.filter(user=user):
        if assignment.account_id not in accounts:
            assignment.delete()
        accounts.discard(assignment.account_id)
    for account_id in sorted(accounts):
        AccountAssignment.objects.create(user=user, account_id=account_id)
    user.is_staff = role == roles.ADMIN
    user.is_superuser = False  # never from a claim
    user.save(update_fields=["is_staff", "is_superuser"])
    return role


def unique_username(claims: dict[str, Any]) -> str:
    """A new username from the claims; an existing local user is never reused."""
    wanted = claims.get("preferred_username") or claims.get("email") or claims["sub"]
    base = _USERNAME_UNSAFE.sub("", str(wanted))[:140] or "sso-user"
    users = get_user_model().objects
    candidate, number = base, 1
    while users.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _profile(claims: dict[str, Any]) -> dict[str, str]:
    return {
        "email": str(claims.get("email") or "")[:254],
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("family_name") or "")[:150],
    }


class ConsoleOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """The OpenID Connect backend, after ModelBackend in AUTHENTICATION_BACKENDS."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback view passes the verifier: a password sign-in that
        # happens to carry ?code=&state= never reaches the token endpoint.
        if request is None or "code_verifier" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except SsoRefused:
            raise
        except SuspiciousOperation as exc:  # nonce mismatch, unknown key, ...
            raise SsoRefused(Reason.UNVERIFIED, str(exc)) from exc
        except jwt.PyJWTError as exc:  # a header that is not a JWT at all
            raise SsoRefused(Reason.UNVERIFIED, str(exc)) from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # requests' errors are OSErrors; a non-JSON answer is a ValueError.
            raise SsoRefused(Reason.PROVIDER, str(exc)) from exc

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """Signature, issuer, audience, expiry and required claims."""
        algorithm = jwt.get_unverified_header(payload).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SsoRefused(Reason.UNVERIFIED, f"unexpected algorithm {algorithm!r}")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=settings.XPC_OIDC_CLOCK_SKEW,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SsoRefused(Reason.UNVERIFIED, f"{type(exc).__name__}: {exc}") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else []
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SsoRefused(Reason.UNVERIFIED, "azp does not name this client")
        return claims

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The ID token's claims, plus the userinfo endpoint's when configured."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(extra, dict) or extra.get("sub") != payload["sub"]:
                raise SsoRefused(Reason.UNVERIFIED, "userinfo is about another subject")
            claims = {**extra, **claims}
        return claims

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise SsoRefused(Reason.UNVERIFIED, "no sub claim")
        values = claim_values(claims)
        try:
            with transaction.atomic():
                user = self._linked_user(settings.OIDC_OP_ISSUER, subject, claims)
                identity = user.sso_identities.get(issuer=settings.OIDC_OP_ISSUER)
                identity.claim_values = values
                identity.save()
                role = apply_claims(user, values)
        except IntegrityError as exc:  # the same person signing in twice at once
            raise SsoRefused(Reason.PROVIDER, "concurrent first sign-in") from exc
        logger.info("SSO sign-in of %s: role %s", user.get_username(), role)
        return user

    def _linked_user(self, issuer: str, subject: str, claims: dict[str, Any]) -> Any:
        identity = (
            SsoIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is not None:
            user = identity.user
            for field, value in _profile(claims).items():
                setattr(user, field, value)
            user.save(update_fields=list(_profile(claims)))
            return user
        user = get_user_model().objects.create_user(
            unique_username(claims), password=None, **_profile(claims)
        )  # create_user with no password sets an unusable one
        SsoIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        return user

    def get_user(self, user_id: int) -> Any:
        # ModelBackend's: a deactivated user's sessions stop at once.
        return ModelBackend.get_user(self, user_id)


def provider_logout_url(request: HttpRequest) -> str:
    """Where sign-out goes: the provider's end-session endpoint for an SSO
    session when one is configured, else the sign-in page
    (OIDC_OP_LOGOUT_URL_METHOD)."""
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    endpoint = settings.XPC_OIDC_END_SESSION_ENDPOINT
    if not endpoint or request.session.get(BACKEND_SESSION_KEY) != BACKEND_PATH:
        return after
    query = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(after),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(query)}"
