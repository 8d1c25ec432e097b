"""One GET to the X-Platform under the call policy.

One of the two modules that speak HTTP (with ``transport``;
docs/architecture.md, docs/security.md R-HTTP-01). ``Fetcher.fetch`` runs a
single call on the account's urllib3 pool: GET only, to the account's host
only, connect and read timeouts, an overall wall-clock deadline, no
redirects, bounded retries (R-HTTP-01, R-HTTP-02), size caps (R-HTTP-05),
and the mapping of every HTTP outcome to an ``XPlatformError`` (R-HTTP-06).
It returns an ``Answer`` for a 200. A connection goes back to the pool only
after an answer read to its end; any other ends with the connection closed,
so nothing half-read is ever reused. The base-URL check and the circuit
breaker wrap it in ``client.XPlatformClient._get``; the connections come
from ``transport``.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import urllib3
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    EmptyPoolError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.response import BaseHTTPResponse

from .config import AccountConfig, CallPolicy
from .context import current_deadline, current_request_id
from .errors import (
    XPlatformAuthError,
    XPlatformBadRequest,
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformTimeout,
    XPlatformTooLarge,
    XPlatformUnavailable,
    gettext_noop,
    request_timeout,
)
from .observe import UpstreamCall
from .schemas import parse_json_body
from .transport import (
    PeerRefused,
    call_deadline,
    retry_after_seconds,
    set_read_timeout,
)

__all__ = ["USER_AGENT", "Answer", "Fetcher", "format_seconds", "request_target"]

logger = logging.getLogger(__name__)

USER_AGENT: Final = "xplatform-console/0.1 (X-Platform interaction history console)"
_CHUNK_SIZE: Final = 64 * 1024
# 400 and 401 bodies are short plain text or JSON (docs/xplatform-api.md 3.4,
# 5.5); only this much is read from them.
_ERROR_BODY_BYTES: Final = 16 * 1024
_BAD_REQUEST_DETAIL_CHARS: Final = 200
# How long an error body the call does not need may take to arrive and still
# be read, so its connection is kept.
_SKIP_SECONDS: Final = 0.1
_RETRY_STATUSES: Final = frozenset({502, 503, 504})
# What requests sent: gzip and deflate (and br or zstd when their decoders
# are installed); urllib3 decodes them, and the body reader counts the
# decoded bytes (gzip bombs).
_ACCEPT_ENCODING: Final = urllib3.util.make_headers(accept_encoding=True)[
    "accept-encoding"
]


@dataclass(frozen=True)
class Answer:
    """A 200 answer, its body read in full under the caps."""

    status: int
    content_type: str | None
    body: bytes


def format_seconds(value: float) -> str:
    """``3.05`` as "3.05", ``30.0`` as "30", for messages."""
    return f"{value:g}"


def request_target(url: str) -> str:
    """The path and query of ``url``: what the request line carries."""
    parts = urlsplit(url)
    return f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"


class Fetcher:
    """Runs GET requests for one account over its pooled connections."""

    def __init__(
        self,
        account: AccountConfig,
        policy: CallPolicy,
        pool: HTTPConnectionPool | None,
    ) -> None:
        self.account = account
        self.policy = policy
        self.pool = pool
        self.host = urlsplit(account.base_url).hostname or "?"

    def _headers(self, accept: str) -> dict[str, str]:
        headers = {
            # Tenant-Id always equals the account ID of the path (decision d).
            "Tenant-Id": self.account.account_id,
            "Application-Key": self.account.application_key,
            "Accept": accept,
            "User-Agent": USER_AGENT,
            "Accept-Encoding": _ACCEPT_ENCODING,
        }
        # Sent only when configured (decision d, Z-PH).
        if self.account.environment_name:
            headers["Environment-Name"] = self.account.environment_name
        # The console's request ID, so both sides' logs can be joined
        # (docs/deployment.md, "Logs and metrics"); a safe token by then.
        request_id = current_request_id()
        if request_id:
            headers["X-Request-ID"] = request_id
        return headers

    def _scrub(self, text: str) -> str:
        key = self.account.application_key
        return text.replace(key, "[redacted]") if key else text

    def fetch(
        self,
        endpoint: str,
        url: str,
        accept: str,
        max_bytes: int,
        not_found: str | None,
        call: UpstreamCall | None = None,
    ) -> Answer:
        """GET ``url`` with retries under the deadline; return a 200 answer.

        ``endpoint`` names the call in logs; ``not_found`` is the message of
        a 404; ``call``, when given, is told each attempt and status (the
        client logs it once at the end). Raises XPlatformError subclasses
        for every other outcome.
        """
        if self.pool is None or not self.pool.is_same_host(url):
            # The pool holds connections to the account's host only (none for
            # a base URL that is not http(s)); urls.py builds every URL from
            # the base URL, so this is a bug, not input.
            logger.warning("X-Platform %s %s: URL of another host", self.host, endpoint)
            raise XPlatformUnavailable(
                gettext_noop("The X-Platform server could not be called.")
            )
        target = request_target(url)
        policy = self.policy
        deadline = time.monotonic() + policy.deadline
        # The request's deadline cuts the call's own: a call that waited for
        # a thread gets less time, never more (issue 10).
        request = current_deadline()
        if request is not None:
            deadline = min(deadline, request.at)
        attempt = 0
        while True:
            attempt += 1
            if call is not None:
                call.attempts = attempt
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._deadline_error(deadline)
            retry_error: XPlatformError
            retry_after: str | None = None
            with call_deadline(deadline):
                try:
                    response = self.pool.urlopen(
                        "GET",
                        target,
                        headers=self._headers(accept),
                        timeout=urllib3.Timeout(
                            connect=min(policy.connect_timeout, remaining),
                            read=min(policy.read_timeout, remaining),
                        ),
                        # Never followed: the Application-Key would go to
                        # the new host (R-SSRF-02); _answer refuses it.
                        redirect=False,
                        # Retries run here, under the deadline (R-HTTP-02).
                        retries=False,
                        assert_same_host=False,
                        # The body is read by _read_body, under the caps.
                        preload_content=False,
                        decode_content=False,
                        release_conn=False,
                    )
                except PeerRefused:
                    raise XPlatformUnavailable(
                        gettext_noop("The X-Platform address is not allowed.")
                    ) from None
                except NewConnectionError:
                    # No connection was made (refused, unresolvable), so a
                    # retry cannot duplicate a request.
                    retry_error = XPlatformUnavailable(
                        gettext_noop("The X-Platform server could not be reached.")
                    )
                except ConnectTimeoutError:
                    retry_error = XPlatformTimeout(
                        "The X-Platform server did not accept the connection within "
                        f"{format_seconds(policy.connect_timeout)} s."
                    )
                except ReadTimeoutError:
                    # Not retried: the request may be running upstream (R-HTTP-02).
                    raise self._read_timeout_error(deadline) from None
                except SSLError:
                    raise XPlatformUnavailable(
                        gettext_noop(
                            "A secure connection to the X-Platform server could not be "
                            "established."
                        )
                    ) from None
                except ProtocolError:
                    # The request went out and the connection broke (reset,
                    # closed without an answer): not retried (R-HTTP-02).
                    raise XPlatformUnavailable(
                        gettext_noop(
                            "The connection to the X-Platform server was interrupted."
                        )
                    ) from None
                except EmptyPoolError:
                    # Every pooled connection stayed busy until the deadline.
                    raise XPlatformUnavailable(
                        gettext_noop(
                            "Too many X-Platform requests are running; "
                            "try again shortly."
                        )
                    ) from None
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    logger.warning(
                        "X-Platform %s %s failed: %s",
                        self.host,
                        endpoint,
                        type(exc).__name__,
                    )
                    raise XPlatformUnavailable(
                        gettext_noop("The X-Platform server could not be called.")
                    ) from None
                else:
                    status = response.status
                    if call is not None:
                        call.status = status
                    try:
                        if status not in _RETRY_STATUSES:
                            return self._answer(
                                endpoint, response, deadline, max_bytes, not_found
                            )
                        retry_after = response.headers.get("Retry-After")
                    finally:
                        if status != 200:
                            self._skip_short_body(response, deadline)
                        self._release(response)
                    retry_error = XPlatformUnavailable(
                        f"The X-Platform server reported an error (HTTP {status}); "
                        "try again shortly.",
                        status,
                    )
            # Only connection failures and 502/503/504 get here (R-HTTP-02).
            delay = self._backoff(attempt, retry_after)
            if attempt > policy.retries or time.monotonic() + delay >= deadline:
                # Logged once, with the attempts, by observe.UpstreamCall.
                raise retry_error
            logger.info(
                "X-Platform %s %s attempt %d failed (%s); retrying in %.2f s",
                self.host,
                endpoint,
                attempt,
                retry_error.status or "connection",
                delay,
            )
            time.sleep(delay)

    @staticmethod
    def _release(response: BaseHTTPResponse) -> None:
        """Give the connection back: kept if its answer was read to the end
        (urllib3 released it then), closed otherwise."""
        response.close()
        response.release_conn()

    def _skip_short_body(self, response: BaseHTTPResponse, deadline: float) -> None:
        """Read what is left of a short error body (a 404's, a 503's), so the
        connection can carry the next call instead of being closed."""
        length = response.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) <= _ERROR_BODY_BYTES:
            # Only a body that is there at once: the error is known, and a
            # slow body is not worth waiting for (its connection is closed).
            soon = min(deadline, time.monotonic() + _SKIP_SECONDS)
            with contextlib.suppress(XPlatformError):
                self._read_body(response, soon, _ERROR_BODY_BYTES, truncate=True)

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        """urllib3's schedule: no wait before the first retry, then
        factor x 2^(n-1) plus jitter, capped; Retry-After wins if longer."""
        policy = self.policy
        delay = 0.0
        if attempt > 1:
            delay = policy.backoff_factor * 2 ** (attempt - 1)
            delay += random.uniform(0, policy.backoff_jitter)  # noqa: S311 (jitter)
            delay = min(policy.backoff_max, delay)
        if retry_after:
            delay = max(delay, retry_after_seconds(retry_after))
        return delay

    def _deadline_error(self, deadline: float) -> XPlatformTimeout:
        request = current_deadline()
        if request is not None and request.at <= deadline:
            return request_timeout(request.seconds)
        return XPlatformTimeout(
            "The X-Platform server took longer than "
            f"{format_seconds(self.policy.deadline)} s to answer."
        )

    def _read_timeout_error(self, deadline: float) -> XPlatformTimeout:
        if time.monotonic() >= deadline - 0.01:
            return self._deadline_error(deadline)
        return XPlatformTimeout(
            "The X-Platform server did not answer within "
            f"{format_seconds(self.policy.read_timeout)} s."
        )

    def _answer(
        self,
        endpoint: str,
        response: BaseHTTPResponse,
        deadline: float,
        max_bytes: int,
        not_found: str | None,
    ) -> Answer:
        status = response.status
        content_type = response.headers.get("Content-Type")
        if status == 200:
            body = self._read_body(response, deadline, max_bytes, truncate=False)
            return Answer(status, content_type, body)
        if 300 <= status < 400:
            # Never followed: following would send the Application-Key to the new
            # host (R-SSRF-02).
            logger.warning(
                "X-Platform %s %s answered HTTP %s with Location %r; not followed",
                self.host,
                endpoint,
                status,
                self._scrub(response.headers.get("Location", ""))[:200],
            )
            raise XPlatformResponseError(
                gettext_noop(
                    "The X-Platform server answered with a redirect, which the console "
                    "does not follow."
                ),
                status,
            )
        if status == 400:
            text = self._error_text(response, deadline)
            raise XPlatformBadRequest(
                "The X-Platform server refused the request as invalid.",
                status,
                detail=" ".join(text.split())[:_BAD_REQUEST_DETAIL_CHARS],
            )
        if status in {401, 403}:
            raise self._auth_error(response, deadline)
        if status == 404:
            raise XPlatformNotFound(not_found, status)
        if status == 429:
            raise XPlatformUnavailable(
                gettext_noop("The X-Platform server is busy; try again in a moment."),
                status,
            )
        if status >= 500:
            raise XPlatformUnavailable(
                f"The X-Platform server reported an error (HTTP {status}); "
                "try again shortly.",
                status,
            )
        raise XPlatformResponseError(
            f"The X-Platform server gave an unexpected answer (HTTP {status}).", status
        )

    def _error_text(self, response: BaseHTTPResponse, deadline: float) -> str:
        try:
            body = self._read_body(response, deadline, _ERROR_BODY_BYTES, truncate=True)
        except XPlatformError:
            return ""
        return self._scrub(body.decode("utf-8", errors="replace"))

    def _auth_error(
        self, response: BaseHTTPResponse, deadline: float
    ) -> XPlatformAuthError:
        reason = response.headers.get("Unauthenticated-Reason")
        code = upstream_message = None
        text = self._error_text(response, deadline)
        try:
            payload = parse_json_body(text.encode())
        except XPlatformResponseError:
            payload = None
        if isinstance(payload, dict):
            # docs/xplatform-api.md 3.4: {"code", "message", "moreInfoUrl"}.
            raw_code, raw_message = payload.get("code"), payload.get("message")
            code = raw_code[:100] if isinstance(raw_code, str) else None
            if isinstance(raw_message, str):
                upstream_message = raw_message[:300]
        logger.warning(
            "X-Platform %s rejected the credentials of account %s (HTTP %s, code %s, "
            "reason %s)",
            self.host,
            self.account.account_id,
            response.status,
            code,
            self._scrub(reason or "")[:200],
        )
        return XPlatformAuthError(
            "The X-Platform server rejected the stored credentials.",
            response.status,
            code=code,
            upstream_message=upstream_message,
            reason=self._scrub(reason)[:200] if reason is not None else None,
        )

    def _read_body(
        self,
        response: BaseHTTPResponse,
        deadline: float,
        max_bytes: int,
        *,
        truncate: bool,
    ) -> bytes:
        """Read the body under the deadline and the size cap (R-HTTP-01, -05).

        ``read1`` returns as soon as some data has arrived; ``read(64 KiB)``
        on a body with a Content-Length blocks until 64 KiB or the end, so a
        server trickling one byte at a time would never meet the deadline
        check. Decompressed bytes are counted, which stops gzip bombs. Read
        to its end, the answer gives its connection back to the pool.
        """
        length = response.headers.get("Content-Length", "")
        if not truncate and length.strip().isdigit() and int(length) > max_bytes:
            raise self._too_large(max_bytes)
        chunks: list[bytes] = []
        total = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._deadline_error(deadline)
            set_read_timeout(response, min(self.policy.read_timeout, remaining))
            try:
                chunk = response.read1(_CHUNK_SIZE, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError:
                raise self._read_timeout_error(deadline) from None
            except urllib3.exceptions.DecodeError:
                raise XPlatformResponseError(
                    gettext_noop(
                        "The X-Platform server sent data that could not be "
                        "decompressed."
                    )
                ) from None
            except (urllib3.exceptions.HTTPError, OSError):
                # Mid-body resets are not retried (R-HTTP-02).
                raise XPlatformUnavailable(
                    gettext_noop(
                        "The connection to the X-Platform server was interrupted."
                    )
                ) from None
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                if truncate:
                    chunks.append(chunk[: max_bytes - (total - len(chunk))])
                    break
                raise self._too_large(max_bytes)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, max_bytes: int) -> XPlatformTooLarge:
        return XPlatformTooLarge(
            "The X-Platform server sent more data than the console accepts "
            f"({max_bytes // 1024} KiB).",
            limit=max_bytes,
        )
