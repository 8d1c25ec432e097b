"""Persistent connections of the simulator's server (``server.py``).

The real X-Platform, behind its load balancers, keeps connections open; the
simulator does too, and closes them exactly when a faithful server would:
on ``Connection: close``, for HTTP/1.0 and HEAD, when a fault cuts the body,
after an idle timeout and at shutdown. Each test talks raw HTTP over one
socket, so what is on the wire is what is checked.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Callable, Iterator

import pytest

from interactions.simulator import data
from interactions.simulator.app import make_app
from interactions.simulator.clock import ManualClock
from interactions.simulator.faults import Faults
from interactions.simulator.server import SimulatorServer, serve
from tests.support.simulator import account_headers, shared_dataset

ACME = data.ACME_ACCOUNT_ID
PREFIX = f"/interact/agent/version/2/account/{ACME}"
SUMMARY = f"{PREFIX}/interactiondata/040100713/summary"
FLOW = f"{PREFIX}/interactiondata/040100713/fullFlow"


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def ask(
    sock: socket.socket,
    path: str = SUMMARY,
    *,
    method: str = "GET",
    version: str = "HTTP/1.1",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> http.client.HTTPResponse:
    """Send one request on ``sock`` and read the status line and headers."""
    lines = [f"{method} {path} {version}", "Host: 127.0.0.1"]
    sent = {**account_headers(ACME), **(headers or {})}
    lines += [f"{name}: {value}" for name, value in sent.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    response = http.client.HTTPResponse(sock, method=method)
    response.begin()
    return response


def closed_by_server(sock: socket.socket, wait: float = 3.0) -> bool:
    """True when the server ends the connection (FIN or RST) within ``wait``."""
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def wait_for(condition: Callable[[], bool], seconds: float = 3.0) -> bool:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def server() -> Iterator[tuple[SimulatorServer, Faults]]:
    """A simulator with a short keep-alive timeout."""
    faults = Faults()
    app = make_app(dataset=shared_dataset(), faults=faults, clock=ManualClock())
    running = serve(app, poll_interval=0.01, keep_alive_timeout=0.3)
    yield running, faults
    faults.interrupt()
    running.shutdown()


def test_one_connection_carries_many_requests(simulator):
    with connect(simulator.port) as sock:
        for path in (SUMMARY, FLOW, SUMMARY):
            response = ask(sock, path)
            body = response.read()
            assert response.status == 200
            assert response.version == 11
            assert response.getheader("Content-Length") == str(len(body))
            assert response.getheader("Connection") is None
            json.loads(body)
    assert len(simulator.hits) == 3
    assert simulator.server.connections_accepted == 1


def test_http_client_reuses_its_connection(simulator):
    connection = http.client.HTTPConnection("127.0.0.1", simulator.port, timeout=5)
    try:
        for _ in range(3):
            connection.request("GET", SUMMARY, headers=account_headers(ACME))
            assert connection.getresponse().read()
    finally:
        connection.close()
    assert simulator.server.connections_accepted == 1


def test_answers_go_out_without_waiting_for_acks(simulator):
    # Headers and body leave in one write with TCP_NODELAY; piece by piece,
    # each answer waited about 40 ms for the client's delayed ACK.
    started = time.monotonic()
    with connect(simulator.port) as sock:
        for _ in range(50):
            ask(sock).read()
    assert time.monotonic() - started < 1.5


def test_connection_close_is_honoured(simulator):
    with connect(simulator.port) as sock:
        response = ask(sock, headers={"Connection": "close"})
        assert response.status == 200
        assert response.getheader("Connection") == "close"
        response.read()
        assert closed_by_server(sock)


@pytest.mark.parametrize(
    ("method", "version"), [("GET", "HTTP/1.0"), ("HEAD", "HTTP/1.1")]
)
def test_http_1_0_and_head_get_one_answer_per_connection(simulator, method, version):
    with connect(simulator.port) as sock:
        response = ask(sock, method=method, version=version)
        assert response.getheader("Connection") == "close"
        response.read()
        assert closed_by_server(sock)


def test_idle_connection_is_closed_after_the_timeout(server):
    running, _ = server
    with connect(running.port) as sock:
        ask(sock).read()
        assert running.open_connections == 1
        started = time.monotonic()
        assert closed_by_server(sock)
        assert time.monotonic() - started >= 0.2
    # The handler thread is gone too.
    assert wait_for(lambda: running.open_connections == 0)


def test_a_connection_that_never_asks_is_closed_too(server):
    running, _ = server
    with connect(running.port) as sock:
        assert closed_by_server(sock)
    assert wait_for(lambda: running.open_connections == 0)


def test_keep_alive_zero_closes_after_every_answer():
    app = make_app(dataset=shared_dataset(), faults=Faults(), clock=ManualClock())
    running = serve(app, poll_interval=0.01, keep_alive_timeout=0)
    with running, connect(running.port) as sock:
        response = ask(sock)
        assert response.getheader("Connection") == "close"
        response.read()
        assert closed_by_server(sock)


def test_shutdown_closes_kept_connections():
    app = make_app(dataset=shared_dataset(), faults=Faults(), clock=ManualClock())
    running = serve(app, poll_interval=0.01)
    with connect(running.port) as sock:
        ask(sock).read()
        running.shutdown()
        # Not after the 20 s keep-alive timeout: at once.
        assert closed_by_server(sock, wait=2.0)
    assert running.open_connections == 0


# --- faults: a complete answer keeps the connection, a cut one closes it ----------


@pytest.mark.parametrize(
    "switch",
    [
        lambda f: f.fail("summary", status=503),
        lambda f: f.fail("summary", status=401),
        lambda f: f.html("summary", status=502, times=1),
        lambda f: f.invalid_json("summary", times=1),
        lambda f: f.redirect("summary", times=1),
        lambda f: f.hang("summary", seconds=0.05, times=1),
        lambda f: f.oversized("summary", bytes=100_000, times=1),
    ],
    ids=["503", "401", "html", "invalid_json", "redirect", "hang", "oversized"],
)
def test_complete_fault_answers_keep_the_connection(simulator, switch):
    switch(simulator.faults)
    with connect(simulator.port) as sock:
        faulty = ask(sock)
        body = faulty.read()
        assert faulty.getheader("Content-Length") == str(len(body))
        assert faulty.getheader("Connection") is None
        # The next answer on the same socket is the real one, whole.
        response = ask(sock)
        assert response.status == 200
        assert json.loads(response.read())["uniqueId"] == "040100713"
    assert simulator.server.connections_accepted == 1


@pytest.mark.parametrize(
    "switch",
    [
        lambda f: f.reset("summary"),
        lambda f: f.reset("summary", after_bytes=10),
        lambda f: f.oversized("summary", bytes=5000, declared_length=10**10),
    ],
    ids=["reset", "reset_mid_body", "false_length"],
)
def test_cut_bodies_close_the_connection(simulator, switch):
    switch(simulator.faults)
    with connect(simulator.port) as sock:
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            ask(sock).read()
        assert closed_by_server(sock)


def test_a_body_without_length_says_close_and_ends_with_the_client(simulator):
    simulator.faults.endless("summary")
    with connect(simulator.port) as sock:
        response = ask(sock)
        assert response.getheader("Content-Length") is None
        assert response.getheader("Connection") == "close"
        assert response.read(1000)
        response.close()  # the socket's file, or the close below waits for it
    # The client hung up: the handler stops writing and its thread ends.
    assert wait_for(lambda: simulator.server.open_connections == 0, 5.0)


def test_an_interrupted_trickle_closes_the_connection(simulator):
    simulator.faults.trickle("summary", interval=0.05)
    with connect(simulator.port) as sock:
        response = ask(sock)
        assert response.read(1)
        simulator.faults.interrupt()
        with pytest.raises(http.client.IncompleteRead):
            response.read()
        assert closed_by_server(sock)


# --- request bodies -----------------------------------------------------------------


def test_an_unread_request_body_is_drained_before_the_next_request(simulator):
    with connect(simulator.port) as sock:
        refused = ask(
            sock, method="POST", headers={"Content-Length": "5"}, body=b"12345"
        )
        assert refused.status == 405
        refused.read()
        # The five body bytes were not taken for the next request line.
        response = ask(sock)
        assert response.status == 200
        response.read()
    assert simulator.server.connections_accepted == 1


@pytest.mark.parametrize(
    "headers",
    [{"Content-Length": str(10**6)}, {"Transfer-Encoding": "chunked"}],
    ids=["too_much_unread", "chunked"],
)
def test_a_body_left_unread_closes_the_connection(simulator, headers):
    # The body is announced but not sent: the answer comes first, then the
    # server closes rather than read a megabyte (or parse chunks) for nothing.
    with connect(simulator.port) as sock:
        refused = ask(sock, method="POST", headers=headers)
        assert refused.status == 405
        refused.read()
        assert closed_by_server(sock)


def test_control_reads_its_body_and_keeps_the_connection(simulator):
    payload = json.dumps({"latency_ms": 0, "faults": {}}).encode()
    with connect(simulator.port) as sock:
        response = ask(
            sock,
            f"/_control/accounts/{ACME}",
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Content-Length": str(len(payload)),
            },
            body=payload,
        )
        assert response.status == 200
        response.read()
        assert ask(sock).status == 200
    assert simulator.server.connections_accepted == 1
