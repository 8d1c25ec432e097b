"""The admins' second factor: TOTP apps and single-use recovery codes
(django-otp; docs/security.md, R-AC-08).

Who must: every staff user, superuser and holder of the
``manage_platform_account`` permission. The admin site opens only to a
session verified with one of the user's confirmed devices
(``admin_site.ConsoleAdminSite.has_permission``).
"""

from __future__ import annotations

import base64
import re
from typing import Any

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from interactions import roles

RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
_TOTP_SHAPE = re.compile(r"\d{6}")


def mfa_required(user: Any) -> bool:
    """Whether this user needs a verified second factor for the admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_staff
        or user.is_superuser
        or user.has_perm(roles.MANAGE_PLATFORM_ACCOUNT)
    )


def is_verified(user: Any) -> bool:
    """True when this session was verified with one of the user's devices
    (OTPMiddleware sets ``user.is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def has_confirmed_device(user: Any) -> bool:
    return bool(TOTPDevice.objects.devices_for_user(user, confirmed=True).exists())


def pending_totp(user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator device, made on first use; its
    secret stays the same until confirmed, so a reload shows the same QR."""
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").last()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app."""
    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// URL as inline SVG markup (no script, no style
    attribute, so the strict CSP allows it; docs/security.md, R-DJ-08)."""
    code = segno.make(device.config_url, error="m")
    svg = code.svg_inline(scale=4, dark="#000", light="#fff", border=4)
    # segno writes only path geometry and colours; no user text is in it.
    return mark_safe(svg)  # noqa: S308


def _mark_verified(request: HttpRequest, device: Any) -> None:
    # A new session key for the raised privilege (no fixation across it).
    request.session.cycle_key()
    django_otp.login(request, device)


def _normalise(token: str) -> str:
    return "".join(token.split()).lower()


@transaction.atomic
def confirm_totp(
    request: HttpRequest, device: TOTPDevice, token: str
) -> list[str] | None:
    """Confirm a new authenticator with a code from it. On success the
    session is verified and fresh recovery codes are returned (shown once)."""
    token = _normalise(token)
    if not _TOTP_SHAPE.fullmatch(token) or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per user: an older one stops working.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = new_recovery_codes(device.user)
    _mark_verified(request, device)
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def verify(request: HttpRequest, token: str) -> bool:
    """Check a code from the authenticator, or a recovery code (used up by
    this), and mark the session verified. Each device throttles its own
    failures (django-otp's exponential back-off)."""
    token = _normalise(token)
    model = TOTPDevice if _TOTP_SHAPE.fullmatch(token) else StaticDevice
    for device in model.objects.devices_for_user(request.user, confirmed=True):
        verified = django_otp.verify_token(request.user, device.persistent_id, token)
        if verified is not None:
            _mark_verified(request, verified)
            return True
    return False


@transaction.atomic
def reset(user: Any) -> int:
    """Remove all of a user's devices: they enrol again at the next admin visit."""
    totp = TOTPDevice.objects.filter(user=user)
    static = StaticDevice.objects.filter(user=user)
    count = totp.count() + static.count()
    totp.delete()
    static.delete()
    return int(count)
