"""One per-user rate limiter for the pages and the API (R-AC-04).

Phone search is an enumeration oracle, so each user gets a fixed number of
calls per minute and scope, counted once whether made through an HTML page
or the JSON API: the page decorator (``rate_limited``) and the API's throttle
(``interactions/api/throttling.py``) both call ``hit`` with the same key.

With REDIS_URL every process shares the counters, and a hit is one Lua
script (INCR, and EXPIRE on the first hit of the window), so concurrent
calls never let more than the limit through. Without Redis, or while Redis
is unreachable, the counters are in this process's memory (up to N times
the rate with N processes, accepted).
"""

from __future__ import annotations

import enum
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interactions import metrics
from interactions.resilient_cache import CacheUnavailable, ResilientRedisCache

WINDOW = 60
# The limiter's clock; the test suite starts each test early in a minute.
clock: Callable[[], float] = time.time


class Scope(enum.StrEnum):
    """What a limit counts. The pages and the API (``throttle_scope``) use the
    same names; each has its XPC_RATE_LIMIT_* setting."""

    SEARCH = "search"
    INTERACTION = "interaction"
    PHOTO = "photo"
    HISTORY = "history"

    @property
    def setting(self) -> str:
        # Supervisor history shares the interaction page's limit.
        name = "INTERACTION" if self is Scope.HISTORY else self.name
        return f"XPC_RATE_LIMIT_{name}"

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.setting))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends


# Count and set the expiry in one step: no caller sees a counter without one.
_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
end
return count
"""


class _LocalCounters:
    """This process's counters: without Redis, and while it is unreachable."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._bucket = 0

    def hit(self, key: str, bucket: int) -> int:
        with self._lock:
            if bucket != self._bucket:  # a new minute: the old counts are done
                self._counts.clear()
                self._bucket = bucket
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_local = _LocalCounters()


def reset_local_counters() -> None:
    """Forget this process's counters (tests)."""
    _local.clear()


def _backend() -> ResilientRedisCache | None:
    backend = caches["default"]
    return backend if isinstance(backend, ResilientRedisCache) else None


def _redis_hit(backend: ResilientRedisCache, key: str) -> int:
    client = backend.redis_client()
    script = client.register_script(_HIT_SCRIPT)
    full_key = backend.make_and_validate_key(key)
    return int(script(keys=[full_key], args=[WINDOW + 5]))


def hit(*, scope: str, ident: object, limit: int, now: float | None = None) -> Decision:
    """Count one call of ``ident`` (a user id, or "ip:<address>") in ``scope``;
    not allowed once it passed ``limit`` calls this minute."""
    now = clock() if now is None else now
    bucket = int(now // WINDOW)
    key = f"ratelimit:{scope}:{ident}:{bucket}"
    count: int | None = None
    backend = _backend()
    if backend is not None:
        try:
            count = backend.run(lambda: _redis_hit(backend, key))
        except CacheUnavailable:
            count = None
    if count is None:
        count = _local.hit(key, bucket)
    retry_after = max(1, math.ceil((bucket + 1) * WINDOW - now))
    return Decision(allowed=count <= limit, count=count, retry_after=retry_after)


def rate_limited(
    scope: Scope,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 with a plain page once the user passes the scope's limit."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            decision = hit(scope=scope, ident=request.user.pk, limit=scope.limit)
            if not decision.allowed:
                metrics.rate_limited(scope, "page")
                response = render(
                    request,
                    "429.html",
                    {"limit": scope.limit, "scope": scope},
                    status=429,
                )
                response["Retry-After"] = str(decision.retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
