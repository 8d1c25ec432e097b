"""One log line and one observation per X-Platform call, at its end.

``UpstreamCall`` follows a call from ``client.XPlatformClient._get`` through
``fetch.Fetcher`` (attempts, last HTTP status) and, when it ends, logs it
once with the endpoint label (never the URL: its path may hold a phone
number), the account, the status or error kind, the attempts and the
milliseconds, and hands it to the listeners the console registers for its
metrics (``interactions.metrics``). Breaker state changes reach the same
listeners. Plain Python and stdlib logging: the client knows no Django.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .config import AccountConfig
from .context import current_request_id
from .errors import (
    XPlatformAuthError,
    XPlatformBusy,
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformTimeout,
    XPlatformUnavailable,
)

__all__ = [
    "UpstreamCall",
    "add_call_listener",
    "add_refusal_listener",
    "call_refused",
    "error_kind",
]

logger = logging.getLogger(__name__)

# The kinds of interactions/errors.py, which the client may not import; the
# access log and these lines then name a failure alike.
_KINDS: tuple[tuple[type[XPlatformError], str], ...] = (
    (XPlatformBusy, "busy"),
    (XPlatformTimeout, "timeout"),
    (XPlatformUnavailable, "unavailable"),
    (XPlatformAuthError, "bad_credentials"),
    (XPlatformNotFound, "not_found"),
    (XPlatformResponseError, "bad_response"),
)


def error_kind(error: XPlatformError) -> str:
    """A short, stable name of a client failure."""
    return next((kind for cls, kind in _KINDS if isinstance(error, cls)), "error")


@dataclass
class UpstreamCall:
    """One call to the X-Platform, from the client's ``_get`` to its end."""

    endpoint: str
    account: str
    host: str
    base_url: str
    started: float = field(default_factory=time.monotonic)
    attempts: int = 0
    status: int | None = None
    outcome: str = ""
    seconds: float = 0.0
    request_id: str | None = field(default_factory=current_request_id)

    @classmethod
    def start(cls, endpoint: str, account: AccountConfig, host: str) -> UpstreamCall:
        return cls(
            endpoint=endpoint,
            account=account.slug or account.account_id,
            host=host,
            base_url=account.base_url,
        )

    def finish(self, error: XPlatformError | None, *, refused: str = "") -> None:
        """Log the call once and tell the listeners (``refused``: not sent)."""
        self.seconds = time.monotonic() - self.started
        if error is not None and error.status is not None:
            self.status = error.status
        if refused:
            self.outcome = refused
        elif error is None:
            self.outcome = "ok"
        else:
            self.outcome = error_kind(error)
        ms = round(self.seconds * 1000)
        level = logging.INFO if self.outcome in {"ok", "not_found"} else logging.WARNING
        logger.log(
            level,
            "upstream %s account=%s host=%s status=%s outcome=%s attempts=%d ms=%d",
            self.endpoint,
            self.account,
            self.host,
            self.status if self.status is not None else "-",
            self.outcome,
            self.attempts,
            ms,
            extra={
                "event": "upstream_call",
                "upstream_method": self.endpoint,
                "account": self.account,
                "upstream_host": self.host,
                "status": self.status,
                "outcome": self.outcome,
                "error_kind": "" if self.outcome == "ok" else self.outcome,
                "attempts": self.attempts,
                "ms": ms,
            },
        )
        for listener in list(_call_listeners):
            _notify(listener, self)


CallListener = Callable[[UpstreamCall], None]
RefusalListener = Callable[[str], None]

_listeners_lock = threading.Lock()
_call_listeners: list[CallListener] = []
_refusal_listeners: list[RefusalListener] = []


def _notify(listener: Callable[..., None], *args: object) -> None:
    # An observer must never turn a good answer into a failure.
    try:
        listener(*args)
    except Exception:
        logger.exception("X-Platform call listener failed")


def add_call_listener(listener: CallListener) -> None:
    """Call ``listener`` with every finished ``UpstreamCall`` (once per listener)."""
    with _listeners_lock:
        if listener not in _call_listeners:
            _call_listeners.append(listener)


def add_refusal_listener(listener: RefusalListener) -> None:
    """Call ``listener(account)`` for each call an account's bulkhead refused."""
    with _listeners_lock:
        if listener not in _refusal_listeners:
            _refusal_listeners.append(listener)


def call_refused(account: str) -> None:
    """Tell the listeners a call of ``account`` (its label) was refused."""
    for listener in list(_refusal_listeners):
        _notify(listener, account)
