"""HTTP plumbing under the X-Platform client: guarded connections and sessions.

One of the few modules allowed to import ``requests`` (docs/docs/architecture.md,
docs/security.md R-HTTP-01). It holds what sits below a single call:

- the connected-address check (docs/security.md R-SSRF-03): every new
  connection compares the socket's peer with the allowed hosts before any
  byte is sent, through guarded urllib3 pool classes and ``GuardedAdapter``;
- the pool wait bounded by the deadline of the call running on the thread
  (``call_deadline``);
- ``build_session``, the pooled ``requests.Session`` of one account;
- small helpers for the call loop in ``fetch``: per-read socket timeouts,
  telling a failed connect from an interrupted one, parsing ``Retry-After``.

Depends only on ``config`` and ``hosts``.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .config import CallPolicy
from .hosts import LOOPBACK_NAMES, address_allowed

__all__ = [
    "GuardedAdapter",
    "PeerRefused",
    "build_session",
    "call_deadline",
    "is_connect_failure",
    "retry_after_seconds",
    "set_read_timeout",
]

logger = logging.getLogger(__name__)


# --- connected-address check (R-SSRF-03) -----------------------------------------


class PeerRefused(urllib3.exceptions.HTTPError):
    """The socket connected to an address the console may not call.

    Not an OSError on purpose: urllib3 and requests then re-raise it as it is
    instead of wrapping it into a retryable connection error.
    """


def _check_peer(sock: socket.socket, host: str, allowed_hosts: tuple[str, ...]) -> None:
    host = host.strip("[]").lower().rstrip(".")
    listed = {entry.strip().lower() for entry in allowed_hosts}
    # Loopback only for a loopback name listed exactly (R-SSRF-01).
    loopback_allowed = host in LOOPBACK_NAMES and host in listed
    try:
        peer = str(sock.getpeername()[0])
    except OSError:
        peer = ""
    if not address_allowed(peer, loopback_allowed=loopback_allowed):
        sock.close()
        logger.warning(
            "X-Platform connection to %s refused: connected address %s is not allowed",
            host,
            peer,
        )
        raise PeerRefused(f"connected address {peer} is not allowed")


# The deadline of the call running on this thread, for the pool wait below.
_call_deadline = threading.local()


@contextlib.contextmanager
def call_deadline(deadline: float) -> Iterator[None]:
    """Bound the wait for a pooled connection by ``deadline`` (monotonic)."""
    _call_deadline.value = deadline
    try:
        yield
    finally:
        _call_deadline.value = None


def _pool_wait(default: float) -> float:
    deadline: float | None = getattr(_call_deadline, "value", None)
    if deadline is None:
        return default
    return max(0.001, deadline - time.monotonic())


def _guarded_pool_classes(
    allowed_hosts: tuple[str, ...], pool_timeout: float
) -> dict[str, type[HTTPConnectionPool]]:
    """Pool classes whose new connections check the peer before any byte is sent."""

    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            _check_peer(sock, self.host, allowed_hosts)
            return sock

    class GuardedHTTPSConnection(HTTPSConnection):
        # Checked before the TLS handshake, so nothing goes to a refused peer.
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            _check_peer(sock, self.host, allowed_hosts)
            return sock

    class GuardedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

        # With pool_block=True urllib3 waits forever for a free connection
        # unless given a timeout, and requests never passes one: the wait
        # ends with the call's deadline.
        def _get_conn(self, timeout: float | None = None) -> Any:
            return super()._get_conn(
                _pool_wait(pool_timeout) if timeout is None else timeout
            )

    class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

        def _get_conn(self, timeout: float | None = None) -> Any:
            return super()._get_conn(
                _pool_wait(pool_timeout) if timeout is None else timeout
            )

    return {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}


class GuardedAdapter(HTTPAdapter):
    """HTTPAdapter whose connections check the connected address (R-SSRF-03)."""

    def __init__(self, policy: CallPolicy) -> None:
        # Set before super().__init__(), which calls init_poolmanager().
        self._pool_classes = _guarded_pool_classes(
            policy.allowed_hosts, policy.deadline
        )
        super().__init__(
            # One session per account talks to one host.
            pool_connections=1,
            pool_maxsize=policy.pool_size,
            pool_block=True,
            # Retries run in fetch.Fetcher.fetch, which knows the deadline
            # (R-HTTP-02: "the client runs the loop itself").
            max_retries=0,
        )

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes


# --- the session of one account -----------------------------------------------------


def build_session(
    base_url: str, policy: CallPolicy, session: requests.Session | None = None
) -> requests.Session:
    """Return ``session`` (or a new one) set up for the account at ``base_url``.

    Guarded connections for every URL, nothing taken from the environment,
    no cookies kept.
    """
    session = session or requests.Session()
    # No proxies or .netrc from the environment: a proxy would hide the
    # real peer from the address check, and .netrc could add credentials.
    session.trust_env = False
    # Shared across threads and never needed upstream.
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    adapter = GuardedAdapter(policy)
    for prefix in ("http://", "https://", base_url.rstrip("/") + "/"):
        session.mount(prefix, adapter)
    return session


# --- helpers of the call loop -------------------------------------------------------


def set_read_timeout(raw: Any, seconds: float) -> None:
    """Bound each socket read by the time left before the deadline."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(seconds, 0.001))


def is_connect_failure(exc: requests.ConnectionError) -> bool:
    """True when no connection was made, so a retry cannot duplicate a request."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def retry_after_seconds(value: str) -> float:
    """Seconds to wait for a ``Retry-After`` value (seconds or an HTTP date)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
