"""Per-user rate limits for the HTML views on Django's cache (R-AC-04).

Phone search is an enumeration oracle, so each user gets a fixed number of
calls per minute and scope. Without Redis the counters are per process (up
to N times the rate with N processes, accepted); with REDIS_URL every worker
shares them.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interactions import metrics

WINDOW = 60


class Scope(enum.StrEnum):
    """What a limit counts. The pages and the API (DRF's throttle_scope) use
    the same names, and REST_FRAMEWORK's DEFAULT_THROTTLE_RATES is keyed by
    them; each has its XPC_RATE_LIMIT_* setting."""

    SEARCH = "search"
    INTERACTION = "interaction"
    PHOTO = "photo"
    HISTORY = "history"

    @property
    def setting(self) -> str:
        # Supervisor history shares the interaction page's limit.
        name = "INTERACTION" if self is Scope.HISTORY else self.name
        return f"XPC_RATE_LIMIT_{name}"


def allow(*, user_id: object, scope: str, limit: int) -> bool:
    """Count one call; False once the user passed `limit` calls this minute."""
    bucket = int(time.time() // WINDOW)
    key = f"xpc:ratelimit:{scope}:{user_id}:{bucket}"
    if cache.add(key, 1, timeout=WINDOW + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW + 5)
        return True
    return count <= limit


def rate_limited(
    scope: Scope,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 with a plain page once the user passes the scope's limit."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limit = int(getattr(settings, scope.setting))
            if not allow(user_id=request.user.pk, scope=scope, limit=limit):
                metrics.rate_limited(scope, "page")
                response = render(
                    request,
                    "429.html",
                    {"limit": limit, "scope": scope},
                    status=429,
                )
                response["Retry-After"] = str(WINDOW)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
