"""The client's call policy against real loopback sockets.

security.md R-HTTP-01 to R-HTTP-06, R-SSRF-01 to R-SSRF-03. A tiny threaded
stdlib server plays the upstream: each test scripts its answers and counts
the requests that reach it. Timeouts are tiny to keep the file fast.
"""

from __future__ import annotations

import gzip
import json
import logging
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pybreaker
import pytest

from interactions.xplatform import client as client_module
from interactions.xplatform.client import (
    AccountConfig,
    CallerAttribute,
    CallPolicy,
    ConnectionOutcome,
    XPlatformClient,
    clear_clients,
    get_client,
)
from interactions.xplatform.errors import (
    XPlatformAuthError,
    XPlatformBadRequest,
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformTimeout,
    XPlatformTooLarge,
    XPlatformUnavailable,
)
from interactions.xplatform.validators import InvalidValue

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


# --- the scripted upstream -------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

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


class _Server(ThreadingHTTPServer):
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


@pytest.fixture
def upstream() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    clear_clients()
    yield
    clear_clients()


def make_client(
    server: _Server, policy: CallPolicy = POLICY, **account: Any
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


def _elapsed(func: Callable[[], object]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        func()
    except XPlatformError as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


# --- requests as sent ---------------------------------------------------------------


def test_sends_documented_headers_with_get(upstream):
    client = make_client(upstream, environment_name="PROD")
    assert client.unique_ids(CallerAttribute.DTMF, "4567").ids == ("040100713",)
    (hit,) = upstream.hits
    assert hit["method"] == "GET"
    assert hit["path"] == "/interact/agent/version/2/account/jan20/uniqueId/dtmf/4567"
    headers = hit["headers"]
    assert headers["Tenant-Id"] == "jan20"
    assert headers["Application-Key"] == KEY
    assert headers["Environment-Name"] == "PROD"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("xplatform-console/")
    assert "Cookie" not in headers
    assert "Authorization" not in headers


def test_environment_name_is_left_out_when_not_configured(upstream):
    make_client(upstream).unique_ids(CallerAttribute.DTMF, "4567")
    assert "Environment-Name" not in upstream.hits[0]["headers"]


def test_photo_request_path_and_accept_header_on_the_wire(upstream):
    upstream.default = raw_answer(
        200, b"\x89PNG...", Content_Type="image/jpg;charset=UTF-8"
    )
    client = make_client(upstream, legacy_photo_path=True, photo_max_size=60)
    photo = client.photo("040100709", IMAGE)
    assert photo.content == b"\x89PNG..."
    assert photo.content_type == "image/jpg;charset=UTF-8"
    (hit,) = upstream.hits
    assert hit["path"] == (
        "/interact/agent/version/2/account/jan20/photo/040100709/"
        "%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579@@@@@png?maxSize=60"
    )
    assert hit["headers"]["Accept"] == "image/*"


def test_connections_are_reused_across_calls(upstream):
    client = make_client(upstream)
    for _ in range(3):
        client.unique_ids(CallerAttribute.DTMF, "4567")
    assert len(upstream.hits) == 3
    assert len(upstream.connections) == 1


def test_concurrent_calls_never_exceed_the_pool_size(upstream, caplog):
    policy = CallPolicy(**{**POLICY.__dict__, "pool_size": 2, "deadline": 5.0})
    client = make_client(upstream, policy=policy)
    upstream.default = sleepy(0.2)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.unique_ids(CallerAttribute.DTMF, "4567")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(6)]
    with caplog.at_level(logging.WARNING):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(upstream.hits) == 6
    assert len(upstream.connections) <= 2
    assert "pool is full" not in caplog.text.lower()


def test_invalid_values_make_no_request(upstream):
    client = make_client(upstream)
    calls: list[Callable[[], object]] = [
        lambda: client.full_flow("../x"),
        lambda: client.summary("a/b"),
        lambda: client.variable_set("040100709", "a?b"),
        lambda: client.full_flow_by_attribute("%2e%2e"),
        lambda: client.unique_ids(CallerAttribute.DTMF, "12a"),
        lambda: client.unique_ids(CallerAttribute.CALL_RETURN, "212-555-CALL"),
        lambda: client.unique_ids(CallerAttribute.HISTORY_SEARCH_ID, "a#b"),
        lambda: client.photo("040100709", "../../admin"),
        lambda: client.photo("040100709", "https://evil/x.jpg"),
        lambda: client.photo("040100709", "//evil/x.jpg"),
        lambda: client.photo("040100709", "%2e%2e/"),
        lambda: client.photo("040100709", "a\\b.jpg"),
        lambda: client.summary_by_attribute("\uff0e\uff0e"),
        lambda: client.variable_set_by_attribute("a\x00b", "customerInfoSet"),
        lambda: client.full_flow("x" * 10_000),
    ]
    for call in calls:
        with pytest.raises(InvalidValue):
            call()
    assert upstream.hits == []


# --- R-HTTP-01: timeouts and the deadline ----------------------------------------


def test_read_timeout_raises_timeout_after_one_hit(upstream):
    upstream.default = sleepy(DEADLINE + 0.5)
    client = make_client(upstream)
    elapsed, exc = _elapsed(lambda: client.full_flow("040100713"))
    assert isinstance(exc, XPlatformTimeout)
    assert exc.message == "The X-Platform server did not answer within 0.5 s."
    assert READ_TIMEOUT - 0.05 < elapsed < READ_TIMEOUT + 0.5
    assert len(upstream.hits) == 1


def test_trickling_server_hits_the_deadline(upstream):
    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "100")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.1)

    upstream.default = trickle
    client = make_client(upstream)
    elapsed, exc = _elapsed(lambda: client.full_flow("040100713"))
    assert isinstance(exc, XPlatformTimeout)
    assert "took longer than 1.5 s" in exc.message
    assert DEADLINE - 0.05 < elapsed < DEADLINE + 0.4
    assert len(upstream.hits) == 1


