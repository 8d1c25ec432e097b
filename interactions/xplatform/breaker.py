"""The circuit breaker of X-Platform calls (docs/security.md R-HTTP-04).

One breaker per base URL and process, shared by every client of that URL:
after ``CallPolicy.breaker_fail_max`` failures in a row it refuses calls for
``breaker_reset_timeout`` seconds. Only timeouts, connection errors and 5xx
count as failures. ``Breaker`` wraps pybreaker without holding its lock
during the request; ``breaker_for`` and ``clear_breakers`` keep the
per-process registry. Depends only on ``config`` and ``errors``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import UTC, datetime, timedelta

import pybreaker

from .config import CallPolicy
from .errors import XPlatformError, XPlatformUnavailable
from .observe import breaker_changed

__all__ = ["Breaker", "breaker_for", "breaker_states", "clear_breakers"]

logger = logging.getLogger(__name__)


class _BreakerLogger(pybreaker.CircuitBreakerListener):
    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        logger.warning(
            "X-Platform circuit breaker for %s: %s -> %s",
            cb.name,
            old_state.name if old_state else None,
            new_state.name,
        )
        breaker_changed(str(cb.name), str(new_state.name))


def _counts_as_failure(exc: BaseException) -> bool:
    # Timeouts, connection errors and 5xx count; 4xx (including 429) and bad
    # payloads do not: the server is up (R-HTTP-04).
    return isinstance(exc, XPlatformUnavailable) and (
        exc.status is None or exc.status >= 500
    )


class Breaker:
    """A pybreaker breaker used without holding its lock during the request.

    ``CircuitBreaker.call`` keeps a lock for the whole call, which would
    serialise every upstream request of a base URL. The request therefore
    runs outside, and its outcome is replayed through ``call``.
    """

    def __init__(self, name: str, policy: CallPolicy) -> None:
        self.reset_timeout = policy.breaker_reset_timeout
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=policy.breaker_fail_max,
            reset_timeout=policy.breaker_reset_timeout,
            exclude=[lambda exc: not _counts_as_failure(exc)],
            listeners=[_BreakerLogger()],
            name=name,
        )
        breaker_changed(name, str(self.breaker.current_state))

    def is_refusing(self) -> bool:
        """True while open and the reset timeout has not elapsed."""
        if self.breaker.current_state != pybreaker.STATE_OPEN:
            return False
        # pybreaker keeps no public accessor for the opening time.
        opened_at = self.breaker._state_storage.opened_at
        return opened_at is not None and datetime.now(UTC) < opened_at + timedelta(
            seconds=self.reset_timeout
        )

    def state(self) -> str:
        """closed, open (refusing calls) or half-open (the next call is a trial)."""
        if self.is_refusing():
            return "open"
        if self.breaker.current_state == pybreaker.STATE_CLOSED:
            return "closed"
        return "half-open"  # half-open, or open with its reset timeout passed

    def record(self, outcome: XPlatformError | None) -> None:
        """Count the outcome of a call made outside the breaker (None: success)."""

        def replay() -> None:
            if outcome is not None:
                raise outcome

        with contextlib.suppress(pybreaker.CircuitBreakerError, XPlatformError):
            self.breaker.call(replay)


_registry_lock = threading.Lock()
_breakers: dict[str, Breaker] = {}


def breaker_for(base_url: str, policy: CallPolicy) -> Breaker:
    """Return the breaker of ``base_url``, created with ``policy`` on first use."""
    # Per process; pybreaker's CircuitRedisStorage could share the state via
    # REDIS_URL (R-HTTP-04), which is not wired up yet.
    with _registry_lock:
        breaker = _breakers.get(base_url)
        if breaker is None:
            breaker = _breakers[base_url] = Breaker(base_url, policy)
        return breaker


def breaker_states() -> dict[str, str]:
    """The state of each breaker of this process, by base URL."""
    with _registry_lock:
        breakers = dict(_breakers)
    return {base_url: breaker.state() for base_url, breaker in breakers.items()}


def clear_breakers() -> None:
    """Forget every breaker (through ``client.clear_clients``, for tests)."""
    with _registry_lock:
        _breakers.clear()
