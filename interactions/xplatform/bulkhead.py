"""Bulkheads: a bounded number of concurrent upstream calls per account.

One account's slow X-Platform must not occupy the threads and connections
another account needs (issue 10). Every upstream call holds one of its
account's ``CallPolicy.per_account`` slots while it runs; a call that
finds none free within a short wait is refused with ``XPlatformBusy``
before anything is sent, and holds no thread while refused.

``fanout.gather`` takes the slots in the caller's thread *before* it hands
a call to the shared pool, so a pool thread only ever runs a call that
already holds its slot: at most ``per_account`` of the pool's threads work
for one account. Calls made outside ``gather`` (photos, lookups) take their
slot in ``client.XPlatformClient._get``. A context variable tells ``_get``
that its call already holds one, so each call is counted once.

Per process: each gunicorn process has its own pool and its own slots.
Plain Python: the client knows no Django.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Final

from .config import AccountConfig
from .context import current_deadline
from .errors import XPlatformBusy
from .observe import call_refused

__all__ = [
    "Bulkhead",
    "bulkhead_for",
    "clear_bulkheads",
    "holding_slot",
    "slot_held",
    "wait_until",
]

logger = logging.getLogger(__name__)

# How long a call may wait for a free slot of its account before it is
# refused: long enough to smooth two agents opening pages at once, short
# enough that a saturated account fails fast.
SLOT_WAIT: Final = 0.5

_held: ContextVar[bool] = ContextVar("xpc_bulkhead_slot_held", default=False)


class Bulkhead:
    """The concurrent-call slots of one account in this process."""

    def __init__(self, key: str, size: int, label: str = "") -> None:
        self.key = key
        self.size = size
        self.label = label or key
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self.in_use = 0
        self.refused = 0

    def acquire(self, wait: float = SLOT_WAIT) -> None:
        """Take a slot, waiting at most ``wait`` s (and never past the
        request deadline); raise XPlatformBusy when none came free."""
        deadline = current_deadline()
        if deadline is not None:
            wait = min(wait, deadline.remaining())
        if not self._slots.acquire(timeout=max(0.0, wait)):
            with self._lock:
                self.refused += 1
            logger.warning(
                "upstream call refused: account=%s has its %d concurrent calls running",
                self.label,
                self.size,
                extra={"event": "upstream_busy", "account": self.label},
            )
            call_refused(self.label)
            raise XPlatformBusy()
        with self._lock:
            self.in_use += 1

    def release(self) -> None:
        with self._lock:
            self.in_use -= 1
        self._slots.release()

    @contextlib.contextmanager
    def slot(self, wait: float = SLOT_WAIT) -> Iterator[None]:
        """Hold a slot for the code inside (see ``acquire``)."""
        self.acquire(wait)
        try:
            yield
        finally:
            self.release()


_lock = threading.Lock()
_bulkheads: dict[tuple[str, int], Bulkhead] = {}


def _key(account: AccountConfig) -> str:
    # Per account: one X-Platform account is its base URL and account ID
    # (two console accounts configured alike share their slots).
    return f"{account.base_url}|{account.account_id}"


def bulkhead_for(account: AccountConfig, size: int) -> Bulkhead:
    """The shared bulkhead of an account (one per size, so a changed
    setting takes effect)."""
    key = (_key(account), size)
    with _lock:
        bulkhead = _bulkheads.get(key)
        if bulkhead is None:
            bulkhead = _bulkheads[key] = Bulkhead(
                key[0], size, account.slug or account.account_id
            )
        return bulkhead


def clear_bulkheads() -> None:
    """Forget every bulkhead (tests)."""
    with _lock:
        _bulkheads.clear()


def slot_held() -> bool:
    """Whether the code running holds a slot taken by ``fanout.gather``."""
    return _held.get()


@contextlib.contextmanager
def holding_slot() -> Iterator[None]:
    """Mark the code inside as running under a slot already taken."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def wait_until(started: float, wait: float = SLOT_WAIT) -> float:
    """What is left of one shared wait of ``wait`` s begun at ``started``."""
    return max(0.0, started + wait - time.monotonic())
