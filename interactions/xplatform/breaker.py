"""The circuit breakers of X-Platform calls (docs/security.md R-HTTP-04).

One breaker per account (base URL and account ID) and method group:
``required`` (unique-ID lookups, full flow, summary) and ``optional``
(variable sets, photos), so a failing optional part never stops the
required parts of its account, and one account never stops another. After
``CallPolicy.breaker_fail_max`` failures in a row a breaker refuses calls
for ``breaker_reset_timeout`` seconds; then it is half-open and lets ONE
trial call through while the others keep failing fast; the trial's success
closes it, its failure opens it again. Only timeouts, connection errors and
5xx count as failures.

The state lives in a ``BreakerStore``: ``MemoryStore`` (per process, the
default) or ``RedisStore`` (every process shares it; the console installs
it with ``set_store`` when REDIS_URL is set, see ``interactions.breakers``).
A Redis store falls back to its own per-process state while Redis cannot be
reached. Depends only on ``config``, ``errors`` and ``observe``; never on
Django.

Round trips (docs/performance.md): with Redis, asking a closed breaker is
one read of its failure count and its "tripped" flag, and a success on a
breaker that had counted no failure when the call was admitted writes
nothing: the success is counted at the admission, a moment inside the call,
so a concurrent failure recorded meanwhile counts as coming after it (in a
row with the failures that follow) instead of being reset. ``ReadAhead``
lets a caller read closed breakers in a round trip it makes anyway, just
before its calls (``interactions/upstream.py`` reads them with the cache).
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from .config import CallPolicy
from .errors import XPlatformError, XPlatformUnavailable

__all__ = [
    "Admission",
    "Breaker",
    "BreakerKey",
    "BreakerStore",
    "Group",
    "MemoryStore",
    "ReadAhead",
    "RedisStore",
    "breaker_for",
    "breaker_states",
    "clear_breakers",
    "group_of",
    "set_store",
]

T = TypeVar("T")

logger = logging.getLogger(__name__)


class Group(enum.StrEnum):
    """The method groups of one account, each with its own breaker."""

    REQUIRED = "required"
    OPTIONAL = "optional"


def group_of(endpoint: str) -> Group:
    """Variable sets and photos are optional; every other method is required."""
    if endpoint.startswith("photo") or "variableSet" in endpoint:
        return Group.OPTIONAL
    return Group.REQUIRED


@dataclass(frozen=True)
class BreakerKey:
    base_url: str
    account_id: str
    group: Group

    @property
    def name(self) -> str:
        """A stable opaque name (the Redis key part); holds no URL."""
        raw = f"{self.base_url}|{self.account_id}|{self.group.value}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


class Decision(enum.StrEnum):
    CALL = "call"  # closed: call
    CLEAN = "clean"  # closed, no failure counted: call; a success changes nothing
    TRIAL = "trial"  # half-open: this caller makes the one trial call
    REFUSE = "refuse"  # open, or half-open with a trial under way


class BreakerStore(Protocol):
    """Where breaker states live; every operation is atomic per key."""

    def decide(self, key: BreakerKey, trial_ttl: float) -> Decision: ...

    def failure(
        self, key: BreakerKey, trial: bool, fail_max: int, reset: float
    ) -> bool:
        """Count a failure; True when it opened the breaker."""
        ...

    def success(self, key: BreakerKey, trial: bool) -> bool:
        """Count a success; True when it closed the breaker."""
        ...

    def state(self, key: BreakerKey) -> str: ...

    def clear(self) -> None: ...


@dataclass
class _Local:
    failures: int = 0
    open_until: float | None = None  # monotonic; None: closed
    trial_until: float = 0.0


@dataclass
class MemoryStore:
    """Breaker states of this process."""

    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _states: dict[BreakerKey, _Local] = field(default_factory=dict)

    def _get(self, key: BreakerKey) -> _Local:
        return self._states.setdefault(key, _Local())

    def decide(self, key: BreakerKey, trial_ttl: float) -> Decision:
        with self._lock:
            local, now = self._get(key), self.clock()
            if local.open_until is None:
                return Decision.CALL
            if now < local.open_until or now < local.trial_until:
                return Decision.REFUSE
            local.trial_until = now + trial_ttl
            return Decision.TRIAL

    def failure(
        self, key: BreakerKey, trial: bool, fail_max: int, reset: float
    ) -> bool:
        with self._lock:
            local = self._get(key)
            if local.open_until is not None and not trial:
                return False  # a late answer of a call made before it opened
            local.failures += 1
            if trial or local.failures >= fail_max:
                local.open_until = self.clock() + reset
                local.trial_until = 0.0
                local.failures = 0
                return True
            return False

    def success(self, key: BreakerKey, trial: bool) -> bool:
        with self._lock:
            local = self._get(key)
            if local.open_until is not None and not trial:
                return False
            closed = local.open_until is not None
            self._states[key] = _Local()
            return closed

    def state(self, key: BreakerKey) -> str:
        with self._lock:
            local = self._states.get(key)
            if local is None or local.open_until is None:
                return "closed"
            return "open" if self.clock() < local.open_until else "half-open"

    def clear(self) -> None:
        with self._lock:
            self._states.clear()


# Redis: <prefix>:<name>:f failures in a row, :o set while refusing (expires
# after the reset timeout), :t tripped (open or half-open), :trial the token
# of the one trial call.
_FAILURE = """
if redis.call('EXISTS', KEYS[3]) == 1 and ARGV[1] == '0' then return 0 end
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ARGV[1] == '1' or n >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[4])
  redis.call('DEL', KEYS[1], KEYS[4])
  return 1