def test_closed_port_fails_fast():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    config = AccountConfig(
        base_url=f"http://127.0.0.1:{port}", account_id="jan20", application_key=KEY
    )
    client = XPlatformClient(config, policy=POLICY)
    elapsed, exc = _elapsed(lambda: client.summary("040100713"))
    assert isinstance(exc, XPlatformUnavailable)
    assert not isinstance(exc, XPlatformTimeout)
    assert exc.message == "The X-Platform server could not be reached."
    assert elapsed < 1.0


# --- R-HTTP-02: bounded retries ---------------------------------------------------


def test_retries_503_then_succeeds_in_three_hits(upstream):
    upstream.script = [raw_answer(503), raw_answer(503)]
    client = make_client(upstream)
    assert client.unique_ids(CallerAttribute.DTMF, "4567").ids == ("040100713",)
    assert len(upstream.hits) == 3


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gives_up_after_three_hits(upstream, status):
    upstream.default = raw_answer(status)
    client = make_client(upstream)
    elapsed, exc = _elapsed(lambda: client.full_flow("040100713"))
    assert isinstance(exc, XPlatformUnavailable)
    assert exc.status == status
    assert len(upstream.hits) == 3
    assert elapsed < DEADLINE


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        (json_answer({"code": "0x7000000"}, 401), XPlatformAuthError),
        (raw_answer(403), XPlatformAuthError),
        (raw_answer(429, Retry_After="0"), XPlatformUnavailable),
        (raw_answer(400, b"missing or invalid parameter version"), XPlatformBadRequest),
        (raw_answer(500), XPlatformUnavailable),
        (raw_answer(404, b"not found"), XPlatformNotFound),
    ],
)
def test_other_statuses_are_not_retried(upstream, behaviour, error):
    upstream.default = behaviour
    with pytest.raises(error):
        make_client(upstream).full_flow("040100713")
    assert len(upstream.hits) == 1


def test_retry_after_beyond_the_deadline_stops_retrying(upstream):
    upstream.default = raw_answer(503, Retry_After="60")
    elapsed, exc = _elapsed(lambda: make_client(upstream).full_flow("040100713"))
    assert isinstance(exc, XPlatformUnavailable)
    assert len(upstream.hits) == 1
    assert elapsed < 0.5


