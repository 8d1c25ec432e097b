"""Cross-process single-flight through Redis (issue 10).

``fanout.SingleFlight`` collapses identical fetches within one process; this
module collapses them across every process that shares the Redis cache, so N
viewers of one interaction on any number of workers and instances cause at
most one upstream fetch per part per refresh interval.

``run(key, keys, fn, extra=...)``: one script reads the cache entries
``keys`` (and the raw Redis keys ``extra``, read at the same moment: the
breakers' states, ``xplatform.breaker.ReadAhead``) and, only when one of
``keys`` is missing, takes a short Redis lock (``SET lock token NX PX <ms>``,
the lifetime being the rest of its request deadline) in the same atomic
step. Then ``fn(read)`` runs once:

- every entry was there: no lock is taken (a cached page is one round trip);
- this process took the lock: ``fn`` fetches what is missing from
  ``read.values`` (read after the lock was taken, so whatever an earlier
  leader stored is not fetched again) and hands its cache writes to
  ``read.store``; they are sent in one pipeline with the lock's release, a
  compare-and-delete script that never removes a lock a later leader took
  after its own expired. A leader stores, then releases: the pipeline runs
  them in that order;
- another process holds the lock: poll (the same script) every
  ``POLL_SECONDS`` until every entry is there, or the lock is gone without
  them (the leader failed, or died and the lock expired) and this process
  takes it and leads. Waiting ends at the request deadline
  (``xplatform.context``); then ``fn`` runs without the lock, and past the
  deadline it starts no upstream call.

Without Redis (no ``REDIS_URL``) the entries are read with ``get_many`` and
``fn`` runs; during a Redis outage (``ResilientRedisCache.run`` raises
``CacheUnavailable``) ``fn`` runs on an empty read: the per-process
single-flight in front of this one still applies. Writes then go through
the cache as usual (``set_many``, a no-op during an outage).
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches

from interactions import metrics
from interactions.resilient_cache import CacheUnavailable, ResilientRedisCache
from interactions.xplatform.context import current_deadline

__all__ = ["POLL_SECONDS", "Read", "run"]

T = TypeVar("T")

POLL_SECONDS = 0.05
# A lock never lives shorter than this, whatever is left of the deadline.
MIN_LOCK_SECONDS = 1.0

# KEYS: the cache entries, the extra keys, the lock (last). ARGV: how many
# cache entries, the token, the lock's lifetime in ms. Returns {state,
# values}: state 2 every entry there (no lock), 1 the lock taken, 0 held by
# another.
_READ_OR_LOCK = """
local values = redis.call('MGET', unpack(KEYS, 1, #KEYS - 1))
for i = 1, tonumber(ARGV[1]) do
    if not values[i] then
        local taken = redis.call('SET', KEYS[#KEYS], ARGV[2], 'NX', 'PX', ARGV[3])
        return {taken and 1 or 0, values}
    end
end
return {2, values}
"""
_COMPLETE, _TAKEN = 2, 1

# Delete the lock only if it still holds our token.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


@dataclass
class Read:
    """One read of the cache entries (and of the extra keys), and where the
    reader's writes go."""

    values: dict[str, Any]  # the entries found, by cache key
    extra: list[Any] | None  # raw values of the extra keys; None: not read
    at: float  # time.monotonic() of the read
    # The leader's writes, sent with the lock's release; None: sent at once.
    pending: list[tuple[dict[str, Any], int]] | None = field(default=None)

    def store(self, data: dict[str, Any], timeout: int) -> None:
        """``cache.set_many(data, timeout)``; the leader's are sent with the
        lock's release, in the same round trip."""
        if not data:
            return
        if self.pending is None:
            cache.set_many(data, timeout=timeout)
        else:
            self.pending.append((data, timeout))


class _Decoded:
    """The values this process decoded lately, by the bytes Redis held.

    A cached page, a live refresh and every viewer of one interaction read
    the same bytes again and again; unpickling them was about a third of a
    cached page's read (docs/performance.md). The upstream parts are
    frozen dataclasses of tuples, so equal bytes may give the one object
    decoded first; a value that is a dict or a list (the photos' entries)
    is decoded anew every time, since a caller could change it.

    Bounded: an entry serves for ``SECONDS`` (customer data is not kept
    much past the cache entry it came from), values above ``LARGEST``
    bytes are not kept, and the memo is emptied when its bytes would pass
    ``BUDGET`` or its entries ``ENTRIES``."""

    SECONDS = 300.0
    LARGEST = 256 * 1024
    BUDGET = 16 * 1024 * 1024
    ENTRIES = 1024

    def __init__(self) -> None:
        self._values: dict[bytes, tuple[Any, float]] = {}
        self._size = 0
        self._lock = threading.Lock()

    def decode(self, backend: ResilientRedisCache, raw: bytes) -> Any:
        now = time.monotonic()
        kept = self._values.get(raw)
        if kept is not None and now - kept[1] < self.SECONDS:
            return kept[0]
        value = backend.decode(raw)
        if len(raw) <= self.LARGEST and not isinstance(value, dict | list):
            with self._lock:
                if raw not in self._values:
                    if (
                        self._size + len(raw) > self.BUDGET
                        or len(self._values) >= self.ENTRIES
                    ):
                        self._values.clear()
                        self._size = 0
                    self._size += len(raw)
                self._values[raw] = (value, now)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._size = 0


decoded = _Decoded()


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


def _read_or_lock(
    backend: ResilientRedisCache,
    keys: Sequence[str],
    extra: Sequence[str],
    lock: str,
    token: str,
    lifetime: float,
) -> tuple[int, Read]:
    redis_keys = [backend.redis_key(key) for key in keys]
    at = time.monotonic()  # before the read: its age is never understated
    state, raw = backend.run(
        lambda: backend.redis_client().eval(
            _READ_OR_LOCK,
            len(redis_keys) + len(extra) + 1,
            *redis_keys,
            *extra,
            lock,
            len(redis_keys),
            token,
            max(1, int(lifetime * 1000)),
        )
    )
    # A missing key: nil, or false when the client speaks RESP3.
    found = [None if value is None or value is False else value for value in raw]
    values = {
        key: decoded.decode(backend, value)
        for key, value in zip(keys, found, strict=False)
        if value is not None
    }
    read = Read(
        values=values,
        extra=found[len(keys) :],
        at=at,
        pending=[] if state == _TAKEN else None,
    )
    return int(state), read


def _release(
    backend: ResilientRedisCache,
    writes: list[tuple[dict[str, Any], int]],
    lock: str,
    token: str,
) -> None:
    def send() -> None:
        pipeline = backend.redis_client().pipeline(transaction=False)
        for data, timeout in writes:
            backend.queue_set_many(pipeline, data, timeout)
        pipeline.eval(_RELEASE, 1, lock, token)
        pipeline.execute()

    # During an outage the writes are lost (as ``set_many``'s would be) and
    # the lock expires on its own.
    with contextlib.suppress(CacheUnavailable):
        backend.run(send)


def run(
    key: str,
    keys: Sequence[str],
    fn: Callable[[Read], T],
    *,
    extra: Sequence[str] = (),
) -> T:
    """``fn(read)`` with the cache entries ``keys`` read; it fetches what is
    missing once across processes, and the others' ``read`` has it all."""
    backend = _backend()
    if backend is None:
        return fn(Read(values=cache.get_many(list(keys)), extra=None, at=0.0))
    lock = _lock_key(backend, key)
    token = uuid.uuid4().hex
    ends, lifetime = _budget()
    waited = False
    while True:
        try:
            state, read = _read_or_lock(backend, keys, extra, lock, token, lifetime)
        except CacheUnavailable:
            # Redis down: per-process behaviour, on an empty cache.
            return fn(Read(values={}, extra=None, at=time.monotonic()))
        if state == _COMPLETE:
            if waited:
                metrics.single_flight(leader=False, scope="shared")
            return fn(read)
        if state == _TAKEN:
            metrics.single_flight(leader=True, scope="shared")
            try:
                return fn(read)
            finally:
                _release(backend, read.pending or [], lock, token)
        if time.monotonic() >= ends:
            return fn(read)
        waited = True
        time.sleep(POLL_SECONDS)
