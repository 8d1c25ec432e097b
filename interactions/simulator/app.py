"""The X-Platform Interaction History simulator as a plain WSGI application.

``make_app(dataset=..., faults=...)`` returns a WSGI callable serving the GET
routes of docs/xplatform-api.md section 7 under
``/interact/agent/version/{version}/account/{accountID}``:

- ``uniqueId/{dtmf|callReturn|clickToCall|historySearchId}/{value}``
- ``interactiondata/{uid}/fullFlow`` and ``.../{value}/fullFlow/byCallerAttribute``
- ``interactiondata/{uid}/summary`` and ``.../{value}/summary/byCallerAttribute``
- ``interactiondata/{uid}/variableSet/{setId}`` and ``.../byCallerAttribute``
- ``photo/{uid}/{img_path}?maxSize=N``

It is deliberately independent of the console: it imports neither
``interactions.xplatform`` nor Django models, so a misreading
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

With ``control=True`` (``--control``) the paths under ``/_control`` switch
latency and faults per account while the simulator runs, for loopback peers
only (:mod:`~interactions.simulator.control`); with ``generated=True``
(``--generated``) unique IDs ``gen-<digits>`` and phone numbers
``NPA-555-2XXX`` answer generated interactions
(:mod:`~interactions.simulator.generated`).

Every request is logged once, with its API method (never the path, which
may hold a phone number), status and the ``X-Request-ID`` it came with, so
a console request can be followed into the simulator's log.

Modules: this one holds the WSGI entry point and the request log;
:mod:`~interactions.simulator.request` parses requests and matches routes,
:mod:`~interactions.simulator.methods` answers them (credentials, the five
methods, photo paths), :mod:`~interactions.simulator.responses` builds the
documented bodies and :mod:`~interactions.simulator.fault_responses` applies
the fault switches.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from interactions.simulator.clock import Clock, SystemClock
from interactions.simulator.control import (
    AccountControls,
    ControlEndpoint,
    is_control_path,
    merge_plans,
)
from interactions.simulator.fault_responses import ConnectionReset, FaultResponses
from interactions.simulator.faults import FaultPlan, Faults
from interactions.simulator.methods import ApiMethods
from interactions.simulator.model import Dataset
from interactions.simulator.request import (
    RESET_ENVIRON_KEY,
    SOCKET_ENVIRON_KEY,
    SUPPORTED_VERSIONS,
    Request,
    Route,
    parse_request,
)
from interactions.simulator.responses import (
    CONTENT_TYPES,
    JSON_CONTENT_TYPE,
    TEXT_CONTENT_TYPE,
    UNAUTHORIZED_BODY,
    Response,
    is_known_status,
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

# A request ID is logged only when it is a plain token.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


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

    @property
    def request_id(self) -> str | None:
        """The ``X-Request-ID`` the request came with."""
        return self.headers.get("X-Request-Id")


class SimulatorApp:
    """The WSGI callable. Thread-safe; records every request in :attr:`hits`."""

    def __init__(
        self,
        *,
        dataset: Dataset,
        faults: Faults,
        clock: Clock,
        unique_id_text_plain: bool = False,
        control: bool = False,
        generated: bool = False,
    ) -> None:
        self.dataset = dataset
        self.faults = faults
        self.clock = clock
        self.unique_id_text_plain = unique_id_text_plain
        self.generated = generated
        # Per-account settings; reachable over HTTP only with ``control``.
        self.controls = AccountControls()
        self._control = ControlEndpoint(self.controls, dataset, enabled=control)
        self._hits: list[Hit] = []
        self._hits_lock = threading.Lock()
        self._methods = ApiMethods(self)
        self._fault_responses = FaultResponses(
            faults, lambda request, route: self._handle(request, route)
        )

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
        request = parse_request(environ)
        if is_control_path(request):
            response = self._control.respond(request, environ)
            _log_request(request, "(control)", str(response.status))
            return self._start(response, start_response)
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
        plan = (
            merge_plans(
                self.faults.plan(api_method),
                self.controls.plan(request.account_id, api_method),
            )
            if api_method
            else FaultPlan()
        )
        if plan.delay:
            self.faults.sleep(plan.delay)
        try:
            if plan.respond is not None:
                response = self._fault_responses.respond(
                    plan.respond, api_method, request, route
                )
            else:
                response = self._handle(request, route)
            if plan.deliver is not None:
                response = self._fault_responses.deliver(
                    plan.deliver, response, environ
                )
        except ConnectionReset:
            _log_request(request, api_method, "reset")
            raise
        except Exception:
            logger.exception("X-Platform simulator failed on %s", request.raw_path)
            response = Response(500, [("Content-Length", "0")])
        _log_request(request, api_method, str(response.status))
        return self._start(response, start_response)

    def _start(
        self, response: Response, start_response: StartResponse
    ) -> Iterable[bytes]:
        phrase = (
            HTTPStatus(response.status).phrase
            if is_known_status(response.status)
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

    def _handle(self, request: Request, route: Route | None) -> Response:
        return self._methods.handle(request, route)


def _log_request(request: Request, api_method: str | None, status: str) -> None:
    sent = request.headers.get("X-Request-Id", "")
    request_id = sent if _REQUEST_ID.fullmatch(sent) else "-"
    logger.info(
        # The ID is a field of its own (and the plain format's prefix): in
        # the message the masking would take its digit runs for a number.
        "X-Platform simulator %s %s -> %s",
        request.method,
        api_method or "(no route)",
        status,
        extra={
            "event": "simulator_request",
            "request_id": request_id,
            "api_method": api_method or "",
            "account": request.account_id or "",
            "status": status,
        },
    )


def make_app(
    *,
    dataset: Dataset,
    faults: Faults,
    clock: Clock | None = None,
    unique_id_text_plain: bool = False,
    control: bool = False,
    generated: bool = False,
) -> SimulatorApp:
    """Build the simulator's WSGI callable.

    ``clock`` defaults to the wall clock (the simulator starts now);
    ``unique_id_text_plain`` makes unique-ID lookups answer ``text/plain``
    for the whole run (decision a), like ``faults.unique_id_text_plain``;
    ``control`` opens the loopback control endpoint
    (:mod:`~interactions.simulator.control`) and ``generated`` answers the
    generated interactions of :mod:`~interactions.simulator.generated`.
    """
    return SimulatorApp(
        dataset=dataset,
        faults=faults,
        clock=clock if clock is not None else SystemClock(),
        unique_id_text_plain=unique_id_text_plain,
        control=control,
        generated=generated,
    )
