"""Kept connections: reused when whole, never when broken, checked when new.

docs/security.md R-HTTP-03 and R-SSRF-03. The scripted upstream
(``tests/xplatform/upstream.py``) speaks HTTP/1.1 and keeps connections
open; ``Server.connections`` holds the client ports it has seen, one per
TCP connection.
"""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import pytest

from interactions.xplatform import transport
from interactions.xplatform.client import XPlatformClient
from interactions.xplatform.config import AccountConfig, CallerAttribute, CallPolicy
from interactions.xplatform.errors import (
    XPlatformError,
    XPlatformNotFound,
    XPlatformUnavailable,
)
from tests.xplatform.upstream import (
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
)

pytestmark = pytest.mark.usefixtures("fresh_registry")

GOOD = json_answer({"uniqueId": "040100713"})


def lookup(client: XPlatformClient) -> tuple[str, ...]:
    return client.unique_ids(CallerAttribute.DTMF, "4567").ids


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The peer of every connection the client checked (R-SSRF-03)."""
    seen: list[str] = []
    real = transport._check_peer

    def spy(sock: socket.socket, host: str, allowed: tuple[str, ...]) -> None:
        seen.append(sock.getpeername()[0])
        real(sock, host, allowed)

    monkeypatch.setattr(transport, "_check_peer", spy)
    return seen


def localhost_client(upstream: Server, **policy: object) -> XPlatformClient:
    config = AccountConfig(
        base_url=f"http://localhost:{upstream.server_address[1]}",
        account_id="jan20",
        application_key=KEY,
    )
    listed = CallPolicy(**{**POLICY.__dict__, "allowed_hosts": ("localhost",)})
    return XPlatformClient(config, policy=CallPolicy(**{**listed.__dict__, **policy}))


# --- R-SSRF-03 on kept connections ------------------------------------------------


def test_a_kept_connection_is_checked_once(upstream, checks):
    client = make_client(upstream)
    for _ in range(3):
        assert lookup(client) == ("040100713",)
    assert len(upstream.connections) == 1
    assert checks == ["127.0.0.1"]


def test_a_connection_the_server_closed_is_replaced_and_checked(upstream, checks):
    upstream.script = [json_answer({"uniqueId": "040100713"}, Connection="close")]
    client = make_client(upstream)
    assert lookup(client) == ("040100713",)
    time.sleep(0.05)  # the FIN arrives; the pool sees the connection dropped
    assert lookup(client) == ("040100713",)
    assert len(upstream.connections) == 2
    assert checks == ["127.0.0.1", "127.0.0.1"]


def test_a_new_connection_after_reuse_is_refused_when_its_peer_is(
    upstream, monkeypatch
):
    # The name resolved to an allowed address for the first connection; by
    # the time the pool opens another it resolves to one the console may not
    # call (DNS rebinding). The kept connection went to the first address;
    # the new one is checked and refused before any byte is sent.
    upstream.script = [GOOD, json_answer({"uniqueId": "1"}, Connection="close")]
    client = localhost_client(upstream)
    assert lookup(client) == ("040100713",)
    assert lookup(client) == ("1",)  # same connection, then closed by the server
    assert len(upstream.connections) == 1
    time.sleep(0.05)
    monkeypatch.setattr(transport, "address_allowed", lambda *a, **k: False)
    with pytest.raises(XPlatformUnavailable) as info:
        lookup(client)
    assert info.value.message == "The X-Platform address is not allowed."
    time.sleep(0.05)
    assert len(upstream.hits) == 2


def test_an_idle_connection_is_not_reused(upstream, checks):
    client = localhost_client(upstream, idle_timeout=0.1)
    assert lookup(client) == ("040100713",)
    assert lookup(client) == ("040100713",)
    time.sleep(0.2)
    assert lookup(client) == ("040100713",)
    assert len(upstream.connections) == 2
    assert len(checks) == 2


# --- answers read whole keep the connection ----------------------------------------


@pytest.mark.parametrize(
    "first",
    [
        raw_answer(404, b"interaction was not found"),
        raw_answer(503, b"busy"),
        raw_answer(400, b"missing or invalid parameter version"),
        json_answer({"code": "0x7000000"}, 401),
        raw_answer(302, b"moved", Location="http://127.0.0.2:9/"),
        raw_answer(200, b"{not json", Content_Type="application/json"),
        # Bytes that do not inflate, but all of them arrived.
        raw_answer(
            200,
            gzip.compress(b'{"uniqueId": "WRONG"}')[:-12] + b"garbage!" * 8,
            Content_Type="application/json",
            Content_Encoding="gzip",
        ),
    ],
    ids=["404", "503", "400", "401", "302", "invalid_json", "bad_gzip"],
)
def test_short_error_answers_keep_the_connection(upstream, first):
    upstream.script = [first]
    client = make_client(upstream, policy=no_retry_policy())
    with pytest.raises(XPlatformError):
        client.full_flow("040100713")
    assert lookup(client) == ("040100713",)
    assert len(upstream.connections) == 1


# --- a broken answer never poisons the next call ----------------------------------


def late(seconds: float) -> Callable[[BaseHTTPRequestHandler], None]:
    """Answers after the client gave up, with an ID the next call must not get."""
    return lambda h: (sleepy(seconds)(h), None)[1]


def too_large_declared(h: BaseHTTPRequestHandler) -> None:
    body = b'{"uniqueId": "WRONG"}' + b" " * JSON_CAP
    raw_answer(200, body, Content_Type="application/json")(h)


def reset_mid_body(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b'{"uniqueId": "WR')
    h.wfile.flush()
    h.close_connection = True
    h.connection.shutdown(socket.SHUT_RDWR)


def long_401(h: BaseHTTPRequestHandler) -> None:
    # Far more than the 16 KiB read from an error body: the rest stays unread.
    raw_answer(401, b"x" * 1024**2 + b'{"uniqueId": "WRONG"}')(h)


def short_body(h: BaseHTTPRequestHandler) -> None:
    # Declares more than it sends, then waits: the read times out.
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "100")
    h.end_headers()
    h.wfile.write(b'{"uniqueId": ')
    h.wfile.flush()
    time.sleep(READ_TIMEOUT + 0.3)
    h.wfile.write(b'"WRONG"}' + b" " * 79)


@pytest.mark.parametrize(
    "broken",
    [
        late(READ_TIMEOUT + 0.2),
        too_large_declared,
        reset_mid_body,
        long_401,
        short_body,
    ],
    ids=["read_timeout", "too_large", "reset", "long_401", "short_body"],
)
def test_a_broken_answer_never_poisons_the_next_call(upstream, broken):
    upstream.script = [broken]
    upstream.default = json_answer({"uniqueId": "040100713"})
    client = make_client(upstream, policy=no_retry_policy())
    with pytest.raises(XPlatformError):
        lookup(client)
    # Whatever the server still sends on the old connection (the late
    # answer, the rest of the body) must never be read as the next answer.
    time.sleep(0.4)
    for _ in range(3):
        assert lookup(client) == ("040100713",)
    # The broken connection was dropped, its successor kept.
    assert len(upstream.connections) == 2


def test_a_body_still_on_its_way_is_never_read_as_the_next_answer(upstream):
    # The first answer declares more than the cap, so the client refuses it
    # at once; the rest of its body, sent later, looks like an answer. Had
    # the connection gone back to the pool, the next call would read it.
    fake = b'HTTP/1.1 200 OK\r\nContent-Length: 21\r\n\r\n{"uniqueId": "WRONG"}'

    def too_large_then_fake(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(JSON_CAP + 1))
        h.end_headers()
        h.wfile.flush()
        time.sleep(0.3)
        h.wfile.write(fake)
        h.close_connection = True

    upstream.script = [too_large_then_fake]
    client = make_client(upstream, policy=no_retry_policy())
    with pytest.raises(XPlatformError):
        lookup(client)
    assert lookup(client) == ("040100713",)


def test_a_slow_error_body_is_not_waited_for(upstream):
    # A 404 is known from its status line: its body is read only when it is
    # there at once (to keep the connection), never waited for.
    def slow_404(h: BaseHTTPRequestHandler) -> None:
        h.send_response(404)
        h.send_header("Content-Length", "25")
        h.end_headers()
        h.wfile.flush()
        time.sleep(1.0)
        h.wfile.write(b"interaction was not found")

    upstream.script = [slow_404]
    client = make_client(upstream, policy=no_retry_policy())
    started = time.monotonic()
    with pytest.raises(XPlatformNotFound):
        client.full_flow("040100713")
    assert time.monotonic() - started < 0.5
    assert lookup(client) == ("040100713",)
    assert len(upstream.connections) == 2
