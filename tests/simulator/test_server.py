"""The threaded server, the WSGI fallback path, and the management command."""

from __future__ import annotations

import http.client
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interactions.simulator import data
from interactions.simulator.app import SimulatorApp, make_app
from interactions.simulator.clock import ManualClock
from interactions.simulator.faults import Faults
from interactions.simulator.server import SimulatorServer, serve
from tests.support.simulator import account_headers, shared_dataset

ACME = data.ACME_ACCOUNT_ID
SUMMARY = f"/interact/agent/version/2/account/{ACME}/interactiondata/040100713/summary"


def test_base_url_names_the_loopback_port(simulator):
    assert simulator.base_url == f"http://127.0.0.1:{simulator.port}"
    assert simulator.port > 0


def test_parallel_requests_are_served_in_parallel(simulator):
    simulator.faults.hang("summary", seconds=0.5)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda _: simulator.get(SUMMARY, account=ACME).status, range(8))
        )
    assert statuses == [200] * 8
    assert time.monotonic() - started < 2.0  # one after another would take 4 s


def test_shutdown_closes_the_port():
    app = make_app(dataset=shared_dataset(), faults=Faults(), clock=ManualClock())
    server = serve(app)
    port = server.port
    server.shutdown()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    with pytest.raises(ConnectionRefusedError):
        connection.request("GET", SUMMARY)
    assert server.running is False


def test_server_is_a_context_manager():
    app = make_app(dataset=shared_dataset(), faults=Faults(), clock=ManualClock())
    with serve(app) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request("GET", SUMMARY, headers=account_headers(ACME))
        assert connection.getresponse().status == 200
        connection.close()
    assert server.running is False


def test_default_clock_is_the_wall_clock():
    app = make_app(dataset=shared_dataset(), faults=Faults())
    assert abs(app.clock.started_at - time.time()) < 5


def call_app(
    app: SimulatorApp,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[str, dict[str, str], bytes]:
    """Call the WSGI app directly, as a server without RAW_URI would."""
    environ: dict[str, Any] = {"PATH_INFO": path, "QUERY_STRING": query}
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    captured: dict[str, Any] = {}

    def start_response(
        status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        captured["status"] = status
        captured["headers"] = dict(response_headers)

    body = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], body


def test_without_raw_uri_path_info_is_used():
    app = make_app(dataset=shared_dataset(), faults=Faults(), clock=ManualClock())
    status, _, body = call_app(app, SUMMARY, headers=account_headers(ACME))
    assert status == "200 OK"
    assert json.loads(body)["uniqueId"] == "040100713"


def test_without_raw_uri_photo_segment_is_decoded_once_more():
    app = make_app(dataset=shared_dataset(), faults=Faults(), clock=ManualClock())
    # What wsgiref's PATH_INFO holds for %252F: %2F, still one segment.
    segment = data.PNG_PHOTO_PATH.replace("/", "%2F")
    status, headers, _ = call_app(
        app,
        f"/interact/agent/version/2/account/{ACME}/photo/040100713/{segment}",
        "maxSize=50",
        account_headers(ACME),
    )
    assert status == "200 OK"
    assert headers["Content-Type"] == "image/png"


def test_without_raw_uri_non_ascii_path_is_utf8():
    app = make_app(dataset=shared_dataset(), faults=Faults(), clock=ManualClock())
    # PEP 3333: the path arrives as latin-1 decoded bytes.
    path = f"/interact/agent/version/2/account/{ACME}/uniqueId/historySearchId/東京"
    status, _, body = call_app(
        app, path.encode().decode("latin-1"), headers=account_headers(ACME)
    )
    assert status == "404 Not Found"
    assert body == b"interaction was not found"
    assert app.hits[0].path == path


def test_app_errors_become_an_empty_500(monkeypatch):
    app = make_app(dataset=shared_dataset(), faults=Faults(), clock=ManualClock())

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app, "_handle", explode)
    status, _, body = call_app(app, SUMMARY, headers=account_headers(ACME))
    assert status == "500 Internal Server Error"
    assert body == b""


