"""Running independent upstream calls together: thread pools, de-duplication.

One page needs several upstream calls (summary, full flow, each variable
set) that do not depend on each other; they run in parallel here and each
comes back with its own value or error. Concurrent identical fetches in one
process wait for the first instead of calling again.

Each call runs in a copy of the caller's context, so the request ID
(``xplatform.context``) reaches the pooled threads: their log lines and
upstream calls carry the ID of the request they work for.

One deadline per request (issue 10): ``gather`` waits for its parts at most
until the request deadline (``xplatform.context.bound_deadline``, bound by
the request middleware; ``XPC_REQUEST_DEADLINE`` from the first ``gather``
when none is bound). A part not back by then becomes a timeout with a plain
message and the page is served without it; a call still queued is cancelled,
and one that a thread picks up after the deadline is not started. Each
upstream call's own deadline is cut to the request's (``xplatform.fetch``).

Bulkheads: given an account's ``bulkhead``, ``gather`` takes a slot for each
call in the caller's thread before handing it to the pool, so one account
never holds more than its share of the pool's threads; a call whose account
has no slot free within a short wait fails fast with ``XPlatformBusy``.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from django.conf import settings

from interactions import metrics
from interactions.interaction import Part
from interactions.xplatform.bulkhead import Bulkhead, holding_slot, wait_until
from interactions.xplatform.context import (
    Deadline,
    bound_deadline,
    current_deadline,
)
from interactions.xplatform.errors import XPlatformError, request_timeout

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
            deadline = current_deadline()
            try:
                result: T = future.result(
                    timeout=None if deadline is None else max(0, deadline.remaining())
                )
            except FutureTimeout:
                # The first caller's deadline is later than ours: run it
                # ourselves with the time we have left (parts past it come
                # back as timeouts, without calling upstream).
                return fn()
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


@contextlib.contextmanager
def request_deadline() -> Iterator[Deadline]:
    """The bound request deadline, or one of ``XPC_REQUEST_DEADLINE`` from now."""
    with bound_deadline(float(settings.XPC_REQUEST_DEADLINE)) as deadline:
        yield deadline


def _run(fn: Callable[[], T], deadline: Deadline, held: bool) -> T:
    """One call in a pool thread: not started once the deadline has passed."""
    if deadline.remaining() <= 0:
        raise request_timeout(deadline.seconds)
    if not held:
        return fn()
    with holding_slot():
        return fn()


def _releaser(bulkhead: Bulkhead) -> Callable[[Future[Any]], None]:
    def release(_future: Future[Any]) -> None:
        bulkhead.release()

    return release


def gather(
    calls: dict[str, Callable[[], Any]],
    *,
    pool_name: str = "calls",
    bulkhead: Bulkhead | None = None,
) -> dict[str, Part[Any]]:
    """Run independent upstream calls in parallel; each gets its own Part.

    Waits at most until the request deadline. With ``bulkhead``, each call
    holds one of the account's slots from before it is queued until it ends.
    """
    results: dict[str, Part[Any]] = {}
    with request_deadline() as deadline:
        futures: dict[str, Future[Any]] = {}
        started = time.monotonic()
        for name, fn in calls.items():
            if bulkhead is not None:
                try:
                    bulkhead.acquire(wait_until(started))
                except XPlatformError as exc:
                    results[name] = Part(error=exc)
                    continue
            # One copy per call: a context can be entered by one thread at a time.
            future = pool(pool_name).submit(
                contextvars.copy_context().run, _run, fn, deadline, bulkhead is not None
            )
            if bulkhead is not None:
                # Also when the call is cancelled before it started.
                future.add_done_callback(_releaser(bulkhead))
            futures[name] = future
        for name, future in futures.items():
            try:
                value = future.result(timeout=max(0, deadline.remaining()))
            except FutureTimeout:
                future.cancel()  # still queued: never started
                results[name] = Part(error=request_timeout(deadline.seconds))
            except XPlatformError as exc:
                results[name] = Part(error=exc)
            else:
                results[name] = Part(value=value)
    return {name: results[name] for name in calls}
