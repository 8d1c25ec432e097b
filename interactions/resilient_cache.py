"""Django's Redis cache that degrades instead of failing when Redis is down.

The console keeps serving through a Redis outage: every cache operation
that cannot reach Redis behaves as on an empty cache that keeps nothing
(``get`` misses, ``set`` and ``delete`` do nothing, ``add`` succeeds as on a
missing key, ``incr`` raises ValueError as for a missing key). What the
console keeps there can be done again: upstream parts are fetched again,
the rate limiter counts in process memory meanwhile (``interactions.ratelimit``),
sessions live in the database (settings: SESSION_ENGINE).

Short socket timeouts (settings: ``XPC_REDIS_SOCKET_TIMEOUT``) bound the
wait on a Redis that does not answer, and a circuit keeps it from being paid
on every call: after a failure Redis is skipped for ``RETRY_AFTER`` seconds
(an ``OPTIONS`` key, default 5), then a single call tries it again. The
outage is logged at WARNING once a minute per process, with the number of
calls served without Redis since the last line, never per request; readiness
(``/readyz``) reports Redis down meanwhile.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

__all__ = ["CacheUnavailable", "Pickled", "ResilientRedisCache", "reset_outages"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds between two WARNING lines about one outage.
LOG_EVERY = 60.0
RETRY_AFTER = 5.0

# What a Redis outage raises; any other error is a bug and is not hidden.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


class Pickled:
    """A value pickled once for several cache entries.

    Caches pickle what they keep; a value written under two keys (an
    upstream part and its last good copy) would be pickled twice, the
    largest share of storing a cold page's parts (docs/performance.md).
    Pickling this wrapper writes the value's own pickle, made the first
    time and kept (so nothing is pickled while Redis is down and nothing
    written), and unpickling it gives the value back, not the wrapper, in
    any cache backend and inside other values (a tuple with a time). The
    protocol is pickle's highest, Django's default for its caches.
    """

    __slots__ = ("data", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.data: bytes | None = None

    def __reduce__(self) -> tuple[Callable[[bytes], Any], tuple[bytes]]:
        if self.data is None:
            self.data = pickle.dumps(self.value, pickle.HIGHEST_PROTOCOL)
        return (pickle.loads, (self.data,))


class CacheUnavailable(Exception):
    """Redis cannot be reached now (or was not, a moment ago)."""


@dataclass
class _Outage:
    """The circuit of one Redis location, shared by every thread of the process."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    down_until: float = 0.0
    down: bool = False
    last_logged: float | None = None
    skipped: int = 0


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def reset_outages() -> None:
    """Forget every outage (tests)."""
    with _outages_lock:
        _outages.clear()


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one ``redis.Redis`` per connection
    pool instead of a new one for every cache call.

    redis-py builds its table of response callbacks each time a client is
    made (about 80 microseconds here, more than a GET on loopback), and a
    page makes a dozen cache calls. A client is thread-safe: it takes a
    connection from the pool for each command (docs/performance.md).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own (undocumented, unstubbed) pool and client class.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            make = self._client  # type: ignore[attr-defined]
            client = self._clients[id(pool)] = make(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose connection errors are misses and no-ops, behind a circuit."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedRedisCacheClient
        self._outage = _outage_for(str(server))

    def validate_key(self, key: Any) -> None:
        """Nothing to check: Django's base class warns of keys memcached
        would refuse (over 250 characters, spaces, control characters), on
        every call, a character at a time; Redis keys are binary-safe and
        the console's are hashes or fixed names. About 1.4 % of a cold
        page's request thread (docs/performance.md)."""

    # --- the circuit -------------------------------------------------------

    def _may_try(self) -> bool:
        outage = self._outage
        with outage.lock:
            if not outage.down:
                return True
            now = time.monotonic()
            if now < outage.down_until:
                outage.skipped += 1
                return False
            # One trial call; the others keep skipping until it answers.
            outage.down_until = now + self.retry_after
            return True

    def _failed(self, exc: Exception) -> None:
        outage = self._outage
        with outage.lock:
            now = time.monotonic()
            outage.down = True
            outage.down_until = now + self.retry_after
            outage.skipped += 1
            if outage.last_logged is not None and now - outage.last_logged < LOG_EVERY:
                return
            outage.last_logged = now
            skipped, outage.skipped = outage.skipped, 0
        # The class only: the message may name the host.
        logger.warning(
            "Redis cache unreachable (%s): serving without it; "
            "%d cache calls went without Redis since the last warning.",
            type(exc).__name__,
            skipped,
        )

    def _answered(self) -> None:
        outage = self._outage
        if not outage.down:
            return
        with outage.lock:
            was_down, outage.down, outage.skipped = outage.down, False, 0
            outage.last_logged = None
        if was_down:
            logger.warning("Redis cache reachable again.")

    def run(self, call: Callable[[], T]) -> T:
        """Run ``call`` (that talks to Redis) through the circuit; raise
        CacheUnavailable when Redis is down, so the caller can fall back."""
        if not self._may_try():
            raise CacheUnavailable
        try:
            result = call()
        except OUTAGE_ERRORS as exc:
            self._failed(exc)
            raise CacheUnavailable from exc
        self._answered()
        return result

    def _or(self, default: T, call: Callable[[], T]) -> T:
        try:
            return self.run(call)
        except CacheUnavailable:
            return default

    def redis_client(self) -> redis.Redis:
        """The client for writes (the rate limiter's script)."""
        client: redis.Redis = self._cache.get_client(None, write=True)  # type: ignore[attr-defined]
        return client

    # --- the cache's values in commands of one's own ----------------------
    # For callers that read or write cache entries in the same round trip as
    # other commands (interactions/shared_flight.py): the same keys and
    # encoding as ``get_many`` and ``set_many``.

    def redis_key(self, key: Any) -> str:
        """The key Redis holds for the cache key ``key`` (prefix, version)."""
        return self.make_and_validate_key(key)

    def decode(self, raw: bytes) -> Any:
        """A value as ``get`` returns it, from the bytes Redis holds."""
        return self._cache._serializer.loads(raw)  # type: ignore[attr-defined]

    def queue_set_many(
        self, pipeline: Any, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT
    ) -> None:
        """What ``set_many(data, timeout)`` writes, queued on ``pipeline``:
        one SET with its expiry per key, so no key is ever seen without one."""
        seconds = self.get_backend_timeout(timeout)
        serializer = self._cache._serializer  # type: ignore[attr-defined]
        for key, value in data.items():
            redis_key = self.make_and_validate_key(key)
            if seconds == 0:
                pipeline.delete(redis_key)
            else:
                pipeline.set(redis_key, serializer.dumps(value), ex=seconds)

    # --- Django's cache API, degraded --------------------------------------

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._or(
            True,
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._or(
            default, lambda: super(ResilientRedisCache, self).get(key, default, version)
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._or(
            None,
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
        )

    def touch(
        self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._or(
            False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._or(
            False, lambda: super(ResilientRedisCache, self).delete(key, version)
        )

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._or(
            {}, lambda: super(ResilientRedisCache, self).get_many(keys, version)
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._or(
            False, lambda: super(ResilientRedisCache, self).has_key(key, version)
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        try:
            return self.run(
                lambda: super(ResilientRedisCache, self).incr(key, delta, version)
            )
        except CacheUnavailable:
            raise ValueError(f"Key '{key}' not found.") from None

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return self._or(
            list(data),
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
        )

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        self._or(
            None, lambda: super(ResilientRedisCache, self).delete_many(keys, version)
        )

    def clear(self) -> None:
        self._or(None, lambda: super(ResilientRedisCache, self).clear())
