"""The X-Platform Interaction History simulator as a plain WSGI application.

``make_app(dataset=..., faults=...)`` returns a WSGI callable serving the GET
routes of xplatform-api.md section 7 under
``/interact/agent/version/{version}/account/{accountID}``:

- ``uniqueId/{dtmf|callReturn|clickToCall|historySearchId}/{value}``
- ``interactiondata/{uid}/fullFlow`` and ``.../{value}/fullFlow/byCallerAttribute``
- ``interactiondata/{uid}/summary`` and ``.../{value}/summary/byCallerAttribute``
- ``interactiondata/{uid}/variableSet/{setId}`` and ``.../byCallerAttribute``
- ``photo/{uid}/{img_path}?maxSize=N``

It is deliberately independent of the console: it imports neither
``interactions.xplatform`` nor Django models (style.md 2.6), so a misreading
of the vendor API on one side is not mirrored on the other.

Order of checks, like the real server: credentials first (``Tenant-Id`` equal
to the account in the path, that account's ``Application-Key``, and the
account's ``Environment-Name`` if one is sent: 401 with the JSON of 3.4 and an
``Unauthenticated-Reason`` header), then the version (400), the route (404),
the HTTP method (405), the parameters (400 ``missing or invalid parameter
<name>``, plain text) and finally the data (404 plain text). A 500 has an
empty body (U-PH).

Simulator assumptions beyond the docs:

- The raw request path is parsed when the server provides it (``RAW_URI`` or
  ``REQUEST_URI``; the bundled server sets ``RAW_URI``): it is split on ``/``
  first and each segment percent-decoded once, so a doubly encoded
  ``img_path`` (``%252F``) becomes ``%2F...`` and is decoded once more. A
  segment whose first decoding already contains ``/`` was sent with a single
  encoding (``%2F``); like Tomcat, which refuses encoded slashes, the
  simulator refuses it (400 for that parameter). Without a raw path the
  already-decoded ``PATH_INFO`` is split instead, where a single encoding
  gives extra segments and so a 404.
- ``img_path`` may be the path as found in the full flow, the legacy form with
  the file name's last ``.`` replaced by ``@@@@@`` (J-PH), or the path
  without its extension (the Uniphore examples, U-PH). ``maxSize`` is
  required, a positive integer, and is the largest side after down-scaling;
  a photo that already fits comes back byte for byte.
- Caller-attribute matching, ``widerSearch`` and the time window are
  described in :mod:`interactions.simulator.data`.
"""

from __future__ import annotations