def test_mid_body_reset_is_not_retried(upstream):
    def reset(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b'[{"pageNavigation"')
        h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(socket.SHUT_RDWR)

    upstream.default = reset
    with pytest.raises(XPlatformUnavailable, match="interrupted"):
        make_client(upstream).full_flow("040100713")
    assert len(upstream.hits) == 1


# --- status mapping (R-HTTP-06) ---------------------------------------------------


def test_401_carries_code_message_and_reason(upstream):
    upstream.default = json_answer(
        {
            "code": "0x7000000",
            "message": "Request is unauthorized, missing or wrong credentials",
            "moreInfoUrl": "http://support.uniphore.com",
        },
        401,
        **{"Unauthenticated-Reason": "INVALID_APPLICATION_KEY"},
    )
    with pytest.raises(XPlatformAuthError) as info:
        make_client(upstream).summary("040100713")
    exc = info.value
    assert exc.status == 401
    assert exc.message == "The X-Platform server rejected the stored credentials."
    assert exc.code == "0x7000000"
    assert (
        exc.upstream_message == "Request is unauthorized, missing or wrong credentials"
    )
    assert exc.reason == "INVALID_APPLICATION_KEY"


def test_400_carries_truncated_plain_text_detail(upstream):
    upstream.default = raw_answer(
        400, b"missing or invalid parameter maxSize " + b"x" * 500
    )
    with pytest.raises(XPlatformBadRequest) as info:
        make_client(upstream).photo("040100709", IMAGE)
    assert info.value.detail.startswith("missing or invalid parameter maxSize")
    assert len(info.value.detail) == 200


def test_404_on_unique_id_lookup_is_an_empty_result(upstream):
    upstream.default = raw_answer(404, b"not found")
    result = make_client(upstream).unique_ids(
        CallerAttribute.CLICK_TO_CALL, "+1 212 555 0134"
    )
    assert result.ids == ()
    assert upstream.hits[0]["path"].endswith("/uniqueId/clickToCall/%2B12125550134")


def test_404_on_photo_names_the_photo(upstream):
    upstream.default = raw_answer(404, b"photo was not found")
    with pytest.raises(XPlatformNotFound, match="photo was not found"):
        make_client(upstream).photo("040100709", IMAGE)


@pytest.mark.parametrize(
    "behaviour",
    [
        raw_answer(200, b"<html><body>Sign in</body></html>", Content_Type="text/html"),
        raw_answer(200, b"<html>", Content_Type="application/json"),
        raw_answer(200, b"{not json", Content_Type="application/json"),
        raw_answer(200, b'{"pages": "x"}', Content_Type="application/json"),
        raw_answer(204),
        raw_answer(418),
    ],
)
def test_unreadable_answers_are_response_errors(upstream, behaviour):
    upstream.default = behaviour
    with pytest.raises(XPlatformResponseError):
        make_client(upstream).full_flow("040100713")


def test_empty_photo_is_a_response_error(upstream):
    upstream.default = raw_answer(200, b"", Content_Type="image/png")
    with pytest.raises(XPlatformResponseError, match="empty photo"):
        make_client(upstream).photo("040100709", IMAGE)


def test_summary_of_another_interaction_is_refused(upstream):
    upstream.default = json_answer({"uniqueId": "someone-else", "pages": []})
    with pytest.raises(XPlatformResponseError, match="another interaction"):
        make_client(upstream).summary("040100713")


# --- R-SSRF-02: redirects ---------------------------------------------------------


def test_redirect_is_not_followed(upstream, caplog):
    other = _Server()
    threading.Thread(target=other.serve_forever, args=(0.02,), daemon=True).start()
    try:
        location = f"{other.base_url}/steal"
        upstream.default = raw_answer(302, Location=location)
        with (
            caplog.at_level(logging.WARNING, logger="interactions.xplatform.client"),
            pytest.raises(XPlatformResponseError, match="redirect") as info,
        ):
            make_client(upstream).full_flow("040100713")
        assert info.value.status == 302
        assert other.hits == []
        assert len(upstream.hits) == 1
        assert location in caplog.text
    finally:
        other.shutdown()
        other.server_close()


