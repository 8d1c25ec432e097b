"""The HTTP plumbing (``transport.py``, ``fetch.py``) against real loopback sockets.

docs/security.md R-HTTP-01 to R-HTTP-03, R-HTTP-05, R-HTTP-06, R-SSRF-01 to
R-SSRF-03. A tiny threaded stdlib server plays the upstream
(``tests/xplatform/upstream.py``): each test scripts its answers and counts
the requests that reach it. Timeouts are tiny to keep the file fast.
"""

from __future__ import annotations

import gzip
import logging
import socket
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler

import pytest

from interactions.xplatform.client import XPlatformClient
from interactions.xplatform.config import AccountConfig, CallerAttribute, CallPolicy
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
from tests.xplatform.upstream import (
    DEADLINE,
    IMAGE,
    IMAGE_CAP,
    JSON_CAP,
    KEY,
    POLICY,
    READ_TIMEOUT,
    Server,
    json_answer,
    make_client,
    no_retry_policy,
    raw_answer,
    sleepy,
    timed,
)

pytestmark = pytest.mark.usefixtures("fresh_registry")


# --- requests as sent -------------------------------------------------------------


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


# --- R-HTTP-01: timeouts and the deadline -----------------------------------------


def test_read_timeout_raises_timeout_after_one_hit(upstream):
    upstream.default = sleepy(DEADLINE + 0.5)
    client = make_client(upstream)
    elapsed, exc = timed(lambda: client.full_flow("040100713"))
    assert isinstance(exc, XPlatformTimeout)
    assert exc.message == "The X-Platform server did not answer within 0.5 s."
    # Stopped by the read timeout: before the deadline, long before the
    # upstream's answer (the upper bound leaves room for a loaded machine).
    assert READ_TIMEOUT - 0.05 < elapsed < DEADLINE
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
    elapsed, exc = timed(lambda: client.full_flow("040100713"))
    assert isinstance(exc, XPlatformTimeout)
    assert "took longer than 1.5 s" in exc.message
    # The whole answer would take 10 s; the slack is for a loaded machine.
    assert DEADLINE - 0.05 < elapsed < DEADLINE + 1.5
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
    elapsed, exc = timed(lambda: client.summary("040100713"))
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
    elapsed, exc = timed(lambda: client.full_flow("040100713"))
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
    elapsed, exc = timed(lambda: make_client(upstream).full_flow("040100713"))
    assert isinstance(exc, XPlatformUnavailable)
    assert len(upstream.hits) == 1
    assert elapsed < DEADLINE  # a 60 s wait would run into the deadline


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


# --- R-SSRF-02: redirects ---------------------------------------------------------


def test_redirect_is_not_followed(upstream, caplog):
    other = Server()
    threading.Thread(target=other.serve_forever, args=(0.02,), daemon=True).start()
    try:
        location = f"{other.base_url}/steal"
        upstream.default = raw_answer(302, Location=location)
        with (
            caplog.at_level(logging.WARNING, logger="interactions.xplatform.fetch"),
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
    elapsed, exc = timed(lambda: make_client(upstream).full_flow("040100713"))
    assert isinstance(exc, XPlatformTooLarge)
    assert exc.limit == JSON_CAP
    assert elapsed < DEADLINE  # not read until the deadline


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
    elapsed, exc = timed(lambda: make_client(upstream).full_flow("040100713"))
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


# --- secrets ----------------------------------------------------------------------


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
    client = make_client(upstream, policy=no_retry_policy())
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