import hmac
import json
import logging
import posixpath
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from interactions.simulator import render
from interactions.simulator.clock import Clock, SystemClock
from interactions.simulator.data import (
    RECENT_WINDOW,
    CallerAttributeKind,
    Dataset,
    DemoAccount,
    Instance,
    Snapshot,
)
from interactions.simulator.faults import FaultPlan, FaultRule, Faults
from interactions.simulator.photos import (
    Photo,
    bomb_png,
    foreign_image,
    gzip_bomb,
    sample_jpeg,
    truncated_jpeg,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = [
    "CONTENT_TYPES",
    "JSON_CONTENT_TYPE",
    "RESET_ENVIRON_KEY",
    "SOCKET_ENVIRON_KEY",
    "SUPPORTED_VERSIONS",
    "TEXT_CONTENT_TYPE",
    "UNAUTHORIZED_BODY",
    "Hit",
    "SimulatorApp",
    "make_app",
]

logger = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
TEXT_CONTENT_TYPE = "text/plain;charset=UTF-8"
HTML_CONTENT_TYPE = "text/html;charset=UTF-8"
# The documented photo type is the non-standard image/jpg (J-PH); PNG and GIF
# are not documented, so the registered types are used.
CONTENT_TYPES = {
    "JPEG": "image/jpg;charset=UTF-8",
    "PNG": "image/png",
    "GIF": "image/gif",
}
SUPPORTED_VERSIONS = frozenset({"1", "2", "v1", "v2"})
UNAUTHORIZED_BODY = {
    "code": "0x7000000",
    "message": "Request is unauthorized, missing or wrong credentials",
    "moreInfoUrl": "http://support.uniphore.com",
}
# Keys the bundled server (server.py) puts into the WSGI environ.
SOCKET_ENVIRON_KEY = "xplatform_simulator.socket"
RESET_ENVIRON_KEY = "xplatform_simulator.reset"

_PREFIX = ("", "interact", "agent", "version")
# URL token -> (attribute, parameter name in error messages) (U-UID, Z-UID)
_UNIQUE_ID_KINDS: dict[str, tuple[CallerAttributeKind, str]] = {
    "dtmf": ("dtmf", "dtmf"),
    "callReturn": ("callReturn", "callReturnNumber"),
    "clickToCall": ("clickToCall", "callerId"),
    "historySearchId": ("historySearchId", "historySearchId"),
}
_MAX_VALUE_LENGTH = 256
_MAX_IMG_PATH_SEGMENT = 4096
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_SIZE = re.compile(r"[0-9]{1,6}")
_LEGACY_DOT = "@@@@@"  # J-PH
_ENDLESS_LIMIT = 4 * 1024**3
_CHUNK = 64 * 1024


class _ConnectionReset(ConnectionAbortedError):
    """Ends a response abruptly; wsgiref drops aborted connections quietly."""


@dataclass(frozen=True)
class Hit:
    """One request the simulator received (for "zero upstream calls" tests)."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    api_method: str | None
    at: float

    @property
    def params(self) -> dict[str, list[str]]:
        """The query string, parsed."""
        return parse_qs(self.query, keep_blank_values=True)


@dataclass
class _Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    stream: Iterable[bytes] | None = None

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass(frozen=True)
class _Route:
    api_method: str
    value: str
    value_param: str
    by_attribute: bool = False
    attribute: CallerAttributeKind | None = None
    set_id: str | None = None
    img_path: str | None = None


@dataclass(frozen=True)
class _Request:
    method: str
    raw_path: str
    query: str
    segments: tuple[str, ...]
    headers: Mapping[str, str]

    @property
    def version(self) -> str | None:
        return self.segments[4] if self._has_prefix else None

    @property
    def account_id(self) -> str | None:
        return self.segments[6] if self._has_prefix else None

    @property
    def _has_prefix(self) -> bool:
        return (
            len(self.segments) >= 7
            and self.segments[:4] == _PREFIX
            and self.segments[5] == "account"
        )

    def param(self, name: str) -> str | None:
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[0] if values else None

    def route(self) -> _Route | None:
        """Match the path after ``account/{accountID}``.

        URI elements are case-sensitive (J-URI).
        """
        if not self._has_prefix:
            return None
        rest = self.segments[7:]
        match rest:
            case ("uniqueId", kind, value) if kind in _UNIQUE_ID_KINDS:
                attribute, param = _UNIQUE_ID_KINDS[kind]
                return _Route("uniqueId", value, param, attribute=attribute)
            case ("interactiondata", value, ("fullFlow" | "summary") as name):
                return _Route(name, value, "uid")
            case (
                "interactiondata",
                value,
                ("fullFlow" | "summary") as name,
                "byCallerAttribute",
            ):
                return _Route(name, value, "callerAttributeValue", by_attribute=True)
            case ("interactiondata", value, "variableSet", set_id):
                return _Route("variableSet", value, "uid", set_id=set_id)
            case ("interactiondata", value, "variableSet", set_id, "byCallerAttribute"):
                return _Route(
                    "variableSet",
                    value,
                    "callerAttributeValue",
                    by_attribute=True,
                    set_id=set_id,
                )
            case ("photo", uid, img_path):
                return _Route("photo", uid, "uid", img_path=img_path)
        return None


def _parse_request(environ: WSGIEnvironment) -> _Request:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        if raw.startswith(("http://", "https://")):
            parts = urlsplit(raw)
            raw = parts.path + (f"?{parts.query}" if parts.query else "")
        raw_path, _, query = raw.partition("?")
        segments = tuple(unquote(segment) for segment in raw_path.split("/"))
    else:
        # PEP 3333 hands the path over as latin-1 decoded bytes.
        path_info = (
            environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        )
        raw_path = path_info
        query = environ.get("QUERY_STRING", "")
        segments = tuple(path_info.split("/"))
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = environ[key]
    return _Request(
        method=environ.get("REQUEST_METHOD", "GET"),
        raw_path=raw_path,
        query=query,
        segments=segments,
        headers=headers,
    )


def _json(status: int, payload: Any) -> _Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return _Response(status, [("Content-Type", JSON_CONTENT_TYPE)], body)


def _text(status: int, text: str) -> _Response:
    return _Response(
        status, [("Content-Type", TEXT_CONTENT_TYPE)], text.encode("utf-8")
    )


def _bad_parameter(name: str) -> _Response:
    return _text(400, f"missing or invalid parameter {name}")


def _unauthorized(reason: str) -> _Response:
    response = _json(401, UNAUTHORIZED_BODY)
    response.headers.append(("Unauthenticated-Reason", reason))
    return response


def _valid_value(value: str, limit: int = _MAX_VALUE_LENGTH) -> bool:
    return 0 < len(value) <= limit and "/" not in value and not _CONTROL.search(value)


def _status_response(status: int, api_method: str | None) -> _Response:
    """The documented body for a status (3.4, 3.5, U-PH)."""
    if status == 401:
        return _unauthorized("wrong Application-Key")
    if status == 400:
        return _bad_parameter("version")
    if status == 404:
        return _text(
            404,
            "photo was not found"
            if api_method == "photo"
            else "interaction was not found",
        )
    if status == 405:
        response = _text(405, "method not allowed")
        response.headers.append(("Allow", "GET"))
        return response
    if status == 429:
        return _text(429, "too many requests")
    if 300 <= status < 400 or status >= 500 or status == 403:
        return _Response(status, [("Content-Length", "0")])
    return _text(
        status, HTTPStatus(status).phrase.lower() if _is_known(status) else "error"
    )


def _is_known(status: int) -> bool:
    try:
        HTTPStatus(status)
    except ValueError:
        return False
    return True


class SimulatorApp:
    """The WSGI callable. Thread-safe; records every request in :attr:`hits`."""

    def __init__(
        self,
        *,
        dataset: Dataset,
        faults: Faults,
        clock: Clock,
        unique_id_text_plain: bool = False,
    ) -> None:
        self.dataset = dataset
        self.faults = faults
        self.clock = clock
        self.unique_id_text_plain = unique_id_text_plain
        self._hits: list[Hit] = []
        self._hits_lock = threading.Lock()

    # --- recorded requests --------------------------------------------------

    @property
    def hits(self) -> list[Hit]:
        """A copy of the requests received so far, in arrival order."""
        with self._hits_lock:
            return list(self._hits)

    def clear_hits(self) -> None:
        with self._hits_lock:
            self._hits.clear()

    # --- WSGI ---------------------------------------------------------------

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        request = _parse_request(environ)
        route = request.route()
        api_method = route.api_method if route else None
        with self._hits_lock:
            self._hits.append(
                Hit(
                    method=request.method,
                    path=request.raw_path,
                    query=request.query,
                    headers=dict(request.headers),
                    api_method=api_method,
                    at=time.time(),
                )
            )
        plan = self.faults.plan(api_method) if api_method else FaultPlan()
        if plan.delay:
            self.faults.sleep(plan.delay)
        try:
            if plan.respond is not None:
                response = self._fault_response(
                    plan.respond, api_method, request, route
                )
            else:
                response = self._handle(request, route)
            if plan.deliver is not None:
                response = self._deliver(plan.deliver, response, environ)
        except _ConnectionReset:
            raise
        except Exception:
            logger.exception("X-Platform simulator failed on %s", request.raw_path)
            response = _Response(500, [("Content-Length", "0")])
        return self._start(response, start_response)

    def _start(
        self, response: _Response, start_response: StartResponse
    ) -> Iterable[bytes]:
        phrase = (
            HTTPStatus(response.status).phrase
            if _is_known(response.status)
            else "Unknown"
        )
        headers = list(response.headers)
        if response.stream is None and response.header("Content-Length") is None:
            headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {phrase}", headers)
        if response.stream is not None:
            return response.stream
        return [response.body]

    # --- the real behaviour -------------------------------------------------

    def _handle(self, request: _Request, route: _Route | None) -> _Response:
        account_id = request.account_id
        if account_id is None:
            return _text(404, "resource was not found")
        account, reason = self._authenticate(account_id, request.headers)
        if account is None:
            return _unauthorized(reason)
        if request.version not in SUPPORTED_VERSIONS:
            return _bad_parameter("version")
        if route is None:
            return _text(404, "resource was not found")
        if request.method != "GET":
            response = _text(405, "method not allowed")
            response.headers.append(("Allow", "GET"))
            return response
        if not _valid_value(route.value):
            return _bad_parameter(route.value_param)
        if route.api_method == "uniqueId":
            return self._unique_id(account, route)
        if route.api_method == "photo":
            return self._photo(account, route, request)
        found = self._find(account, route, request)
        if isinstance(found, _Response):
            return found
        if route.api_method == "fullFlow":
            return _json(200, render.full_flow(found))
        if route.api_method == "summary":
            return _json(200, render.summary(found))
        body = render.variable_set(found, route.set_id or "")
        if body is None:
            return _text(404, "variable set was not found")
        return _json(200, body)

    def _authenticate(
        self, account_id: str, headers: Mapping[str, str]
    ) -> tuple[DemoAccount | None, str]:
        tenant = headers.get("Tenant-Id")
        if not tenant:
            return None, "missing Tenant-Id"
        if tenant != account_id:
            return None, "Tenant-Id does not match the account"
        account = self.dataset.account(account_id)
        if account is None:
            return None, "unknown account"
        key = headers.get("Application-Key")
        if not key:
            return None, "missing Application-Key"
        if not hmac.compare_digest(
            key.encode("utf-8"), account.application_key.encode("utf-8")
        ):
            return None, "wrong Application-Key"
        environment = headers.get("Environment-Name")
        # Environment-Name is needed only on multi-environment accounts (Z-PH);
        # a different one is refused.
        if (
            account.environment_name
            and environment is not None
            and environment != account.environment_name
        ):
            return None, "wrong Environment-Name"
        return account, ""

    def _snapshots(self, account: DemoAccount) -> list[Snapshot]:
        now = self.clock.now()
        snapshots = []
        for instance in self.dataset.instances_of(account.account_id):
            snapshot = instance.snapshot(self.clock.started_at, now)
            if snapshot is not None:
                snapshots.append(snapshot)
        # Most recent activity first.
        snapshots.sort(key=lambda s: s.last_activity, reverse=True)
        return snapshots

    def _unique_id(self, account: DemoAccount, route: _Route) -> _Response:
        kind = route.attribute
        ids = [
            s.instance.unique_id
            for s in self._snapshots(account)
            if kind is not None and s.instance.attributes.get(kind) == route.value
        ]
        if not ids:
            return _text(404, "interaction was not found")
        if self.unique_id_text_plain or self.faults.unique_id_text_plain:
            return _text(200, "\n".join(ids))
        if len(ids) == 1:
            return _json(200, {"uniqueId": ids[0]})
        return _json(200, [{"uniqueId": uid} for uid in ids])

    def _find(
        self, account: DemoAccount, route: _Route, request: _Request
    ) -> Snapshot | _Response:
        if not route.by_attribute:
            instance = self.dataset.instance(account.account_id, route.value)
            snapshot = self._snapshot_of(instance)
            if snapshot is None:
                return _text(404, "interaction was not found")
            return snapshot
        wider_text = request.param("widerSearch")
        if wider_text is None:
            wider = False
        elif wider_text.lower() in ("true", "false"):
            wider = wider_text.lower() == "true"
        else:
            return _bad_parameter("widerSearch")
        horizon = self.clock.now() - RECENT_WINDOW
        for snapshot in self._snapshots(account):
            if route.value not in snapshot.instance.attributes.values():
                continue
            if wider or snapshot.live or snapshot.last_activity >= horizon:
                return snapshot
        return _text(404, "interaction was not found")

    def _snapshot_of(self, instance: Instance | None) -> Snapshot | None:
        if instance is None:
            return None
        return instance.snapshot(self.clock.started_at, self.clock.now())

    def _photo(
        self, account: DemoAccount, route: _Route, request: _Request
    ) -> _Response:
        segment = route.img_path or ""
        if not _valid_value(segment, _MAX_IMG_PATH_SEGMENT):
            return _bad_parameter("img_path")
        img_path = unquote(segment)
        if _CONTROL.search(img_path) or not img_path.strip():
            return _bad_parameter("img_path")
        max_size_text = request.param("maxSize")
        if max_size_text is None or not _MAX_SIZE.fullmatch(max_size_text):
            return _bad_parameter("maxSize")
        max_size = int(max_size_text)
        if max_size < 1:
            return _bad_parameter("maxSize")
        snapshot = self._snapshot_of(
            self.dataset.instance(account.account_id, route.value)
        )
        if snapshot is None:
            return _text(404, "photo was not found")
        path = _match_photo_path(img_path, snapshot.photo_paths)
        if path is None or path not in self.dataset.photos:
            return _text(404, "photo was not found")
        photo = self.dataset.photos.scaled(path, max_size)
        return _photo_response(photo)

    # --- faults -------------------------------------------------------------

    def _fault_response(
        self,
        rule: FaultRule,
        api_method: str | None,
        request: _Request,
        route: _Route | None,
    ) -> _Response:
        kind = rule.kind
        if kind == "fail":
            response = _status_response(rule.status, api_method)
            if rule.retry_after is not None:
                response.headers.append(("Retry-After", str(rule.retry_after)))
            return response
        if kind == "html":
            page = (
                "<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
                "<body><h1>Scheduled maintenance</h1><p>The X-Platform is being "
                "upgraded. Please try again later.</p></body></html>\n"
            )
            return _Response(
                rule.status, [("Content-Type", HTML_CONTENT_TYPE)], page.encode()
            )
        if kind == "invalid_json":
            real = self._handle(request, route)
            if real.status == 200 and real.header("Content-Type") == JSON_CONTENT_TYPE:
                body = real.body[: max(1, len(real.body) // 2)]
            else:
                body = b'{"uniqueId": "0401'
            return _Response(200, [("Content-Type", JSON_CONTENT_TYPE)], body)
        if kind == "oversized":
            return self._oversized(rule, api_method)
        if kind == "endless":
            return _Response(
                200, [("Content-Type", JSON_CONTENT_TYPE)], stream=self._endless()
            )
        if kind == "gzip_bomb":
            return _Response(
                200,
                [("Content-Type", JSON_CONTENT_TYPE), ("Content-Encoding", "gzip")],
                gzip_bomb(rule.size),
            )
        if kind == "redirect":
            return _Response(
                rule.status,
                [("Location", rule.location), ("Content-Type", TEXT_CONTENT_TYPE)],
                b"moved",
            )
        if kind == "bomb_image":
            return _Response(
                200,
                [("Content-Type", CONTENT_TYPES["PNG"])],
                bomb_png(rule.width, rule.height),
            )
        if kind == "corrupt_image":
            real = self._handle(request, route)
            base = (
                real.body
                if real.status == 200 and real.body[:2] == b"\xff\xd8"
                else sample_jpeg()
            )
            return _Response(
                200, [("Content-Type", CONTENT_TYPES["JPEG"])], truncated_jpeg(base)
            )
        if kind == "foreign_image":
            return _Response(
                200,
                [("Content-Type", CONTENT_TYPES["JPEG"])],
                foreign_image(rule.image_kind),
            )
        raise ValueError(f"not a response fault: {kind}")

    def _oversized(self, rule: FaultRule, api_method: str | None) -> _Response:
        if api_method == "photo":
            # A real JPEG followed by padding: decoders ignore bytes after EOI.
            head = sample_jpeg()
            content_type = CONTENT_TYPES["JPEG"]
            item, tail, separator = b"\0" * _CHUNK, b"", b""
        else:
            head = b"["
            content_type = JSON_CONTENT_TYPE
            item = b'{"pageNavigation": {"navigationTitle": "' + b"x" * 4000 + b'"}}'
            tail, separator = b"]", b","
        count = max(
            1, -(-(rule.size - len(head) - len(tail)) // (len(item) + len(separator)))
        )
        total = len(head) + len(tail) + count * len(item) + (count - 1) * len(separator)

        def body() -> Iterator[bytes]:
            yield head
            for index in range(count):
                if self.faults.interrupted:
                    return
                yield (separator + item) if index else item
            yield tail

        declared = rule.declared_length if rule.declared_length is not None else total
        return _Response(
            200,
            [("Content-Type", content_type), ("Content-Length", str(declared))],
            stream=body(),
        )

    def _endless(self) -> Iterator[bytes]:
        yield b'[{"pageNavigation": {"navigationTitle": "'
        chunk = b"x" * _CHUNK
        sent = 0
        while sent < _ENDLESS_LIMIT and not self.faults.interrupted:
            yield chunk
            sent += len(chunk)

    def _deliver(
        self, rule: FaultRule, response: _Response, environ: WSGIEnvironment
    ) -> _Response:
        chunks: Iterable[bytes]
        if response.stream is not None:
            chunks = response.stream
        else:
            chunks = [response.body]
            if response.header("Content-Length") is None:
                response.headers.append(("Content-Length", str(len(response.body))))
        if rule.kind == "reset":
            if rule.after_bytes is None:
                _request_reset(environ)
                raise _ConnectionReset("simulated connection reset")
            response.stream = self._reset_after(chunks, rule.after_bytes, environ)
            return response
        response.stream = self._trickle(chunks, rule.seconds)
        return response

    def _reset_after(
        self, chunks: Iterable[bytes], limit: int, environ: WSGIEnvironment
    ) -> Iterator[bytes]:
        sent = 0
        for chunk in chunks:
            piece = chunk[: limit - sent]
            sent += len(piece)
            yield piece
            if sent >= limit:
                break
        _request_reset(environ)
        raise _ConnectionReset("simulated connection reset mid-body")

    def _trickle(self, chunks: Iterable[bytes], interval: float) -> Iterator[bytes]:
        for chunk in chunks:
            for index in range(len(chunk)):
                yield chunk[index : index + 1]
                if not self.faults.sleep(interval):
                    return


def _request_reset(environ: WSGIEnvironment) -> None:
    reset: Callable[[], None] | None = environ.get(RESET_ENVIRON_KEY)
    if reset is not None:
        reset()


def _match_photo_path(requested: str, known: Iterable[str]) -> str | None:
    """Resolve the requested img_path against the instance's photo paths."""
    known = tuple(known)
    if requested in known:
        return requested
    directory, _, name = requested.rpartition("/")
    if _LEGACY_DOT in name:
        # v7 servers: the file name's last "." sent as "@@@@@" (J-PH).
        stem, _, extension = name.rpartition(_LEGACY_DOT)
        candidate = f"{directory}/{stem}.{extension}"
        return candidate if candidate in known else None
    if "." not in name:
        # Uniphore's examples leave the extension out (U-PH).
        matches = [path for path in known if posixpath.splitext(path)[0] == requested]
        return matches[0] if len(matches) == 1 else None
    return None


def _photo_response(photo: Photo) -> _Response:
    return _Response(200, [("Content-Type", CONTENT_TYPES[photo.format])], photo.data)


def make_app(
    *,
    dataset: Dataset,
    faults: Faults,
    clock: Clock | None = None,
    unique_id_text_plain: bool = False,
) -> SimulatorApp:
    """Build the simulator's WSGI callable.

    ``clock`` defaults to the wall clock (the simulator starts now);
    ``unique_id_text_plain`` makes unique-ID lookups answer ``text/plain``
    for the whole run (decision a), like ``faults.unique_id_text_plain``.
    """
    return SimulatorApp(
        dataset=dataset,
        faults=faults,
        clock=clock if clock is not None else SystemClock(),
        unique_id_text_plain=unique_id_text_plain,
    )
