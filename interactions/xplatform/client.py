"""Typed client for the X-Platform Interaction History API.

The only module of the console that imports ``requests`` (style.md 2.2,
security.md R-HTTP-01). ``XPlatformClient._get`` is the one place that
applies the call policy: GET only, connect and read timeouts, an overall
wall-clock deadline, no redirects, bounded retries, size caps, the circuit
breaker, the base-URL and connected-address checks, and the mapping of every
failure to an ``XPlatformError``. Public methods return the dataclasses of
``schemas.py``.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import random
import re
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookiejar import DefaultCookiePolicy
from typing import Any, Final
from urllib.parse import quote, urlencode, urlsplit

import pybreaker
import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .errors import (
    XPlatformAuthError,
    XPlatformBadRequest,
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformTimeout,
    XPlatformTooLarge,
    XPlatformUnavailable,
)
from .hosts import LOOPBACK_NAMES, BaseUrlError, address_allowed, normalise_base_url
from .schemas import (
    FullFlow,
    JSONValue,
    Photo,
    Summary,
    UniqueIdResult,
    VariableSet,
    parse_json_body,
)
from .validators import (
    InvalidValue,
    validate_caller_attribute_value,
    validate_dtmf,
    validate_history_search_id,
    validate_image_path,
    validate_phone_digits,
    validate_unique_id,
    validate_variable_set_id,
)

__all__ = [
    "AccountConfig",
    "CallPolicy",
    "CallerAttribute",
    "ConnectionCheck",
    "ConnectionOutcome",
    "PhotoPath",
    "XPlatformClient",
    "build_upstream_url",
    "clear_clients",
    "get_client",
]

logger = logging.getLogger(__name__)

USER_AGENT: Final = "xplatform-console/0.1 (X-Platform interaction history console)"
_JSON_ACCEPT: Final = "application/json"
_IMAGE_ACCEPT: Final = "image/*"
_CHUNK_SIZE: Final = 64 * 1024
# 400 and 401 bodies are short plain text or JSON (xplatform-api.md 3.4, 5.5);
# only this much is read from them.
_ERROR_BODY_BYTES: Final = 16 * 1024
_BAD_REQUEST_DETAIL_CHARS: Final = 200
_RETRY_STATUSES: Final = frozenset({502, 503, 504})
_SEGMENT = re.compile(r"\+?[A-Za-z0-9_-]{1,64}")
_QUERY_PART = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HEADER_TOKEN = re.compile(r"[!-~]{1,512}")
_HEADER_TEXT = re.compile(r"[ -~]{1,256}")


# --- configuration ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AccountConfig:
    """What one X-Platform account needs; built by the service layer.

    ``base_url`` is the normalised base URL (``https://gointeract.io`` or
    ``http://127.0.0.1:8001``); the client appends
    ``/interact/agent/version/{version}/account/{account_id}/...``. The
    application key is excluded from ``repr``.
    """

    base_url: str
    version: str = "2"
    account_id: str
    application_key: str = field(repr=False)
    environment_name: str | None = None
    legacy_photo_path: bool = False
    photo_max_size: int = 1600

    def __post_init__(self) -> None:
        # Header values that http.client cannot send would surface as odd
        # exceptions deep in the stack; they are refused here instead. The
        # messages never repeat the key.
        if not _HEADER_TOKEN.fullmatch(self.application_key):
            raise ValueError(
                "The application key must be printable ASCII without spaces."
            )
        if self.environment_name is not None and not _HEADER_TEXT.fullmatch(
            self.environment_name
        ):
            raise ValueError("The environment name must be printable ASCII.")
        if not (
            isinstance(self.photo_max_size, int) and 1 <= self.photo_max_size <= 10000
        ):
            raise ValueError("The photo size must be between 1 and 10000 pixels.")


@dataclass(frozen=True, kw_only=True)
class CallPolicy:
    """Timeouts, retries, caps and allowed hosts for upstream calls.

    Defaults are the values of security.md R-HTTP-01 to R-HTTP-05.
    """

    connect_timeout: float = 3.05
    read_timeout: float = 5.0
    deadline: float = 8.0
    retries: int = 2
    max_json_bytes: int = 2 * 1024 * 1024
    max_image_bytes: int = 15 * 1024 * 1024
    pool_size: int = 16
    allowed_hosts: tuple[str, ...] = (".gointeract.io",)
    backoff_factor: float = 0.25
    backoff_jitter: float = 0.1
    backoff_max: float = 1.0
    breaker_fail_max: int = 5
    breaker_reset_timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> CallPolicy:
        """Read ``settings.XPC_UPSTREAM_*`` now (not at import time)."""
        return cls(
            connect_timeout=float(settings.XPC_UPSTREAM_CONNECT_TIMEOUT),
            read_timeout=float(settings.XPC_UPSTREAM_READ_TIMEOUT),
            deadline=float(settings.XPC_UPSTREAM_DEADLINE),
            retries=int(settings.XPC_UPSTREAM_RETRIES),
            max_json_bytes=int(settings.XPC_UPSTREAM_MAX_JSON_BYTES),
            max_image_bytes=int(settings.XPC_UPSTREAM_MAX_IMAGE_BYTES),
            pool_size=int(settings.XPC_UPSTREAM_POOL_SIZE),
            allowed_hosts=tuple(settings.XPC_UPSTREAM_ALLOWED_HOSTS),
        )


class CallerAttribute(enum.StrEnum):
    """Caller attributes of Get Interaction Unique ID (xplatform-api.md 4, 5.1)."""

    DTMF = "dtmf"
    CALL_RETURN = "callReturn"
    CLICK_TO_CALL = "clickToCall"
    # The token is assumed by symmetry; no source shows it (decision b).
    HISTORY_SEARCH_ID = "historySearchId"


class ConnectionOutcome(enum.StrEnum):
    """Result of ``XPlatformClient.check_connection``."""

    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    UNREACHABLE = "unreachable"
    WRONG_VERSION = "wrong_version"
    UNEXPECTED = "unexpected"


@dataclass(frozen=True)
class ConnectionCheck:
    """Outcome of a connection test, with a plain-words message for an admin."""

    outcome: ConnectionOutcome
    message: str

    @property
    def ok(self) -> bool:
        return self.outcome is ConnectionOutcome.OK


# --- URL building (R-URL-01) -------------------------------------------------------


@dataclass(frozen=True)
class PhotoPath:
    """A photo path from the full flow, validated on creation (R-IMG-04).

    Raises InvalidValue for a path that must not be requested.
    """

    value: str

    def __post_init__(self) -> None:
        validate_image_path(self.value)


def _checked_segment(value: str, what: str) -> str:
    if not isinstance(value, str) or not _SEGMENT.fullmatch(value):
        raise InvalidValue(
            f"The {what} may contain only letters, digits, - and _ "
            "(at most 64 characters)."
        )
    return quote(value, safe="")


def _photo_segment(path: str, *, legacy: bool) -> str:
    validate_image_path(path)
    if legacy:
        head, _, name = path.rpartition("/")
        stem, dot, extension = name.rpartition(".")
        if dot:
            # v7 servers want the file name's last "." as "@@@@@" (J-PH).
            path = f"{head}/{stem}@@@@@{extension}"
    # Percent-encoded twice so the path stays one segment after the server's
    # first decoding (U-PH, J-PH); "@" stays literal to reproduce the
    # documented "i1152998579@@@@@png" (xplatform-api.md 5.5, note on "@").
    return quote(quote(path, safe="@"), safe="@")


def build_upstream_url(
    account: AccountConfig,
    *segments: str | PhotoPath,
    query: Mapping[str, str | int] | None = None,
) -> str:
    """Return the upstream URL for already-validated path segments.

    The only URL builder of the console (R-URL-01). Plain segments must match
    ``^\\+?[A-Za-z0-9_-]{1,64}$`` and are quoted with ``safe=""``; a
    ``PhotoPath`` becomes one doubly encoded segment (decision g). Raises
    InvalidValue for anything else, so no dot segment, slash, ``?`` or ``#``
    can change the endpoint.
    """
    base = account.base_url.rstrip("/")
    if "?" in base or "#" in base:
        raise InvalidValue("The base URL must not have a query or a fragment.")
    parts = [
        "interact",
        "agent",
        "version",
        _checked_segment(account.version, "API version"),
        "account",
        _checked_segment(account.account_id, "account ID"),
    ]
    for segment in segments:
        if isinstance(segment, PhotoPath):
            parts.append(
                _photo_segment(segment.value, legacy=account.legacy_photo_path)
            )
        else:
            parts.append(_checked_segment(segment, "value"))
    url = f"{base}/{'/'.join(parts)}"
    if query:
        pairs = []
        for key, value in query.items():
            text = str(value)
            if not (_QUERY_PART.fullmatch(key) and _QUERY_PART.fullmatch(text)):
                raise InvalidValue(
                    "A query parameter has characters the console refuses."
                )
            pairs.append((key, text))
        url = f"{url}?{urlencode(pairs)}"
    return url


def _wider_search_query(wider_search: bool | None) -> dict[str, str | int] | None:
    # None leaves the parameter out, as the older client code did (5.2).
    if wider_search is None:
        return None
    return {"widerSearch": "true" if wider_search else "false"}


# --- connected-address check (R-SSRF-03) -----------------------------------------


class _PeerRefused(urllib3.exceptions.HTTPError):
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
        raise _PeerRefused(f"connected address {peer} is not allowed")


# The deadline of the call running on this thread, for the pool wait below.
_call_deadline = threading.local()


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


class _GuardedAdapter(HTTPAdapter):
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
            # Retries run in XPlatformClient._get, which knows the deadline
            # (R-HTTP-02: "the client runs the loop itself").
            max_retries=0,
        )

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes


# --- circuit breaker (R-HTTP-04) -------------------------------------------------


class _BreakerLogger(pybreaker.CircuitBreakerListener):
    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        logger.warning(
            "X-Platform circuit breaker for %s: %s -> %s",
            cb.name,
            old_state.name if old_state else None,
            new_state.name,
        )


def _counts_as_failure(exc: BaseException) -> bool:
    # Timeouts, connection errors and 5xx count; 4xx (including 429) and bad
    # payloads do not: the server is up (R-HTTP-04).
    return isinstance(exc, XPlatformUnavailable) and (
        exc.status is None or exc.status >= 500
    )


class _Breaker:
    """A pybreaker breaker used without holding its lock during the request.

    ``CircuitBreaker.call`` keeps a lock for the whole call, which would
    serialise every upstream request of a base URL. The request therefore
    runs outside, and its outcome is replayed through ``call``.
    """

    def __init__(self, name: str, policy: CallPolicy) -> None:
        self.reset_timeout = policy.breaker_reset_timeout
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=policy.breaker_fail_max,
            reset_timeout=policy.breaker_reset_timeout,
            exclude=[lambda exc: not _counts_as_failure(exc)],
            listeners=[_BreakerLogger()],
            name=name,
        )

    def is_refusing(self) -> bool:
        """True while open and the reset timeout has not elapsed."""
        if self.breaker.current_state != pybreaker.STATE_OPEN:
            return False
        # pybreaker keeps no public accessor for the opening time.
        opened_at = self.breaker._state_storage.opened_at
        return opened_at is not None and datetime.now(UTC) < opened_at + timedelta(
            seconds=self.reset_timeout
        )

    def record(self, outcome: XPlatformError | None) -> None:
        def replay() -> None:
            if outcome is not None:
                raise outcome

        with contextlib.suppress(pybreaker.CircuitBreakerError, XPlatformError):
            self.breaker.call(replay)


_registry_lock = threading.Lock()
_clients: dict[tuple[AccountConfig, CallPolicy], XPlatformClient] = {}
_breakers: dict[str, _Breaker] = {}


def _breaker_for(base_url: str, policy: CallPolicy) -> _Breaker:
    # Per process; pybreaker's CircuitRedisStorage could share the state via
    # REDIS_URL (R-HTTP-04), which is not wired up yet.
    with _registry_lock:
        breaker = _breakers.get(base_url)
        if breaker is None:
            breaker = _breakers[base_url] = _Breaker(base_url, policy)
        return breaker


def get_client(account: AccountConfig) -> XPlatformClient:
    """Return the shared client (and pooled session) for an account.

    Reads ``CallPolicy.from_settings()`` on every call, so changed settings
    give a new client.
    """
    policy = CallPolicy.from_settings()
    key = (account, policy)
    with _registry_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = XPlatformClient(account, policy=policy)
        return client


def clear_clients() -> None:
    """Close every pooled session and forget all clients and breakers (tests)."""
    with _registry_lock:
        clients = list(_clients.values())
        _clients.clear()
        _breakers.clear()
    for client in clients:
        client.close()


# --- the client ----------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str | None
    body: bytes


def _format_seconds(value: float) -> str:
    return f"{value:g}"


class XPlatformClient:
    """Calls the five Interaction History methods for one account."""

    def __init__(
        self,
        account: AccountConfig,
        *,
        policy: CallPolicy,
        session: requests.Session | None = None,
    ) -> None:
        self.account = account
        self.policy = policy
        self._host = urlsplit(account.base_url).hostname or "?"
        self._session = session or requests.Session()
        # No proxies or .netrc from the environment: a proxy would hide the
        # real peer from the address check, and .netrc could add credentials.
        self._session.trust_env = False
        # Shared across threads and never needed upstream.
        self._session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        adapter = _GuardedAdapter(policy)
        for prefix in ("http://", "https://", account.base_url.rstrip("/") + "/"):
            self._session.mount(prefix, adapter)

    def __repr__(self) -> str:
        return (
            f"<XPlatformClient {self.account.base_url} "
            f"account={self.account.account_id!r}>"
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    # --- the five methods ---

    def unique_ids(self, attribute: CallerAttribute, value: str) -> UniqueIdResult:
        """Return the unique IDs a caller attribute points to (5.1, decision a).

        Phone numbers (callReturn, clickToCall) are sent as typed, reduced
        to digits and a leading ``+`` (``validate_phone_digits``); a caller
        that wants E.164 passes ``validate_phone_number(...)``'s result. A
        404 gives an empty result.

        Raises InvalidValue (before any request), XPlatformUnavailable,
        XPlatformTimeout, XPlatformAuthError, XPlatformBadRequest,
        XPlatformResponseError.
        """
        attribute = CallerAttribute(attribute)
        if attribute is CallerAttribute.DTMF:
            checked = validate_dtmf(value)
        elif attribute is CallerAttribute.HISTORY_SEARCH_ID:
            checked = validate_history_search_id(value)
        else:
            checked = validate_phone_digits(value)
        url = build_upstream_url(self.account, "uniqueId", attribute.value, checked)
        try:
            answer = self._get(
                f"uniqueId/{attribute.value}",
                url,
                accept=_JSON_ACCEPT,
                max_bytes=self.policy.max_json_bytes,
            )
        except XPlatformNotFound:
            return UniqueIdResult(())
        return UniqueIdResult.from_body(answer.body, answer.content_type)

    def full_flow(self, unique_id: str) -> FullFlow:
        """Return every page of an interaction by its unique ID (5.2).

        Raises InvalidValue (before any request), XPlatformNotFound,
        XPlatformUnavailable, XPlatformTimeout, XPlatformAuthError,
        XPlatformBadRequest, XPlatformResponseError, XPlatformTooLarge.
        """
        url = build_upstream_url(
            self.account, "interactiondata", validate_unique_id(unique_id), "fullFlow"
        )
        return FullFlow.from_json(self._json("interactiondata/{uid}/fullFlow", url))

    def full_flow_by_attribute(
        self, value: str, wider_search: bool | None = False
    ) -> FullFlow:
        """Return the pages of the interaction a caller attribute points to.

        ``value`` is a DTMF code, DNID, History Search ID or phone number
        (5.2, decision b); ``wider_search=None`` leaves ``widerSearch`` out.
        Raises the same errors as ``full_flow``.
        """
        url = build_upstream_url(
            self.account,
            "interactiondata",
            validate_caller_attribute_value(value),
            "fullFlow",
            "byCallerAttribute",
            query=_wider_search_query(wider_search),
        )
        return FullFlow.from_json(
            self._json("interactiondata/{value}/fullFlow/byCallerAttribute", url)
        )

    def summary(self, unique_id: str) -> Summary:
        """Return the summary of an interaction by its unique ID (5.3, decision c).

        Raises InvalidValue (before any request), XPlatformNotFound,
        XPlatformUnavailable, XPlatformTimeout, XPlatformAuthError,
        XPlatformBadRequest, XPlatformResponseError (also when the summary
        names another interaction), XPlatformTooLarge.
        """
        checked = validate_unique_id(unique_id)
        url = build_upstream_url(self.account, "interactiondata", checked, "summary")
        result = Summary.from_json(self._json("interactiondata/{uid}/summary", url))
        if result.unique_id is not None and result.unique_id != checked:
            # The answer must be about the interaction asked for (R-AC-02).
            raise XPlatformResponseError(
                "The X-Platform server sent the summary of another interaction."
            )
        return result

    def summary_by_attribute(
        self, value: str, wider_search: bool | None = False
    ) -> Summary:
        """Return the summary of the interaction a caller attribute points to.

        Its ``unique_id`` is the instance's unique ID, needed for photos
        (decision b). Raises the same errors as ``summary``.
        """
        url = build_upstream_url(
            self.account,
            "interactiondata",
            validate_caller_attribute_value(value),
            "summary",
            "byCallerAttribute",
            query=_wider_search_query(wider_search),
        )
        return Summary.from_json(
            self._json("interactiondata/{value}/summary/byCallerAttribute", url)
        )

    def variable_set(self, unique_id: str, set_id: str) -> VariableSet:
        """Return a user variable set of an interaction (5.4, decision h).

        Raises InvalidValue (before any request), XPlatformNotFound,
        XPlatformUnavailable, XPlatformTimeout, XPlatformAuthError,
        XPlatformBadRequest, XPlatformResponseError, XPlatformTooLarge.
        """
        checked_set = validate_variable_set_id(set_id)
        url = build_upstream_url(
            self.account,
            "interactiondata",
            validate_unique_id(unique_id),
            "variableSet",
            checked_set,
        )
        return VariableSet.from_json(
            self._json("interactiondata/{uid}/variableSet/{setId}", url), checked_set
        )

    def variable_set_by_attribute(
        self, value: str, set_id: str, wider_search: bool | None = False
    ) -> VariableSet:
        """Return a user variable set of the interaction a caller attribute
        points to. Raises the same errors as ``variable_set``."""
        checked_set = validate_variable_set_id(set_id)
        url = build_upstream_url(
            self.account,
            "interactiondata",
            validate_caller_attribute_value(value),
            "variableSet",
            checked_set,
            "byCallerAttribute",
            query=_wider_search_query(wider_search),
        )
        return VariableSet.from_json(
            self._json(
                "interactiondata/{value}/variableSet/{setId}/byCallerAttribute", url
            ),
            checked_set,
        )

    def photo(self, unique_id: str, path: str | PhotoPath) -> Photo:
        """Return the bytes of an uploaded photo (5.5, decision g).

        ``maxSize`` is the account's full-view size. The bytes are untrusted:
        decode and re-encode them before display (R-IMG-03). Raises
        InvalidValue (before any request), XPlatformNotFound,
        XPlatformUnavailable, XPlatformTimeout, XPlatformAuthError,
        XPlatformBadRequest, XPlatformResponseError, XPlatformTooLarge.
        """
        photo_path = path if isinstance(path, PhotoPath) else PhotoPath(path)
        url = build_upstream_url(
            self.account,
            "photo",
            validate_unique_id(unique_id),
            photo_path,
            query={"maxSize": self.account.photo_max_size},
        )
        answer = self._get(
            "photo/{uid}/{img_path}",
            url,
            accept=_IMAGE_ACCEPT,
            max_bytes=self.policy.max_image_bytes,
            not_found="The photo was not found on the X-Platform server.",
        )
        if not answer.body:
            raise XPlatformResponseError("The X-Platform server sent an empty photo.")
        return Photo(content=answer.body, content_type=answer.content_type)

    def check_connection(self) -> ConnectionCheck:
        """Probe the account with ``GET uniqueId/dtmf/0`` and classify the result.

        200 or 404: the credentials were accepted. Never raises; bypasses the
        circuit breaker so an admin always gets a fresh answer.
        """
        try:
            url = build_upstream_url(self.account, "uniqueId", "dtmf", "0")
        except InvalidValue as exc:
            return ConnectionCheck(ConnectionOutcome.WRONG_VERSION, exc.message)
        try:
            self._get(
                "uniqueId/dtmf/{dtmf} (connection check)",
                url,
                accept=_JSON_ACCEPT,
                max_bytes=self.policy.max_json_bytes,
                use_breaker=False,
            )
        except XPlatformNotFound:
            pass
        except XPlatformAuthError:
            return ConnectionCheck(
                ConnectionOutcome.BAD_CREDENTIALS,
                "The X-Platform server rejected the stored credentials. Check the "
                "account ID and the application key.",
            )
        except XPlatformBadRequest as exc:
            detail = f" (it said: {exc.detail})" if exc.detail else ""
            return ConnectionCheck(
                ConnectionOutcome.WRONG_VERSION,
                "The X-Platform server refused the request as invalid"
                f"{detail}. Check the API version ({self.account.version}) and "
                "the account ID.",
            )
        except XPlatformUnavailable as exc:
            if exc.status is None:
                return ConnectionCheck(
                    ConnectionOutcome.UNREACHABLE,
                    f"The X-Platform server could not be reached. {exc.message}",
                )
            return ConnectionCheck(ConnectionOutcome.UNEXPECTED, exc.message)
        except XPlatformError as exc:
            return ConnectionCheck(ConnectionOutcome.UNEXPECTED, exc.message)
        return ConnectionCheck(
            ConnectionOutcome.OK,
            "Connected: the X-Platform server accepted the credentials.",
        )

    # --- transport ---

    def _json(self, endpoint: str, url: str) -> JSONValue:
        answer = self._get(
            endpoint, url, accept=_JSON_ACCEPT, max_bytes=self.policy.max_json_bytes
        )
        media_type = (answer.content_type or "").split(";", 1)[0].strip().lower()
        if "html" in media_type or answer.body.lstrip()[:1] == b"<":
            raise XPlatformResponseError(
                "The X-Platform server sent a web page instead of data."
            )
        return parse_json_body(answer.body)

    def _headers(self, accept: str) -> dict[str, str]:
        headers = {
            # Tenant-Id always equals the account ID of the path (decision d).
            "Tenant-Id": self.account.account_id,
            "Application-Key": self.account.application_key,
            "Accept": accept,
            "User-Agent": USER_AGENT,
        }
        # Sent only when configured (decision d, Z-PH).
        if self.account.environment_name:
            headers["Environment-Name"] = self.account.environment_name
        return headers

    def _scrub(self, text: str) -> str:
        key = self.account.application_key
        return text.replace(key, "[redacted]") if key else text

    def _check_base_url(self) -> None:
        # Re-checked on every request, not only when an admin saves it (R-SSRF-01).
        try:
            normalise_base_url(self.account.base_url, self.policy.allowed_hosts)
        except BaseUrlError as exc:
            logger.warning(
                "X-Platform call refused: base URL of account %s not allowed: %s",
                self.account.account_id,
                exc,
            )
            raise XPlatformUnavailable(
                "The X-Platform address of this account is not allowed; an admin "
                "must correct it."
            ) from None

    def _get(
        self,
        endpoint: str,
        url: str,
        *,
        accept: str,
        max_bytes: int,
        not_found: str | None = None,
        use_breaker: bool = True,
    ) -> _Answer:
        """GET ``url`` under the call policy; return a 200 answer.

        Raises XPlatformError subclasses for every other outcome.
        """
        self._check_base_url()
        if not use_breaker:
            return self._fetch(endpoint, url, accept, max_bytes, not_found)
        breaker = _breaker_for(self.account.base_url, self.policy)
        if breaker.is_refusing():
            logger.info(
                "X-Platform %s %s skipped: circuit breaker open", self._host, endpoint
            )
            raise XPlatformUnavailable(
                "The X-Platform server is unavailable; retrying in about "
                f"{_format_seconds(breaker.reset_timeout)} s."
            )
        try:
            answer = self._fetch(endpoint, url, accept, max_bytes, not_found)
        except XPlatformError as exc:
            breaker.record(exc)
            raise
        breaker.record(None)
        return answer

    def _fetch(
        self,
        endpoint: str,
        url: str,
        accept: str,
        max_bytes: int,
        not_found: str | None,
    ) -> _Answer:
        policy = self.policy
        started = time.monotonic()
        deadline = started + policy.deadline
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._deadline_error()
            retry_error: XPlatformError
            retry_after: str | None = None
            _call_deadline.value = deadline
            try:
                response = self._session.get(
                    url,
                    headers=self._headers(accept),
                    timeout=(
                        min(policy.connect_timeout, remaining),
                        min(policy.read_timeout, remaining),
                    ),
                    allow_redirects=False,
                    stream=True,
                    verify=True,
                )
            except requests.ConnectTimeout:
                retry_error = XPlatformTimeout(
                    "The X-Platform server did not accept the connection within "
                    f"{_format_seconds(policy.connect_timeout)} s."
                )
            except requests.ReadTimeout:
                # Not retried: the request may be running upstream (R-HTTP-02).
                raise self._read_timeout_error(deadline) from None
            except requests.exceptions.SSLError:
                raise XPlatformUnavailable(
                    "A secure connection to the X-Platform server could not be "
                    "established."
                ) from None
            except requests.ConnectionError as exc:
                if not _is_connect_failure(exc):
                    raise XPlatformUnavailable(
                        "The connection to the X-Platform server was interrupted."
                    ) from None
                retry_error = XPlatformUnavailable(
                    "The X-Platform server could not be reached."
                )
            except _PeerRefused:
                raise XPlatformUnavailable(
                    "The X-Platform address is not allowed."
                ) from None
            except urllib3.exceptions.EmptyPoolError:
                # Every pooled connection stayed busy until the deadline.
                raise XPlatformUnavailable(
                    "Too many X-Platform requests are running; try again shortly."
                ) from None
            except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
                logger.warning(
                    "X-Platform %s %s failed: %s",
                    self._host,
                    endpoint,
                    type(exc).__name__,
                )
                raise XPlatformUnavailable(
                    "The X-Platform server could not be called."
                ) from None
            else:
                status = response.status_code
                if status not in _RETRY_STATUSES:
                    try:
                        return self._answer(
                            endpoint, response, started, deadline, max_bytes, not_found
                        )
                    finally:
                        response.close()
                retry_after = response.headers.get("Retry-After")
                response.close()
                retry_error = XPlatformUnavailable(
                    f"The X-Platform server reported an error (HTTP {status}); "
                    "try again shortly.",
                    status,
                )
            finally:
                _call_deadline.value = None
            # Only connection failures and 502/503/504 get here (R-HTTP-02).
            delay = self._backoff(attempt, retry_after)
            if attempt > policy.retries or time.monotonic() + delay >= deadline:
                logger.warning(
                    "X-Platform %s %s failed after %d attempt(s): %s",
                    self._host,
                    endpoint,
                    attempt,
                    retry_error.message,
                )
                raise retry_error
            logger.info(
                "X-Platform %s %s attempt %d failed (%s); retrying in %.2f s",
                self._host,
                endpoint,
                attempt,
                retry_error.status or "connection",
                delay,
            )
            time.sleep(delay)

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
            delay = max(delay, _retry_after_seconds(retry_after))
        return delay

    def _deadline_error(self) -> XPlatformTimeout:
        return XPlatformTimeout(
            "The X-Platform server took longer than "
            f"{_format_seconds(self.policy.deadline)} s to answer."
        )

    def _read_timeout_error(self, deadline: float) -> XPlatformTimeout:
        if time.monotonic() >= deadline - 0.01:
            return self._deadline_error()
        return XPlatformTimeout(
            "The X-Platform server did not answer within "
            f"{_format_seconds(self.policy.read_timeout)} s."
        )

    def _answer(
        self,
        endpoint: str,
        response: requests.Response,
        started: float,
        deadline: float,
        max_bytes: int,
        not_found: str | None,
    ) -> _Answer:
        status = response.status_code
        logger.info(
            "X-Platform %s %s -> HTTP %s in %.0f ms",
            self._host,
            endpoint,
            status,
            (time.monotonic() - started) * 1000,
        )
        content_type = response.headers.get("Content-Type")
        if status == 200:
            body = self._read_body(response, deadline, max_bytes, truncate=False)
            return _Answer(status, content_type, body)
        if 300 <= status < 400:
            # Never followed: requests would resend Application-Key to the new
            # host (R-SSRF-02).
            logger.warning(
                "X-Platform %s %s answered HTTP %s with Location %r; not followed",
                self._host,
                endpoint,
                status,
                self._scrub(response.headers.get("Location", ""))[:200],
            )
            raise XPlatformResponseError(
                "The X-Platform server answered with a redirect, which the console "
                "does not follow.",
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
                "The X-Platform server is busy; try again in a moment.", status
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

    def _error_text(self, response: requests.Response, deadline: float) -> str:
        try:
            body = self._read_body(response, deadline, _ERROR_BODY_BYTES, truncate=True)
        except XPlatformError:
            return ""
        return self._scrub(body.decode("utf-8", errors="replace"))

    def _auth_error(
        self, response: requests.Response, deadline: float
    ) -> XPlatformAuthError:
        reason = response.headers.get("Unauthenticated-Reason")
        code = upstream_message = None
        text = self._error_text(response, deadline)
        try:
            payload = parse_json_body(text.encode())
        except XPlatformResponseError:
            payload = None
        if isinstance(payload, dict):
            # xplatform-api.md 3.4: {"code", "message", "moreInfoUrl"}.
            raw_code, raw_message = payload.get("code"), payload.get("message")
            code = raw_code[:100] if isinstance(raw_code, str) else None
            if isinstance(raw_message, str):
                upstream_message = raw_message[:300]
        logger.warning(
            "X-Platform %s rejected the credentials of account %s (HTTP %s, code %s, "
            "reason %s)",
            self._host,
            self.account.account_id,
            response.status_code,
            code,
            self._scrub(reason or "")[:200],
        )
        return XPlatformAuthError(
            "The X-Platform server rejected the stored credentials.",
            response.status_code,
            code=code,
            upstream_message=upstream_message,
            reason=self._scrub(reason)[:200] if reason is not None else None,
        )

    def _read_body(
        self,
        response: requests.Response,
        deadline: float,
        max_bytes: int,
        *,
        truncate: bool,
    ) -> bytes:
        """Read the body under the deadline and the size cap (R-HTTP-01, -05).

        ``read1`` returns as soon as some data has arrived; ``iter_content``
        on a body with a Content-Length blocks until 64 KiB or the end, so a
        server trickling one byte at a time would never meet the deadline
        check. Decompressed bytes are counted, which stops gzip bombs.
        """
        length = response.headers.get("Content-Length", "")
        if not truncate and length.strip().isdigit() and int(length) > max_bytes:
            raise self._too_large(max_bytes)
        raw = response.raw
        chunks: list[bytes] = []
        total = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._deadline_error()
            _set_read_timeout(raw, min(self.policy.read_timeout, remaining))
            try:
                chunk = raw.read1(_CHUNK_SIZE, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError:
                raise self._read_timeout_error(deadline) from None
            except urllib3.exceptions.DecodeError:
                raise XPlatformResponseError(
                    "The X-Platform server sent data that could not be decompressed."
                ) from None
            except (urllib3.exceptions.HTTPError, OSError):
                # Mid-body resets are not retried (R-HTTP-02).
                raise XPlatformUnavailable(
                    "The connection to the X-Platform server was interrupted."
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


def _set_read_timeout(raw: Any, seconds: float) -> None:
    """Bound each socket read by the time left before the deadline."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(seconds, 0.001))


def _is_connect_failure(exc: requests.ConnectionError) -> bool:
    """True when no connection was made, so a retry cannot duplicate a request."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _retry_after_seconds(value: str) -> float:
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
