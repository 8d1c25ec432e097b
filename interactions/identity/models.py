"""The identity app's tables: single sign-on links and mapping, API tokens.

API tokens (docs/security.md, R-AC-07):

An API token is ``xpc_<prefix>_<secret>``. Only its SHA-256 digest is
stored: the token is shown once when it is made and can never be read back.
The prefix is not secret; it names the token in lists, in the admin and on
the command line, and lets someone holding a leaked token find its row.

Why a plain SHA-256 and not a password hash or an HMAC: the secret is 238
random bits, so no dictionary or brute force can reverse the digest, and a
slow hash (Argon2) would only cost every API request tens of milliseconds.
An HMAC keyed with a server secret would add little against a database
leak, and would tie every token to that key: rotating it would silently
invalidate every integration. GitHub and PyPI store tokens the same way.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from interactions import roles
from interactions.models import XPlatformAccount


class SsoIdentity(models.Model):
    """Links a console user to one person at one OpenID provider.

    A person is their issuer and their ``sub``, the one claim the provider
    promises never to reassign. Users are never matched by e-mail: an IdP user
    whose address equals a local superuser's would otherwise take that account
    over (docs/security.md, "Single sign-on").
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sso_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject (sub)"), max_length=255)
    claim_values = models.JSONField(
        _("group claim values at the last sign-in"),
        default=list,
        blank=True,
        help_text=_(
            "What the provider sent in the groups claim, to help write mappings."
        ),
    )
    created_at = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), auto_now=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="unique_sso_subject_per_issuer"
            )
        ]
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} ← {self.subject}"


class SsoGroupMapping(models.Model):
    """One value of the groups claim and what it grants in the console.

    At every sign-in a single sign-on user gets the highest role and all the
    accounts of the mappings whose value the provider sent; nothing else
    (interactions.identity.sso.apply_claims).
    """

    ROLE_CHOICES = [
        (roles.AGENT, _("agent")),
        (roles.SUPERVISOR, _("supervisor")),
        (roles.ADMIN, _("admin")),
    ]

    claim_value = models.CharField(
        _("claim value"),
        max_length=255,
        help_text=_(
            "A value of the groups claim exactly as the provider sends it: a group "
            "name (Keycloak) or a group object ID (Entra ID)."
        ),
    )
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("For people: the group's display name, who owns it."),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=ROLE_CHOICES,
        blank=True,
        help_text=_("Leave empty for a mapping that only grants accounts."),
    )
    accounts = models.ManyToManyField(
        XPlatformAccount,
        blank=True,
        related_name="sso_group_mappings",
        verbose_name=_("accounts"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("single sign-on group mapping")
        verbose_name_plural = _("single sign-on group mappings")
        ordering = ["claim_value"]

    def __str__(self) -> str:
        return self.claim_value


TOKEN_START = "xpc_"  # noqa: S105  (the public start of every token)
PREFIX_LENGTH = 8
SECRET_LENGTH = 40
# Lower-case letters and digits: the prefix is read aloud and typed.
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_prefix() -> str:
    return "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def _new_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def token_days(days: int | None) -> int:
    """The lifetime to give a new token: the default, or ``days`` if allowed.

    Raises ValidationError with a plain message past the maximum.
    """
    maximum: int = settings.XPC_API_TOKEN_MAX_DAYS
    if days is None:
        return min(int(settings.XPC_API_TOKEN_DAYS), maximum)
    if not 1 <= days <= maximum:
        raise ValidationError(
            gettext("A token lives between 1 and %(maximum)d days; got %(days)d.")
            % {"maximum": maximum, "days": days}
        )
    return days


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: datetime | None = None) -> ApiTokenQuerySet:
        """Tokens that are neither revoked nor expired."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class ApiTokenManager(models.Manager["ApiToken"]):
    def get_queryset(self) -> ApiTokenQuerySet:
        return ApiTokenQuerySet(self.model, using=self._db)

    def usable(self, now: datetime | None = None) -> ApiTokenQuerySet:
        return self.get_queryset().usable(now)

    def issue(
        self, *, user: Any, name: str, days: int | None = None, created_by: Any = None
    ) -> tuple[ApiToken, str]:
        """Make a token for ``user``; return the row and the token itself.

        The token is in no table and no log: the caller shows it once.
        """
        token = ApiToken(user=user, name=name, created_by=created_by)
        plaintext = token.set_secret(days=days)
        token.full_clean()
        token.save_new()
        return token, plaintext


class ApiToken(models.Model):
    """A hashed, expiring, revocable key for the JSON API (R-AC-07)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
        help_text=_("The API acts as this user, with this user's role and accounts."),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CTI Genesys prod”."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=16,
        unique=True,
        editable=False,
        help_text=_("The token's first, non-secret characters."),
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires"), editable=False)
    last_used_at = models.DateTimeField(
        _("last used"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(
        _("revoked"), null=True, blank=True, editable=False
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Never the digest: it is what a stolen database would be matched on.
        return f"{self.display_prefix} ({self.name})"

    @property
    def display_prefix(self) -> str:
        return f"{TOKEN_START}{self.prefix}_…"

    def set_secret(self, *, days: int | None = None) -> str:
        """Give this unsaved row a fresh prefix, secret and expiry; return the
        token, which exists nowhere else afterwards."""
        self.prefix = new_prefix()
        plaintext = f"{TOKEN_START}{self.prefix}_{_new_secret()}"
        self.digest = token_digest(plaintext)
        self.created_at = timezone.now()
        self.expires_at = self.created_at + timedelta(days=token_days(days))
        return plaintext

    def save_new(self) -> None:
        """Insert the row; a prefix that happens to be taken is drawn again."""
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    self.save(force_insert=True)
                return
            except IntegrityError:
                if not ApiToken.objects.filter(prefix=self.prefix).exists():
                    raise
                self.prefix = new_prefix()
        raise IntegrityError("No free token prefix after five draws.")

    def state(self, now: datetime | None = None) -> str:
        """The token's state now: "revoked", "expired" or "active"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"

    def revoke(self, *, by: Any = None) -> bool:
        """Revoke the token now; False if it already was."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = timezone.now()
        self.revoked_by = by
        self.save(update_fields=["revoked_at", "revoked_by"])
        return True

    def mark_used(self, now: datetime) -> bool:
        """Record a use, at most once per LAST_USED_RESOLUTION; True if written.

        The conditional UPDATE keeps concurrent workers from writing twice.
        """
        if (
            self.last_used_at is not None
            and now - self.last_used_at < LAST_USED_RESOLUTION
        ):
            return False
        stale = models.Q(last_used_at__isnull=True) | models.Q(
            last_used_at__lte=now - LAST_USED_RESOLUTION
        )
        written = ApiToken.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
        return written == 1
