"""Running independent upstream calls together: thread pools, de-duplication.

One page needs several upstream calls (summary, full flow, each variable
set) that do not depend on each other; they run in parallel here and each
comes back with its own value or error. Concurrent identical fetches in one
process wait for the first instead of calling again.

Each call runs in a copy of the caller's context, so the request ID
(``xplatform.context``) reaches the pooled threads: their log lines and
upstream calls carry the ID of the request they work for.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings

from interactions import metrics
from interactions.interaction import Part
from interactions.xplatform.errors import XPlatformError

T = TypeVar("T")

_executor_lock = threading.Lock()
_executors: dict[str, ThreadPoolExecutor] = {}


def pool(name: str = "calls") -> ThreadPoolExecutor:
    """A shared thread pool. "calls" runs single upstream calls and never
    waits on anything; "fetches" runs whole fetches, which wait on "calls".
    Keeping the two apart means a full pool can never deadlock on itself.
    """
    with _executor_lock:
        if name not in _executors:
            _executors[name] = ThreadPoolExecutor(
                max_workers=settings.XPC_UPSTREAM_POOL_SIZE,
                thread_name_prefix=f"xplatform-{name}",
            )
        return _executors[name]


class SingleFlight:
    """Collapse concurrent identical calls in this process into one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, Future[Any]] = {}

    def run(self, key: str, fn: Callable[[], T]) -> T:
        with self._lock:
            future = self._calls.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._calls[key] = future
        metrics.single_flight(leader=owner)
        if not owner:
            result: T = future.result()
            return result
        try:
            value = fn()
        except BaseException as exc:
            future.set_exception(exc)
            raise
        else:
            future.set_result(value)
            return value
        finally:
            with self._lock:
                self._calls.pop(key, None)


flights = SingleFlight()


def gather(
    calls: dict[str, Callable[[], Any]], *, pool_name: str = "calls"
) -> dict[str, Part[Any]]:
    """Run independent upstream calls in parallel; each gets its own Part."""
    # One copy per call: a context can be entered by one thread at a time.
    futures = {
        name: pool(pool_name).submit(contextvars.copy_context().run, fn)
        for name, fn in calls.items()
    }
    results: dict[str, Part[Any]] = {}
    for name, future in futures.items():
        try:
            results[name] = Part(value=future.result())
        except XPlatformError as exc:
            results[name] = Part(error=exc)
    return results
