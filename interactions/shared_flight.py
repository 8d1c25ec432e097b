"""Cross-process single-flight through Redis (issue 10).

``fanout.SingleFlight`` collapses identical fetches within one process; this
module collapses them across every process that shares the Redis cache, so N
viewers of one interaction on any number of workers and instances cause at
most one upstream fetch per part per refresh interval.

``run(key, fn, ready)``: the first process takes a short Redis lock
(``SET lock token NX PX <ms>``, the lifetime being the rest of its request
deadline), runs ``fn`` (which fetches and stores the result in the shared
cache) and releases the lock with a compare-and-delete script, so it never
removes a lock a later leader took after its own expired. The others poll
``ready`` (a read of the shared cache) every ``POLL_SECONDS`` and return the
stored result; when the lock is gone without a result (the leader failed, or
died and the lock expired) the next one to take the lock runs ``fn`` itself:
``fn`` reads the cache first, so whatever the leader stored is not fetched
again. Waiting ends at the request deadline (``xplatform.context``); then
``fn`` runs, and past the deadline it starts no upstream call.

Without Redis (no ``REDIS_URL``) and during a Redis outage
(``ResilientRedisCache.run`` raises ``CacheUnavailable``) ``fn`` simply runs:
the per-process single-flight in front of this one still applies.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches

from interactions import metrics
from interactions.resilient_cache import CacheUnavailable, ResilientRedisCache
from interactions.xplatform.context import current_deadline

__all__ = ["POLL_SECONDS", "run"]

T = TypeVar("T")

POLL_SECONDS = 0.05
# A lock never lives shorter than this, whatever is left of the deadline.
MIN_LOCK_SECONDS = 1.0

# Delete the lock only if it still holds our token.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def _backend() -> ResilientRedisCache | None:
    backend = caches["default"]
    return backend if isinstance(backend, ResilientRedisCache) else None


def _lock_key(backend: ResilientRedisCache, key: str) -> str:
    return f"{backend.key_prefix or 'xpc'}:flight:{key}"


def _budget() -> tuple[float, float]:
    """(monotonic end of the wait, lock lifetime in seconds)."""
    deadline = current_deadline()
    if deadline is None:
        seconds = float(settings.XPC_REQUEST_DEADLINE)
        return time.monotonic() + seconds, max(seconds, MIN_LOCK_SECONDS)
    return deadline.at, max(deadline.remaining(), MIN_LOCK_SECONDS)


def _release(backend: ResilientRedisCache, lock: str, token: str) -> None:
    # During an outage the lock expires on its own.
    with contextlib.suppress(CacheUnavailable):
        backend.run(lambda: backend.redis_client().eval(_RELEASE, 1, lock, token))


def run(key: str, fn: Callable[[], T], ready: Callable[[], T | None]) -> T:
    """``fn()`` once across processes; the others get ``ready()``'s value."""
    backend = _backend()
    if backend is None:
        return fn()
    lock = _lock_key(backend, key)
    token = uuid.uuid4().hex
    ends, lifetime = _budget()
    waited = False
    while True:
        if waited:
            # Read before taking the lock: a leader stores, then releases.
            value = ready()
            if value is not None:
                metrics.single_flight(leader=False, scope="shared")
                return value
        try:
            taken: Any = backend.run(
                lambda: backend.redis_client().set(
                    lock, token, nx=True, px=max(1, int(lifetime * 1000))
                )
            )
        except CacheUnavailable:
            return fn()  # Redis down: per-process behaviour
        if taken:
            metrics.single_flight(leader=True, scope="shared")
            try:
                return fn()
            finally:
                _release(backend, lock, token)
        if time.monotonic() >= ends:
            return fn()
        waited = True
        time.sleep(POLL_SECONDS)
