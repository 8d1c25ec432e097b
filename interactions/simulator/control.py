"""Run-time control of the simulator: per-account latency and faults over HTTP.

Tests and benchmarks that run the simulator in another process (or want one
account slow while another is fast) switch its behaviour while it runs:

- ``POST /_control/accounts/{accountID}`` with a JSON object
  ``{"latency_ms": 4000, "faults": {"summary": "fail:503"}}`` *replaces* that
  account's settings. ``latency_ms`` (0 to 600000) is added to every call of
  the account; each key of ``faults`` is an API method (``uniqueId``,
  ``fullFlow``, ``summary``, ``variableSet``, ``photo``), ``*`` for all of
  them, or a method group (``required``: uniqueId, fullFlow and summary;
  ``optional``: variableSet and photo), and each value a fault of the
  command line's ``--fault`` without the method, ``KIND[:VALUE]``
  (``fail:503``, ``hang:30``, ``reset``, ``invalid_json``, ...; see
  :data:`~interactions.simulator.faults.FAULT_SPEC_HELP`). The faults stay
  on until changed. Answers the account's new settings.
- ``GET /_control`` answers every account's settings;
- ``DELETE /_control/accounts/{accountID}`` resets one account,
  ``DELETE /_control`` every account (the run-wide ``--fault`` switches
  stay).

The settings apply to calls whose path names the account (the ``Tenant-Id``
must equal it anyway), on top of the run-wide switches; like those, before
the credentials are checked.

The endpoint exists only when the simulator was started with ``--control``
(otherwise its paths answer 404 like any unknown path), answers only
requests whose peer address is loopback (403 otherwise, even when the
simulator listens on another address), and takes a ``POST`` body only as
``application/json`` (a web page cannot send that cross-origin without a
preflight the simulator never grants). Control requests are not recorded as
hits.
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from interactions.simulator.faults import API_METHODS, FaultPlan, Faults
from interactions.simulator.model import Dataset
from interactions.simulator.request import Request, valid_value
from interactions.simulator.responses import (
    Response,
    json_response,
    text_response,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = [
    "CONTROL_SEGMENT",
    "METHOD_GROUPS",
    "AccountControls",
    "ControlEndpoint",
    "is_control_path",
    "is_loopback",
    "merge_plans",
]

CONTROL_SEGMENT = "_control"
METHOD_GROUPS: dict[str, tuple[str, ...]] = {
    "*": ("*",),
    "required": ("uniqueId", "fullFlow", "summary"),
    "optional": ("variableSet", "photo"),
    **{method: (method,) for method in API_METHODS},
}
MAX_LATENCY_MS = 600_000
MAX_BODY = 64 * 1024
_IMAGE_KINDS = ("bomb_image", "bomb-image", "corrupt_image", "corrupt-image")


@dataclass(frozen=True)
class _Setting:
    latency_ms: int
    faults: Mapping[str, str]
    board: Faults

    def as_json(self) -> dict[str, Any]:
        return {"latency_ms": self.latency_ms, "faults": dict(self.faults)}


class AccountControls:
    """Per-account latency and faults; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: dict[str, _Setting] = {}

    def set(
        self,
        account_id: str,
        *,
        latency_ms: int = 0,
        faults: Mapping[str, str] | None = None,
    ) -> None:
        """Replace one account's settings; ValueError (plain words) if invalid."""
        if (
            not isinstance(latency_ms, int)
            or isinstance(latency_ms, bool)
            or not 0 <= latency_ms <= MAX_LATENCY_MS
        ):
            raise ValueError(
                f"latency_ms must be a whole number from 0 to {MAX_LATENCY_MS}"
            )
        faults = dict(faults or {})
        board = Faults()
        if latency_ms:
            board.latency(latency_ms / 1000)
        for target, fault in faults.items():
            if target not in METHOD_GROUPS:
                raise ValueError(
                    f"unknown method {target!r}; use one of " + ", ".join(METHOD_GROUPS)
                )
            if not isinstance(fault, str) or not fault:
                raise ValueError(f"the fault of {target!r} must be text like fail:503")
            for method in METHOD_GROUPS[target]:
                board.apply_spec(_spec(method, fault))
        with self._lock:
            self._settings[account_id] = _Setting(latency_ms, faults, board)

    def reset(self, account_id: str | None = None) -> None:
        """Forget one account's settings, or every account's."""
        with self._lock:
            if account_id is None:
                self._settings.clear()
            else:
                self._settings.pop(account_id, None)

    def state(self) -> dict[str, dict[str, Any]]:
        """Every account's settings, as the control endpoint shows them."""
        with self._lock:
            return {key: setting.as_json() for key, setting in self._settings.items()}

    def plan(self, account_id: str | None, method: str) -> FaultPlan | None:
        """The account's faults for one request, or None if it has no settings."""
        if account_id is None:
            return None
        with self._lock:
            setting = self._settings.get(account_id)
        return setting.board.plan(method) if setting is not None else None