# --- R-HTTP-05: size caps ---------------------------------------------------------


def test_huge_content_length_is_refused_before_reading(upstream):
    def huge(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(10 * 1024**3))
        h.end_headers()
        h.wfile.write(b"[" * 1024)
        h.wfile.flush()

    upstream.default = huge
    elapsed, exc = _elapsed(lambda: make_client(upstream).full_flow("040100713"))
    assert isinstance(exc, XPlatformTooLarge)
    assert exc.limit == JSON_CAP
    assert elapsed < 0.5


def test_endless_chunks_stop_at_the_cap(upstream):
    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"[" * 8192
        for _ in range(100_000):
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    upstream.default = endless
    elapsed, exc = _elapsed(lambda: make_client(upstream).full_flow("040100713"))
    assert isinstance(exc, XPlatformTooLarge)
    assert elapsed < 1.0


def test_image_cap_is_separate_from_the_json_cap(upstream):
    body = b"\xff" * (JSON_CAP * 2)
    upstream.default = raw_answer(200, body, Content_Type="image/jpeg")
    assert make_client(upstream).photo("040100709", IMAGE).content == body
    upstream.default = raw_answer(
        200, b"\xff" * (IMAGE_CAP + 1), Content_Type="image/jpeg"
    )
    with pytest.raises(XPlatformTooLarge):
        make_client(upstream).photo("040100709", IMAGE)


def test_gzip_bomb_is_stopped_with_bounded_memory(upstream):
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < JSON_CAP  # passes the Content-Length check
    upstream.default = raw_answer(
        200, bomb, Content_Type="application/json", Content_Encoding="gzip"
    )
    client = make_client(upstream)
    tracemalloc.start()
    try:
        with pytest.raises(XPlatformTooLarge):
            client.full_flow("040100713")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * JSON_CAP + len(bomb)


# --- R-HTTP-04: circuit breaker ---------------------------------------------------


def _no_retry_policy() -> CallPolicy:
    return CallPolicy(**{**POLICY.__dict__, "retries": 0})


def test_breaker_opens_after_five_failures_and_sends_nothing(upstream):
    upstream.default = raw_answer(503)
    client = make_client(upstream, policy=_no_retry_policy())
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable) as info:
            client.full_flow("040100713")
        assert info.value.status == 503
    assert len(upstream.hits) == 5
    elapsed, exc = _elapsed(lambda: client.full_flow("040100713"))
    assert isinstance(exc, XPlatformUnavailable)
    assert (
        exc.message == "The X-Platform server is unavailable; retrying in about 30 s."
    )
    assert len(upstream.hits) == 5
    assert elapsed < 0.1


def test_breaker_is_per_base_url_and_shared_by_clients(upstream):
    upstream.default = raw_answer(503)
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable):
            make_client(upstream, policy=_no_retry_policy()).summary("040100713")
    other_account = make_client(upstream, account_id="other")
    with pytest.raises(XPlatformUnavailable, match="retrying in about 30 s"):
        other_account.summary("040100713")
    assert len(upstream.hits) == 5


def test_breaker_closes_after_reset_timeout_and_a_success(upstream, monkeypatch):
    upstream.default = raw_answer(503)
    client = make_client(upstream, policy=_no_retry_policy())
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable):
            client.full_flow("040100713")

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(seconds=31)

    monkeypatch.setattr(pybreaker, "datetime", Later)
    monkeypatch.setattr(client_module, "datetime", Later)
    upstream.default = json_answer([])
    assert client.full_flow("040100713").pages == ()
    breaker = client_module._breakers[upstream.base_url]
    assert breaker.breaker.current_state == pybreaker.STATE_CLOSED
    assert len(upstream.hits) == 6