end
return 0
"""
_SUCCESS = """
if redis.call('EXISTS', KEYS[3]) == 1 and ARGV[1] == '0' then return 0 end
local tripped = redis.call('EXISTS', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return tripped
"""
# A tripped breaker is forgotten after a day without any call.
_TRIPPED_TTL_MS = 24 * 3600 * 1000


class RedisStore:
    """Breaker states shared through Redis, falling back to ``fallback``.

    ``client`` returns a redis client; ``run`` runs a call to Redis and
    raises ``unavailable`` when Redis cannot be reached (the console passes
    ``ResilientRedisCache.run`` and ``CacheUnavailable``), so a Redis outage
    leaves every process with its own breakers instead of failing calls.
    """

    def __init__(
        self,
        client: Callable[[], Any],
        *,
        run: Callable[[Callable[[], Any]], Any] | None = None,
        unavailable: type[Exception] | tuple[type[Exception], ...] = (),
        prefix: str = "xpc:breaker",
        fallback: MemoryStore | None = None,
    ) -> None:
        self._client = client
        self._run = run or (lambda call: call())
        self._unavailable = unavailable
        self._prefix = prefix
        self.fallback = fallback or MemoryStore()

    def _keys(self, key: BreakerKey) -> list[str]:
        base = f"{self._prefix}:{key.name}"
        return [f"{base}:f", f"{base}:o", f"{base}:t", f"{base}:trial"]

    def closed_keys(self, key: BreakerKey) -> list[str]:
        """The keys whose values ``closed_decision`` reads (failures, tripped)."""
        failures, _, tripped, _ = self._keys(key)
        return [failures, tripped]

    @staticmethod
    def closed_decision(failures: Any, tripped: Any) -> Decision | None:
        """CALL or CLEAN from the values of ``closed_keys``; None when the
        breaker is tripped (open or half-open: only ``decide`` may answer)."""
        if tripped is not None:
            return None
        return Decision.CALL if failures is not None else Decision.CLEAN

    def _or(self, call: Callable[[], T], local: Callable[[], T]) -> T:
        try:
            result: T = self._run(call)
        except self._unavailable:
            return local()
        return result

    def decide(self, key: BreakerKey, trial_ttl: float) -> Decision:
        _, refusing, _, trial = self._keys(key)

        def remote() -> Decision:
            client = self._client()
            # Closed (the usual case) costs one round trip.
            closed = self.closed_decision(*client.mget(self.closed_keys(key)))
            if closed is not None:
                return closed
            if client.exists(refusing):
                return Decision.REFUSE
            token = client.set(trial, "1", nx=True, px=max(1, int(trial_ttl * 1000)))
            return Decision.TRIAL if token else Decision.REFUSE

        return self._or(remote, lambda: self.fallback.decide(key, trial_ttl))

    def failure(
        self, key: BreakerKey, trial: bool, fail_max: int, reset: float
    ) -> bool:
        args = ["1" if trial else "0", fail_max, max(1, int(reset * 1000))]
        args.append(_TRIPPED_TTL_MS)
        return self._or(
            lambda: bool(self._client().eval(_FAILURE, 4, *self._keys(key), *args)),
            lambda: self.fallback.failure(key, trial, fail_max, reset),
        )

    def success(self, key: BreakerKey, trial: bool) -> bool:
        args = ["1" if trial else "0"]
        return self._or(
            lambda: bool(self._client().eval(_SUCCESS, 4, *self._keys(key), *args)),
            lambda: self.fallback.success(key, trial),
        )

    def state(self, key: BreakerKey) -> str:
        _, refusing, tripped, _ = self._keys(key)

        def remote() -> str:
            client = self._client()
            if not client.exists(tripped):
                return "closed"
            return "open" if client.exists(refusing) else "half-open"

        return self._or(remote, lambda: self.fallback.state(key))

    def clear(self) -> None:
        """Forget the shared states under this prefix too (tests, operators)."""
        self.fallback.clear()

        def remote() -> None:
            client = self._client()
            keys = list(client.scan_iter(match=f"{self._prefix}:*", count=500))
            if keys:
                client.delete(*keys)

        self._or(remote, lambda: None)


def _counts_as_failure(exc: BaseException) -> bool:
    # Timeouts, connection errors and 5xx count; 4xx (including 429) and bad
    # payloads do not: the server is up (R-HTTP-04).
    return isinstance(exc, XPlatformUnavailable) and (
        exc.status is None or exc.status >= 500
    )


@dataclass(frozen=True)
class Admission:
    """How a call was let through; ``Breaker.record`` takes it back."""

    trial: bool = False  # the one trial call of a half-open breaker
    clean: bool = False  # closed with no failure counted: a success writes nothing


class Breaker:
    """The breaker of one account and method group, over the shared store."""

    def __init__(self, key: BreakerKey, policy: CallPolicy) -> None:
        self.key = key
        self.fail_max = policy.breaker_fail_max
        self.reset_timeout = policy.breaker_reset_timeout
        # The trial token outlives the longest call, then frees itself.
        self.trial_ttl = max(policy.deadline, policy.breaker_reset_timeout)
        # Failures this process recorded: a state read ahead before one of
        # them no longer admits (``ReadAhead``).
        self.failures_seen = 0

    def enter(self) -> Admission | None:
        """None: refuse the call; otherwise pass the admission to ``record``."""
        ahead = _read_ahead.get()
        decision = ahead.decision(self) if ahead is not None else None
        if decision is None:
            decision = _store.decide(self.key, self.trial_ttl)
        if decision is Decision.REFUSE:
            return None
        return Admission(
            trial=decision is Decision.TRIAL, clean=decision is Decision.CLEAN
        )

    def admit(self) -> bool | None:
        """None: refuse the call; False: an ordinary call; True: the trial."""
        admission = self.enter()
        return None if admission is None else admission.trial

    def is_refusing(self) -> bool:
        """True while open and the reset timeout has not elapsed."""
        return self.state() == "open"

    def state(self) -> str:
        """closed, open (refusing calls) or half-open (the next call is a trial)."""
        return _store.state(self.key)

    def record(
        self,
        outcome: XPlatformError | None,
        *,
        trial: bool = False,
        clean: bool = False,
    ) -> None:
        """Count the outcome of a call (None: success); ``trial`` and
        ``clean`` as its ``Admission`` said."""
        if outcome is None:
            if clean and not trial:
                return  # nothing to reset: counted at the admission
            changed = _store.success(self.key, trial)
            if changed:
                _changed(self.key, "closed")
        elif _counts_as_failure(outcome):
            self.failures_seen += 1
            if _store.failure(self.key, trial, self.fail_max, self.reset_timeout):
                _changed(self.key, "open")
        elif trial and _store.success(self.key, trial):
            # The server answered (4xx): it is up.
            _changed(self.key, "closed")


_store_lock = threading.Lock()
_store: BreakerStore = MemoryStore()
_registry_lock = threading.Lock()
_breakers: dict[BreakerKey, Breaker] = {}

# How long a closed state read ahead admits calls without asking again.
AHEAD_SECONDS = 0.25


class ReadAhead:
    """Closed breakers read in a round trip the caller makes anyway.

    ``keys()`` names what to read along with the caller's own keys (in the
    same Redis command); ``admitting(values, at)`` then lets the calls made
    in its block (and in the threads ``fanout.gather`` starts from it, which
    copy the context) through without asking Redis again, as if each had
    asked at ``at``. Only a closed breaker is admitted this way, only for
    ``AHEAD_SECONDS`` after the read, and not after this process recorded a
    failure on it since: anything else (open, half-open and its one trial,
    another store installed) is asked of the store as usual.
    """

    def __init__(self, store: RedisStore, breakers: Sequence[Breaker]) -> None:
        self.store = store
        self.breakers = tuple(breakers)
        # Taken before the read: a failure recorded while it is under way
        # already voids it.
        self._seen = {b.key: b.failures_seen for b in self.breakers}
        self._decisions: dict[BreakerKey, tuple[Decision, int]] = {}
        self._until = 0.0

    def keys(self) -> list[str]:
        return [k for b in self.breakers for k in self.store.closed_keys(b.key)]

    @contextlib.contextmanager
    def admitting(self, values: Sequence[Any], at: float) -> Iterator[None]:
        """``values``: what Redis held under ``keys()``, read at ``at``
        (``time.monotonic``)."""
        self._until = at + AHEAD_SECONDS
        for number, breaker in enumerate(self.breakers):
            failures, tripped = values[2 * number : 2 * number + 2]
            decision = RedisStore.closed_decision(failures, tripped)
            if decision is not None:
                self._decisions[breaker.key] = (decision, self._seen[breaker.key])
        token = _read_ahead.set(self)
        try:
            yield
        finally:
            _read_ahead.reset(token)

    def decision(self, breaker: Breaker) -> Decision | None:
        if _store is not self.store or time.monotonic() > self._until:
            return None
        known = self._decisions.get(breaker.key)
        if known is None or known[1] != breaker.failures_seen:
            return None
        return known[0]


_read_ahead: contextvars.ContextVar[ReadAhead | None] = contextvars.ContextVar(
    "xpc_breaker_read_ahead", default=None
)


def read_ahead(breakers: Sequence[Breaker]) -> ReadAhead | None:
    """A ``ReadAhead`` of these breakers; None when their states are not in
    Redis (asking the per-process store costs no round trip)."""
    store = _store
    return ReadAhead(store, breakers) if isinstance(store, RedisStore) else None


def set_store(store: BreakerStore | None) -> BreakerStore:
    """Use ``store`` for every breaker (None: a fresh per-process store)."""
    global _store
    with _store_lock:
        _store = store if store is not None else MemoryStore()
        return _store


def current_store() -> BreakerStore:
    return _store


def _changed(key: BreakerKey, state: str) -> None:
    logger.warning(
        "X-Platform circuit breaker of account %s (%s calls) is now %s",
        key.account_id,
        key.group.value,
        state,
    )


def breaker_for(
    base_url: str, account_id: str, group: Group | str, policy: CallPolicy
) -> Breaker:
    """The breaker of one account and method group, made on first use."""
    key = BreakerKey(base_url, account_id, Group(group))
    with _registry_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = _breakers[key] = Breaker(key, policy)
    return breaker


def breaker_state(base_url: str, account_id: str, group: Group | str) -> str:
    """The state of one account's group, known to this process or not."""
    return _store.state(BreakerKey(base_url, account_id, Group(group)))


def breaker_states() -> dict[BreakerKey, str]:
    """The state of each breaker this process has used, by key."""
    with _registry_lock:
        keys = list(_breakers)
    return {key: _store.state(key) for key in keys}


def clear_breakers() -> None:
    """Forget every breaker and per-process state (through ``clear_clients``)."""
    with _registry_lock:
        _breakers.clear()
    _store.clear()
