"""The console's side of the X-Platform circuit breakers (R-HTTP-04).

``use_shared_store`` gives ``xplatform.breaker`` a Redis-backed store when
the default cache is Redis (REDIS_URL set), so every process shares the
breakers' state; through ``ResilientRedisCache.run`` a Redis outage falls
back to per-process breakers instead of failing calls. Without Redis the
breakers stay per process. ``account_states`` reads both groups of an
account for the admin.
"""

from __future__ import annotations

import threading

from django.core.cache import caches

from interactions.resilient_cache import CacheUnavailable, ResilientRedisCache
from interactions.xplatform import breaker

__all__ = ["account_states", "use_shared_store"]

_lock = threading.Lock()
_installed_for: list[object] = [None]


def use_shared_store() -> None:
    """Install the store that matches the default cache (cheap when unchanged)."""
    backend = caches["default"]
    if not isinstance(backend, ResilientRedisCache):
        if _installed_for[0] is not None:
            with _lock:
                breaker.set_store(None)
                _installed_for[0] = None
        return
    identity = (tuple(backend._servers), backend.key_prefix)  # type: ignore[attr-defined]
    if _installed_for[0] == identity:
        return
    with _lock:
        if _installed_for[0] == identity:
            return
        breaker.set_store(
            breaker.RedisStore(
                backend.redis_client,
                run=backend.run,
                unavailable=CacheUnavailable,
                prefix=f"{backend.key_prefix or 'xpc'}:breaker",
            )
        )
        _installed_for[0] = identity


def account_states(base_url: str, account_id: str) -> dict[str, str]:
    """closed / open / half-open for each method group of one account."""
    use_shared_store()
    return {
        group.value: breaker.breaker_state(base_url, account_id, group)
        for group in breaker.Group
    }
