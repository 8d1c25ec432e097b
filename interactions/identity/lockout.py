"""Sign-in lockout per user name and address, and a per-address limit on
password checks (docs/security.md, R-AC-03).

django-axes counts failures per user name *and* address, so one agent's
typos never lock a whole floor behind one NAT address. Before axes or the
password hasher run, ``limit_password_checks`` refuses an address that
already had ``XPC_LOGIN_IP_RATE`` failed password checks this minute: each
check costs an Argon2 hash, so one client cannot spray user names to make the
server hash for it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from interactions.client_address import client_ip

logger = logging.getLogger(__name__)

_Response = TypeVar("_Response", bound=HttpResponseBase)
WINDOW = 60  # seconds; the per-address limit counts per minute
_REFUSED_BEFORE_HASH = "xpc_refused_before_hash"


# --- django-axes settings callables (read when used, so tests may change them) ---


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    """AXES_FAILURE_LIMIT: failed sign-ins per user name and address."""
    return int(settings.XPC_LOGIN_FAILURE_LIMIT)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: how long a user name stays locked for an address."""
    return timedelta(minutes=int(settings.XPC_LOGIN_LOCKOUT_MINUTES))


def not_a_password_sign_in(request: HttpRequest | None, credentials: Any) -> bool:
    """AXES_WHITELIST_CALLABLE: an authenticate() call with no user name (the
    single sign-on callback) is none of the lockout's business. Keyed on
    user name and address, its failures would all share one key per address
    and lock every SSO user behind that address."""
    username = (credentials or {}).get("username")
    return not username


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """Axes' backend, marking the request it refuses: a locked-out attempt
    never reaches the password hasher, so it does not count against the
    address's limit of password checks."""

    def authenticate(  # type: ignore[no-untyped-def]
        self,
        request: HttpRequest,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        if request is None:
            # Not a sign-in over HTTP (a script, Client.login in a test): there
            # is no address to key a lockout on, and no page to refuse.
            return None
        try:
            return super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            setattr(request, _REFUSED_BEFORE_HASH, True)
            raise


def minutes_left(request: HttpRequest | None, username: str | None) -> int:
    """Whole minutes until this user name may sign in again from this address."""
    from axes.models import AccessAttempt

    latest = (
        AccessAttempt.objects.filter(
            username=username,
            ip_address=client_ip(request) if request is not None else None,
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    full = cool_off(request)
    if latest is None:
        return int(full.total_seconds() // 60)
    left = float((latest + full - timezone.now()).total_seconds())
    return max(1, math.ceil(left / 60))


def lockout_error(request: HttpRequest | None, username: str | None) -> ValidationError:
    minutes = minutes_left(request, username)
    message = ngettext(
        "Too many failed sign-ins for this user name from your address. "
        "Try again in %(minutes)d minute.",
        "Too many failed sign-ins for this user name from your address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return ValidationError(message, code="locked_out")


def is_locked_out(request: HttpRequest | None) -> bool:
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Any = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in page as the view rendered it (its
    form already says how long to wait, see forms.py), answered with 429."""
    if original_response is not None and original_response.status_code == 200:
        original_response.status_code = 429
        return original_response
    return _too_many(request, limit=failure_limit(request), retry_after=None)


def log_lockout(
    sender: Any, request: Any, username: str, ip_address: str, **_: Any
) -> None:
    """One WARNING line when a user name locks for an address (its user name
    and address, never the password); the rows are in the admin. Attempts
    refused while locked are not logged one by one: a client hammering a
    locked name would flood the log."""
    if getattr(request, _REFUSED_BEFORE_HASH, False):
        return
    logger.warning(
        "Sign-in locked out: user name %r from %s for %d minutes after %d failures.",
        username,
        ip_address,
        int(settings.XPC_LOGIN_LOCKOUT_MINUTES),
        failure_limit(),
    )


# --- the per-address limit on password checks ------------------------------------


def _counter_key(address: str | None, bucket: int) -> str:
    return f"xpc:login-ip:{address or 'unknown'}:{bucket}"


def address_over_limit(address: str | None, now: float | None = None) -> bool:
    """True once this address had XPC_LOGIN_IP_RATE failed checks in the last
    minute. A sliding window (this minute's count plus the share of the last
    minute's that is still inside the window), so a burst across a minute
    boundary does not get twice the limit."""
    now = time.time() if now is None else now
    bucket = int(now // WINDOW)
    current, previous = _counter_key(address, bucket), _counter_key(address, bucket - 1)
    counts = cache.get_many([current, previous])
    elapsed = (now % WINDOW) / WINDOW
    weighted = counts.get(previous, 0) * (1 - elapsed) + counts.get(current, 0)
    return bool(weighted >= int(settings.XPC_LOGIN_IP_RATE))


def count_failed_check(address: str | None) -> None:
    key = _counter_key(address, int(time.time() // WINDOW))
    if cache.add(key, 1, timeout=2 * WINDOW + 5):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=2 * WINDOW + 5)


def _log_address_refused(address: str | None) -> None:
    # Once a minute per address, not once per refused POST.
    flag = f"xpc:login-ip-logged:{address}:{int(time.time() // WINDOW)}"
    if cache.add(flag, 1, timeout=WINDOW + 5):
        logger.warning(
            "Sign-in refused: %s passed %d failed sign-ins a minute.",
            address,
            int(settings.XPC_LOGIN_IP_RATE),
        )


def _too_many(
    request: HttpRequest, *, limit: int, retry_after: int | None
) -> HttpResponse:
    response = render(
        request, "identity/too_many_sign_ins.html", {"limit": limit}, status=429
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def limit_password_checks(
    view: Callable[..., _Response],
) -> Callable[..., _Response | HttpResponse]:
    """Wrap a sign-in view: a POST from an address past its limit gets 429
    before authenticate() runs. A POST counts when it did not sign in and
    was not refused by the lockout (both of those cost no failed hash), so a
    floor signing in behind one address at shift start is never refused."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, **kwargs: Any
    ) -> _Response | HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        address = client_ip(request)
        if address_over_limit(address):
            _log_address_refused(address)
            # The window slides: the count starts to fall at the next minute.
            retry_after = WINDOW - int(time.time() % WINDOW) + 1
            limit = int(settings.XPC_LOGIN_IP_RATE)
            return _too_many(request, limit=limit, retry_after=retry_after)
        response = view(request, *args, **kwargs)
        signed_in = request.user.is_authenticated and response.status_code == 302
        if not signed_in and not getattr(request, _REFUSED_BEFORE_HASH, False):
            count_failed_check(address)
        return response

    return wrapper