@pytest.mark.parametrize(
    "behaviour", [raw_answer(404), raw_answer(401), raw_answer(429)]
)
def test_4xx_do_not_open_the_breaker(upstream, behaviour):
    upstream.default = behaviour
    client = make_client(upstream, policy=_no_retry_policy())
    for _ in range(7):
        with pytest.raises(XPlatformError):
            client.full_flow("040100713")
    assert len(upstream.hits) == 7


def test_timeouts_count_for_the_breaker(upstream):
    policy = CallPolicy(**{**POLICY.__dict__, "retries": 0, "read_timeout": 0.1})
    upstream.default = sleepy(0.3)
    client = make_client(upstream, policy=policy)
    for _ in range(5):
        with pytest.raises(XPlatformTimeout):
            client.full_flow("040100713")
    with pytest.raises(XPlatformUnavailable, match="retrying"):
        client.full_flow("040100713")
    assert len(upstream.hits) == 5


def test_connection_check_bypasses_an_open_breaker(upstream):
    upstream.default = raw_answer(503)
    client = make_client(upstream, policy=_no_retry_policy())
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable):
            client.full_flow("040100713")
    upstream.default = raw_answer(404)
    assert client.check_connection().outcome is ConnectionOutcome.OK
    assert len(upstream.hits) == 6


# --- R-SSRF-01 / R-SSRF-03: base URL and connected address ------------------------


def test_base_url_not_allowed_at_request_time_makes_no_request(upstream):
    policy = CallPolicy(**{**POLICY.__dict__, "allowed_hosts": (".gointeract.io",)})
    client = make_client(upstream, policy=policy)
    with pytest.raises(
        XPlatformUnavailable, match="address of this account is not allowed"
    ):
        client.full_flow("040100713")
    assert upstream.hits == []


def test_allowed_name_resolving_to_loopback_is_refused(upstream, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo
    port = upstream.server_address[1]
    resolved: list[str] = []

    def rebinding_getaddrinfo(host, *args, **kwargs):
        if host == "evil.localtest":
            resolved.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    policy = CallPolicy(**{**POLICY.__dict__, "allowed_hosts": (".localtest",)})
    config = AccountConfig(
        base_url="https://evil.localtest", account_id="jan20", application_key=KEY
    )
    client = XPlatformClient(config, policy=policy)
    with pytest.raises(XPlatformUnavailable) as info:
        client.full_flow("040100713")
    assert info.value.message == "The X-Platform address is not allowed."
    assert resolved == ["evil.localtest"]  # refused once, not retried
    time.sleep(0.05)
    assert upstream.hits == []


def test_loopback_is_refused_when_listed_name_differs(upstream):
    # "localhost" is listed, the URL says 127.0.0.1: the base URL check refuses.
    policy = CallPolicy(**{**POLICY.__dict__, "allowed_hosts": ("localhost",)})
    with pytest.raises(XPlatformUnavailable):
        make_client(upstream, policy=policy).full_flow("040100713")
    assert upstream.hits == []


def test_localhost_listed_exactly_may_connect_to_loopback(upstream):
    policy = CallPolicy(**{**POLICY.__dict__, "allowed_hosts": ("localhost",)})
    config = AccountConfig(
        base_url=f"http://localhost:{upstream.server_address[1]}",
        account_id="jan20",
        application_key=KEY,
    )
    client = XPlatformClient(config, policy=policy)
    assert client.unique_ids(CallerAttribute.DTMF, "1").ids == ("040100713",)


# --- connection check -------------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "outcome"),
    [
        (json_answer({"uniqueId": "1"}), ConnectionOutcome.OK),
        (raw_answer(404, b"not found"), ConnectionOutcome.OK),
        (json_answer({"code": "0x7000000"}, 401), ConnectionOutcome.BAD_CREDENTIALS),
        (raw_answer(403), ConnectionOutcome.BAD_CREDENTIALS),
        (
            raw_answer(400, b"missing or invalid parameter version"),
            ConnectionOutcome.WRONG_VERSION,
        ),
        (raw_answer(500), ConnectionOutcome.UNEXPECTED),
        (raw_answer(302, Location="http://x/"), ConnectionOutcome.UNEXPECTED),
    ],
)
def test_connection_check_outcomes(upstream, behaviour, outcome):
    upstream.default = behaviour
    check = make_client(upstream).check_connection()
    assert check.outcome is outcome
    assert check.message
    assert upstream.hits[0]["path"].endswith("/uniqueId/dtmf/0")


