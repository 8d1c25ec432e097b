"""Clocks for the simulator's data: the wall clock for the demo, a manual one for tests.

Only the seeded data follows the clock (page times, the live interaction,
the 24-hour ``widerSearch=false`` window). Fault delays (latency, hang,
trickle) always use real time, because they exist to exercise the console's
socket timeouts.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

__all__ = ["DEFAULT_START", "Clock", "ManualClock", "SystemClock"]

# 2025-06-02T13:00:00Z (09:00 in New York, 14:00 in London): a fixed start
# makes every timestamp the simulator serves under a ManualClock reproducible.
DEFAULT_START = 1_748_869_200.0


class Clock(Protocol):
    """What the simulator needs from a clock (epoch seconds)."""

    @property
    def started_at(self) -> float:
        """The simulator's start; seeded page times are relative to it."""
        ...

    def now(self) -> float:
        """The current time."""
        ...


class SystemClock:
    """The wall clock; the simulator "starts" when the clock is created."""

    def __init__(self) -> None:
        self._started_at = time.time()

    @property
    def started_at(self) -> float:
        return self._started_at

    def now(self) -> float:
        return time.time()


class CyclingClock:
    """The wall clock with the simulator's start moved on every ``cycle`` seconds.

    For the demo: every interaction keeps its age relative to now, and the
    live interaction starts again each cycle, so someone who opens the demo
    late still sees one advancing.
    """

    def __init__(self, cycle: float) -> None:
        if cycle <= 0:
            raise ValueError("cycle must be positive")
        self._origin = time.time()
        self._cycle = cycle

    @property
    def started_at(self) -> float:
        cycles = (time.time() - self._origin) // self._cycle
        return self._origin + cycles * self._cycle

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to; thread-safe.

    ``now()`` starts equal to ``started_at`` so that a fresh simulator always
    shows the same data.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._started_at = start
        self._now = start
        self._lock = threading.Lock()

    @property
    def started_at(self) -> float:
        return self._started_at

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward (or back, with a negative value); return now."""
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, epoch_seconds: float) -> None:
        """Jump to an absolute time."""
        with self._lock:
            self._now = epoch_seconds

    def elapsed(self) -> float:
        """Seconds since the simulator's start."""
        with self._lock:
            return self._now - self._started_at