def _spec(method: str, fault: str) -> str:
    """``KIND[:VALUE]`` for one method as the command line's ``KIND:METHOD:VALUE``."""
    kind, _, value = fault.partition(":")
    if kind in _IMAGE_KINDS or kind.replace("-", "_") == "foreign_image":
        return fault  # photo faults name no method (foreign_image:fits)
    return f"{kind}:{method}:{value}" if value else f"{kind}:{method}"


def merge_plans(first: FaultPlan, second: FaultPlan | None) -> FaultPlan:
    """Both plans at once: delays add up, the first plan's faults win."""
    if second is None:
        return first
    return FaultPlan(
        delay=first.delay + second.delay,
        respond=first.respond or second.respond,
        deliver=first.deliver or second.deliver,
    )


def is_loopback(address: str | None) -> bool:
    """Whether a peer address is loopback (``127.0.0.0/8``, ``::1``, mapped v4)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def is_control_path(request: Request) -> bool:
    return len(request.segments) >= 2 and request.segments[1] == CONTROL_SEGMENT


class ControlEndpoint:
    """Answers ``/_control`` requests (see the module docstring)."""

    def __init__(
        self, controls: AccountControls, dataset: Dataset, *, enabled: bool
    ) -> None:
        self._controls = controls
        self._dataset = dataset
        self.enabled = enabled

    def respond(self, request: Request, environ: WSGIEnvironment) -> Response:
        if not self.enabled:
            return text_response(404, "resource was not found")
        if not is_loopback(environ.get("REMOTE_ADDR")):
            return text_response(403, "the control endpoint answers only loopback")
        rest = request.segments[2:]
        if rest in ((), ("",)):
            if request.method == "GET":
                return self._state()
            if request.method == "DELETE":
                self._controls.reset()
                return self._state()
            return _not_allowed("GET, DELETE")
        if len(rest) != 2 or rest[0] != "accounts":
            return text_response(404, "resource was not found")
        account_id = rest[1]
        if not valid_value(account_id) or self._dataset.account(account_id) is None:
            return text_response(404, "unknown account")
        if request.method == "DELETE":
            self._controls.reset(account_id)
            return self._state()
        if request.method != "POST":
            return _not_allowed("POST, DELETE")
        return self._post(account_id, request, environ)

    def _post(
        self, account_id: str, request: Request, environ: WSGIEnvironment
    ) -> Response:
        content_type = request.headers.get("Content-Type", "")
        if content_type.split(";", 1)[0].strip().lower() != "application/json":
            return text_response(415, "send the settings as application/json")
        body = _read_body(environ)
        if body is None:
            return text_response(413, f"the settings must be under {MAX_BODY} bytes")
        try:
            settings = json.loads(body)
        except (ValueError, RecursionError):
            return text_response(400, "the settings are not valid JSON")
        if not isinstance(settings, dict) or set(settings) - {"latency_ms", "faults"}:
            return text_response(
                400, "send a JSON object with latency_ms and faults only"
            )
        faults = settings.get("faults", {})
        if not isinstance(faults, dict):
            return text_response(400, "faults must be an object of method: fault")
        try:
            self._controls.set(
                account_id, latency_ms=settings.get("latency_ms", 0), faults=faults
            )
        except ValueError as error:
            return text_response(400, str(error))
        return self._state()

    def _state(self) -> Response:
        return json_response(200, {"accounts": self._controls.state()})


def _not_allowed(allow: str) -> Response:
    response = text_response(405, "method not allowed")
    response.headers.append(("Allow", allow))
    return response


def _read_body(environ: WSGIEnvironment) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return None
    if length <= 0:
        return b""
    data: bytes = environ["wsgi.input"].read(length)
    return data
