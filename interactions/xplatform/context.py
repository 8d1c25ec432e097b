"""The request ID and the request deadline of the work in progress.

The console's request middleware binds the ID of each incoming request here;
the client sends it upstream as ``X-Request-ID`` on every call and the log
filter writes it on every line (docs/deployment.md, "Logs and metrics").
A context variable, not a thread-local: ``fanout`` runs upstream calls in
pooled threads with a copy of the caller's context, so they carry the ID of
the request they work for. Plain Python, so the client stays independent of
Django (docs/architecture.md).

The request deadline (``bound_deadline``) is the moment by which the
request must have its upstream answers (issue 10, "one deadline per
request"): ``fanout.gather`` waits for parts at most until then, and each
upstream call's own deadline is cut to it, so a call that waited for a
thread gets less time, never more.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = [
    "Deadline",
    "bound_deadline",
    "bound_request_id",
    "current_deadline",
    "current_request_id",
]

_request_id: ContextVar[str | None] = ContextVar("xpc_request_id", default=None)


@dataclass(frozen=True)
class Deadline:
    """When the request's time runs out (``time.monotonic``) and its budget."""

    at: float
    seconds: float

    def remaining(self) -> float:
        """Seconds left; zero or less once it has passed."""
        return self.at - time.monotonic()


_deadline: ContextVar[Deadline | None] = ContextVar("xpc_deadline", default=None)


def current_request_id() -> str | None:
    """The ID bound by the innermost ``bound_request_id``, if any."""
    return _request_id.get()


@contextlib.contextmanager
def bound_request_id(value: str) -> Iterator[None]:
    """Bind ``value`` as the request ID for the code run inside."""
    token = _request_id.set(value)
    try:
        yield
    finally:
        _request_id.reset(token)


def current_deadline() -> Deadline | None:
    """The deadline bound by the innermost ``bound_deadline``, if any."""
    return _deadline.get()


@contextlib.contextmanager
def bound_deadline(seconds: float) -> Iterator[Deadline]:
    """Give the code run inside ``seconds`` from now for its upstream work.

    An inner binding never extends an outer one: it is the earlier of the two.
    """
    outer = _deadline.get()
    deadline = Deadline(time.monotonic() + seconds, seconds)
    if outer is not None and outer.at <= deadline.at:
        deadline = outer
    token = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(token)
