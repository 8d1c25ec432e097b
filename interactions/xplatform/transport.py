"""HTTP plumbing under the X-Platform client: the guarded connection pool.

One of the two modules that speak HTTP (with ``fetch``; docs/architecture.md,
docs/security.md R-HTTP-01, R-HTTP-03). Built directly on urllib3: the
``requests`` layer above it (request preparation, settings merging, the
cookie jar, hooks) cost as much CPU as the rest of a call and gave the
client nothing it needs (docs/performance.md, 2026-12-03). It holds what
sits below a single call:

- the connected-address check (docs/security.md R-SSRF-03): every NEW
  connection compares the socket's peer with the allowed hosts before any
  byte is sent (before the TLS handshake for https); a kept connection has
  the peer it was checked with;
- ``build_pool``, the pooled connections of one account: one host, at most
  ``CallPolicy.pool_size`` connections, the wait for a free one bounded by
  the deadline of the call running on the thread (``call_deadline``), a
  connection unused for ``CallPolicy.idle_timeout`` closed rather than
  reused (servers and load balancers close idle ones, and a request sent as
  they do fails); certificates verified against the CA bundle requests uses
  (certifi); no proxy, no ``.netrc``, no cookies: urllib3 reads no
  environment and keeps no cookies;
- small helpers for the call loop in ``fetch``: per-read socket timeouts and
  parsing ``Retry-After``.

Depends only on ``config`` and ``hosts``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import urllib3
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import parse_url
from urllib3.util.ssl_ import create_urllib3_context

from .config import CallPolicy
from .hosts import LOOPBACK_NAMES, address_allowed

__all__ = [
    "PeerRefused",
    "Pool",
    "build_pool",
    "call_deadline",
    "retry_after_seconds",
    "set_read_timeout",
]

logger = logging.getLogger(__name__)


# --- connected-address check (R-SSRF-03) -----------------------------------------


class PeerRefused(urllib3.exceptions.HTTPError):
    """The socket connected to an address the console may not call.

    Not an OSError on purpose: urllib3 then re-raises it as it is instead of
    wrapping it into a connection error.
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
    allowed_hosts: tuple[str, ...], pool_timeout: float, idle_timeout: float
) -> dict[str, type[HTTPConnectionPool]]:
    """Pool classes whose new connections check the peer before any byte is
    sent, and whose idle connections expire."""

    class GuardedHTTPConnection(HTTPConnection):
        # When the connection went back to the pool (monotonic), if it did.
        idle_since: float | None = None

        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            _check_peer(sock, self.host, allowed_hosts)
            return sock

    class GuardedHTTPSConnection(HTTPSConnection):
        idle_since: float | None = None

        # Checked before the TLS handshake, so nothing goes to a refused peer.
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            _check_peer(sock, self.host, allowed_hosts)
            return sock

    def get_conn(pool: HTTPConnectionPool, timeout: float | None) -> Any:
        # With block=True urllib3 waits forever for a free connection unless
        # given a timeout: the wait ends with the call's deadline.
        conn = HTTPConnectionPool._get_conn(
            pool, _pool_wait(pool_timeout) if timeout is None else timeout
        )
        since = getattr(conn, "idle_since", None)
        if since is not None and time.monotonic() - since > idle_timeout:
            # Closed here, connected again (and checked) when used.
            conn.close()
        return conn

    def put_conn(pool: HTTPConnectionPool, conn: Any) -> None:
        if conn is not None:
            conn.idle_since = time.monotonic()
        HTTPConnectionPool._put_conn(pool, conn)

    class GuardedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

        def _get_conn(self, timeout: float | None = None) -> Any:
            return get_conn(self, timeout)

        def _put_conn(self, conn: Any) -> None:
            put_conn(self, conn)

    class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

        def _get_conn(self, timeout: float | None = None) -> Any:
            return get_conn(self, timeout)

        def _put_conn(self, conn: Any) -> None:
            put_conn(self, conn)

    return {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}


# --- the pool of one account --------------------------------------------------------

# What build_pool returns, named for modules that may not import urllib3.
Pool = HTTPConnectionPool


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Certificates and host names verified, against the bundle requests uses.

    Built once: loading the bundle for every new connection costs more than
    the handshake.
    """
    context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
    context.load_verify_locations(cafile=DEFAULT_CA_BUNDLE_PATH)
    return context


def build_pool(base_url: str, policy: CallPolicy) -> Pool:
    """Return the guarded connection pool for the account at ``base_url``.

    Every call of the account goes to this one host (``fetch`` refuses any
    other), on at most ``policy.pool_size`` connections.
    """
    url = parse_url(base_url)
    scheme = (url.scheme or "").lower()
    classes = _guarded_pool_classes(
        policy.allowed_hosts, policy.deadline, policy.idle_timeout
    )
    if scheme not in classes or not url.host:
        raise ValueError(f"not an http(s) base URL: {base_url!r}")
    options: dict[str, Any] = {
        "maxsize": policy.pool_size,
        "block": True,
        # Retries run in fetch.Fetcher.fetch, which knows the deadline
        # (R-HTTP-02: "the client runs the loop itself").
        "retries": False,
    }
    if scheme == "https":
        options["ssl_context"] = _tls_context()
        options["cert_reqs"] = "CERT_REQUIRED"
    return classes[scheme](url.host, url.port, **options)


# --- helpers of the call loop -------------------------------------------------------


def set_read_timeout(raw: Any, seconds: float) -> None:
    """Bound each socket read by the time left before the deadline."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(seconds, 0.001))


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