# --- the management command ------------------------------------------------------


def run_command(
    monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[str, dict[str, str]]:
    started: dict[str, str] = {}

    def fake_wait(server: SimulatorServer) -> None:
        started["base_url"] = server.base_url
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request(
            "GET",
            f"/interact/agent/version/2/account/{ACME}/uniqueId/dtmf/0407013",
            headers=account_headers(ACME),
        )
        response = connection.getresponse()
        started["content_type"] = response.headers["Content-Type"]
        connection.close()

    monkeypatch.setattr(
        "interactions.management.commands.xplatform_simulator.wait_for_interrupt",
        fake_wait,
    )
    out = io.StringIO()
    call_command("xplatform_simulator", *args, stdout=out)
    return out.getvalue(), started


def test_command_prints_url_and_credentials(monkeypatch):
    output, started = run_command(monkeypatch, "--port", "0")
    assert f"X-Platform simulator serving on {started['base_url']}" in output
    for account in data.DEMO_ACCOUNTS:
        assert account.account_id in output
        assert account.application_key in output
    assert "environment name  PROD" in output
    assert started["content_type"] == "application/json;charset=UTF-8"


def test_command_text_plain_and_faults(monkeypatch):
    output, started = run_command(
        monkeypatch,
        "--port",
        "0",
        "--unique-id-text-plain",
        "--latency",
        "0.01",
        "--fault",
        "hang:summary:1",
        "fail:fullFlow:503",
    )
    assert started["content_type"] == "text/plain;charset=UTF-8"
    assert "Fault on: hang (summary)" in output
    assert "Fault on: fail (fullFlow)" in output
    assert "Fault on: latency (*)" in output


def test_command_refuses_an_unknown_fault():
    with pytest.raises(CommandError, match="unknown fault"):
        call_command("xplatform_simulator", "--port", "0", "--fault", "explode")


def test_command_control_and_generated(monkeypatch):
    statuses: dict[str, list[int]] = {}

    def fake_wait(server: SimulatorServer) -> None:
        found = []
        for path, headers in (
            ("/_control", {}),
            (
                f"/interact/agent/version/2/account/{ACME}/interactiondata/gen-1/summary",
                account_headers(ACME),
            ),
        ):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            connection.request("GET", path, headers=headers)
            found.append(connection.getresponse().status)
            connection.close()
        statuses[str(len(statuses))] = found

    monkeypatch.setattr(
        "interactions.management.commands.xplatform_simulator.wait_for_interrupt",
        fake_wait,
    )
    out = io.StringIO()
    call_command(
        "xplatform_simulator", "--port", "0", "--control", "--generated", stdout=out
    )
    assert "/_control" in out.getvalue()
    assert "gen-<digits>" in out.getvalue()
    plain = io.StringIO()
    call_command("xplatform_simulator", "--port", "0", stdout=plain)
    assert "/_control" not in plain.getvalue()
    assert statuses == {"0": [200, 200], "1": [404, 404]}


@pytest.mark.parametrize(("seconds", "connection"), [("0", "close"), ("5", None)])
def test_command_keep_alive(monkeypatch, seconds, connection):
    seen: list[str | None] = []

    def fake_wait(server: SimulatorServer) -> None:
        client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        client.request(
            "GET",
            f"/interact/agent/version/2/account/{ACME}/uniqueId/dtmf/0407013",
            headers=account_headers(ACME),
        )
        seen.append(client.getresponse().getheader("Connection"))
        client.close()

    monkeypatch.setattr(
        "interactions.management.commands.xplatform_simulator.wait_for_interrupt",
        fake_wait,
    )
    call_command(
        "xplatform_simulator",
        "--port",
        "0",
        "--keep-alive",
        seconds,
        stdout=io.StringIO(),
    )
    assert seen == [connection]


def test_command_refuses_a_negative_keep_alive():
    with pytest.raises(CommandError, match="keep-alive"):
        call_command("xplatform_simulator", "--port", "0", "--keep-alive", "-1")
