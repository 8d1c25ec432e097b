"""The request ID of the work in progress, for log lines and upstream calls.

The console's request middleware binds the ID of each incoming request here;
the client sends it upstream as ``X-Request-ID`` on every call and the log
filter writes it on every line (docs/deployment.md, "Logs and metrics").
A context variable, not a thread-local: ``fanout`` runs upstream calls in
pooled threads with a copy of the caller's context, so they carry the ID of
the request they work for. Plain Python, so the client stays independent of
Django (docs/architecture.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["bound_request_id", "current_request_id"]

_request_id: ContextVar[str | None] = ContextVar("xpc_request_id", default=None)


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
