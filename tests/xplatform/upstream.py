"""A scripted X-Platform upstream on loopback, for the client tests.

A tiny threaded stdlib server: each test scripts its answers (``json_answer``,
``raw_answer``, ``sleepy``) and counts the requests that reach it
(``Server.hits``). ``make_client`` points an ``XPlatformClient`` at it with
the tiny timeouts of ``POLICY``. The ``upstream`` and ``fresh_registry``
fixtures live in ``tests/xplatform/conftest.py``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from interactions.xplatform.client import XPlatformClient
from interactions.xplatform.config import AccountConfig, CallPolicy
from interactions.xplatform.errors import XPlatformError

KEY = "s3cr3t-application-key-0123456789"
READ_TIMEOUT = 0.5
DEADLINE = 1.5
JSON_CAP = 256 * 1024
IMAGE_CAP = 1024 * 1024
POLICY = CallPolicy(
    connect_timeout=0.5,
    read_timeout=READ_TIMEOUT,
    deadline=DEADLINE,
    retries=2,
    max_json_bytes=JSON_CAP,
    max_image_bytes=IMAGE_CAP,
    pool_size=4,
    allowed_hosts=("127.0.0.1",),
    backoff_factor=0.05,
    backoff_jitter=0.01,
    backoff_max=0.1,
)
IMAGE = "/mnt/sdcard/home/downloads/i1152998579.png"

Behaviour = Callable[[BaseHTTPRequestHandler], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: with Nagle's algorithm the second
    # waits for the client's delayed ACK on a kept connection (40 ms).
    disable_nagle_algorithm = True
    server: Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.record(self)
        try:
            self.server.next_behaviour()(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _refuse(self) -> None:
        self.server.record(self)
        send(self, 405, b"")

    do_POST = do_PUT = do_DELETE = do_HEAD = _refuse


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: list[dict[str, object]] = []
        self.script: list[Behaviour] = []
        self.default: Behaviour = json_answer({"uniqueId": "040100713"})
        self.connections: set[int] = set()
        self.in_flight = 0
        self.max_in_flight = 0

    def record(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.hits.append(
                {
                    "method": handler.command,
                    "path": handler.path,
                    "headers": dict(handler.headers.items()),
                    "port": handler.client_address[1],
                }
            )
            self.connections.add(handler.client_address[1])

    def next_behaviour(self) -> Behaviour:
        with self.lock:
            return self.script.pop(0) if self.script else self.default

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hung up on purpose in many tests

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    headers = {"Content-Length": str(len(body)), **(headers or {})}
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


def json_answer(payload: object, status: int = 200, **headers: str) -> Behaviour:
    body = json.dumps(payload).encode()
    merged = {"Content-Type": "application/json;charset=UTF-8", **headers}
    return lambda h: send(h, status, body, merged)


def raw_answer(status: int, body: bytes = b"", **headers: str) -> Behaviour:
    return lambda h: send(
        h, status, body, {k.replace("_", "-"): v for k, v in headers.items()}
    )


def sleepy(seconds: float) -> Behaviour:
    def behave(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(h, 200, b'{"uniqueId": "1"}', {"Content-Type": "application/json"})

    return behave


def make_client(
    server: Server, policy: CallPolicy = POLICY, **account: Any
) -> XPlatformClient:
    config = AccountConfig(
        **{
            "base_url": server.base_url,
            "account_id": "jan20",
            "application_key": KEY,
            **account,
        }
    )
    return XPlatformClient(config, policy=policy)


def timed(func: Callable[[], object]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        func()
    except XPlatformError as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


def no_retry_policy() -> CallPolicy:
    return CallPolicy(**{**POLICY.__dict__, "retries": 0})