def test_connection_check_wrong_version_mentions_the_detail(upstream):
    upstream.default = raw_answer(400, b"missing or invalid parameter version")
    check = make_client(upstream, version="7").check_connection()
    assert "missing or invalid parameter version" in check.message
    assert "(7)" in check.message


def test_connection_check_on_closed_port_is_unreachable():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    config = AccountConfig(
        base_url=f"http://127.0.0.1:{port}", account_id="jan20", application_key=KEY
    )
    check = XPlatformClient(config, policy=POLICY).check_connection()
    assert check.outcome is ConnectionOutcome.UNREACHABLE
    assert check.ok is False


def test_connection_check_times_out_as_unreachable(upstream):
    upstream.default = sleepy(1.0)
    check = make_client(upstream).check_connection()
    assert check.outcome is ConnectionOutcome.UNREACHABLE
    assert "did not answer within 0.5 s" in check.message


# --- secrets ---------------------------------------------------------------------


def test_key_never_appears_in_errors_reprs_or_logs(upstream, caplog):
    echo = f"Application-Key: {KEY}"
    behaviours = [
        raw_answer(400, echo.encode()),
        json_answer(
            {"code": KEY, "message": echo}, 401, **{"Unauthenticated-Reason": KEY}
        ),
        raw_answer(302, Location=f"http://127.0.0.1:1/?key={KEY}"),
        raw_answer(503, echo.encode()),
        raw_answer(200, echo.encode(), Content_Type="application/json"),
        raw_answer(404, echo.encode()),
    ]
    client = make_client(upstream, policy=_no_retry_policy())
    seen: list[XPlatformError] = []
    with caplog.at_level(logging.DEBUG):
        for behaviour in behaviours:
            upstream.default = behaviour
            with pytest.raises(XPlatformError) as info:
                client.summary("040100713")
            seen.append(info.value)
    assert len(seen) == len(behaviours)
    for exc in seen:
        texts = [str(exc), repr(exc), exc.message]
        texts += [
            str(getattr(exc, name, ""))
            for name in ("detail", "upstream_message", "reason", "code")
        ]
        assert all(KEY not in text for text in texts), texts
    assert KEY not in caplog.text
    assert KEY not in repr(client.account)
    assert KEY not in repr(client)
    assert isinstance(seen[0], XPlatformBadRequest)
    assert "[redacted]" in seen[0].detail


def test_account_config_refuses_keys_that_break_headers():
    with pytest.raises(ValueError, match="application key") as info:
        AccountConfig(
            base_url="https://gointeract.io",
            account_id="a",
            application_key="a\r\nX: y",
        )
    assert "X: y" not in str(info.value)


# --- the registry and settings ------------------------------------------------------


def test_get_client_reuses_the_client_and_reads_settings_lazily(settings):
    account = AccountConfig(
        base_url="https://acme.gointeract.io",
        account_id="12345678",
        application_key=KEY,
    )
    first = get_client(account)
    assert get_client(account) is first
    assert first.policy.read_timeout == settings.XPC_UPSTREAM_READ_TIMEOUT
    settings.XPC_UPSTREAM_READ_TIMEOUT = 1.25
    settings.XPC_UPSTREAM_ALLOWED_HOSTS = [".gointeract.io", "127.0.0.1"]
    second = get_client(account)
    assert second is not first
    assert second.policy.read_timeout == 1.25
    assert second.policy.allowed_hosts == (".gointeract.io", "127.0.0.1")


def test_call_policy_defaults_match_settings():
    assert CallPolicy.from_settings() == CallPolicy(
        allowed_hosts=CallPolicy.from_settings().allowed_hosts
    )
