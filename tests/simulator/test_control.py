"""The loopback control endpoint: per-account latency and faults at run time."""

from __future__ import annotations

import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from interactions.simulator import data
from interactions.simulator.control import is_loopback
from interactions.simulator.faults import Faults
from tests.support.simulator import (
    RunningSimulator,
    running_simulator,
)

ACME = data.ACME_ACCOUNT_ID
NORTHWIND = data.NORTHWIND_ACCOUNT_ID


def path(account: str, method: str) -> str:
    base = f"/interact/agent/version/2/account/{account}"
    uid = data.LEADING_ZERO_UNIQUE_ID if account == ACME else data.ROUTER_UNIQUE_ID
    photo = (
        data.EXIF_PHOTO_PATH if account == ACME else data.ROUTER_BACK_PHOTO_PATH
    ).replace("/", "%252F")
    return {
        "uniqueId": f"{base}/uniqueId/historySearchId/"
        + ("blue-p4ff56al8" if account == ACME else "nw-router-959595"),
        "fullFlow": f"{base}/interactiondata/{uid}/fullFlow",
        "summary": f"{base}/interactiondata/{uid}/summary",
        "variableSet": f"{base}/interactiondata/{uid}/variableSet/customerInfoSet",
        "photo": f"{base}/photo/{uid}/{photo}?maxSize=200",
    }[method]


def status(simulator: RunningSimulator, account: str, method: str) -> int:
    return simulator.get(path(account, method), account=account).status


def post(simulator: RunningSimulator, account: str, body: Any, **kwargs: Any) -> Any:
    headers = kwargs.pop("headers", {"Content-Type": "application/json"})
    text = body if isinstance(body, str) else json.dumps(body)
    return simulator.request(
        f"/_control/accounts/{account}",
        method="POST",
        body=text,
        headers=headers,
        **kwargs,
    )


# --- latency ---------------------------------------------------------------------


def test_latency_is_per_account(simulator):
    simulator.control(ACME, latency_ms=800)

    def timed(account: str) -> tuple[int, float]:
        started = time.monotonic()
        code = status(simulator, account, "summary")
        return code, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=8) as pool:
        slow = [pool.submit(timed, ACME) for _ in range(4)]
        time.sleep(0.05)  # Acme's calls are all waiting now
        fast = [pool.submit(timed, NORTHWIND) for _ in range(4)]
        fast_results = [future.result() for future in fast]
        slow_results = [future.result() for future in slow]
    assert all(code == 200 for code, _ in fast_results + slow_results)
    assert max(elapsed for _, elapsed in fast_results) < 0.4
    assert min(elapsed for _, elapsed in slow_results) >= 0.8


def test_latency_adds_to_the_run_wide_latency():
    with running_simulator(faults=Faults(latency=0.2)) as simulator:
        simulator.control(ACME, latency_ms=300)
        started = time.monotonic()
        assert status(simulator, ACME, "fullFlow") == 200
        assert time.monotonic() - started >= 0.5


# --- faults ----------------------------------------------------------------------


def test_faults_switch_per_account_and_method_while_running(simulator):
    assert status(simulator, ACME, "summary") == 200
    simulator.control(ACME, faults={"summary": "fail:503"})
    assert status(simulator, ACME, "summary") == 503
    assert status(simulator, ACME, "summary") == 503  # stays on
    assert status(simulator, ACME, "fullFlow") == 200
    assert status(simulator, NORTHWIND, "summary") == 200
    # A new POST replaces the account's settings.
    simulator.control(ACME, faults={"fullFlow": "fail:502"})
    assert status(simulator, ACME, "summary") == 200
    assert status(simulator, ACME, "fullFlow") == 502


def test_method_groups(simulator):
    simulator.control(NORTHWIND, faults={"optional": "fail:500"})
    assert status(simulator, NORTHWIND, "variableSet") == 500
    assert status(simulator, NORTHWIND, "photo") == 500
    for method in ("uniqueId", "fullFlow", "summary"):
        assert status(simulator, NORTHWIND, method) == 200
    simulator.control(NORTHWIND, faults={"required": "fail:503"})
    for method in ("uniqueId", "fullFlow", "summary"):
        assert status(simulator, NORTHWIND, method) == 503
    assert status(simulator, NORTHWIND, "variableSet") == 200
    simulator.control(NORTHWIND, faults={"*": "fail:504"})
    for method in ("uniqueId", "fullFlow", "summary", "variableSet", "photo"):
        assert status(simulator, NORTHWIND, method) == 504
    assert status(simulator, ACME, "photo") == 200


def test_other_fault_kinds_and_hang(simulator):
    simulator.control(ACME, faults={"fullFlow": "invalid_json", "summary": "hang:0.5"})
    response = simulator.get(path(ACME, "fullFlow"), account=ACME)
    assert response.status == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    started = time.monotonic()
    assert status(simulator, ACME, "summary") == 200
    assert time.monotonic() - started >= 0.5


def test_run_wide_faults_still_apply(simulator):
    simulator.faults.fail("fullFlow", status=500, times=None)
    simulator.control(ACME, faults={"summary": "fail:503"})
    assert status(simulator, NORTHWIND, "fullFlow") == 500
    assert status(simulator, ACME, "summary") == 503


# --- state and reset ------------------------------------------------------------


def test_state_and_reset(simulator):
    state = simulator.control(ACME, latency_ms=10, faults={"summary": "fail:503"})
    expected = {ACME: {"latency_ms": 10, "faults": {"summary": "fail:503"}}}
    assert state == {"accounts": expected}
    simulator.control(NORTHWIND, faults={"photo": "reset"})
    shown = simulator.request("/_control").json()["accounts"]
    assert set(shown) == {ACME, NORTHWIND}

    one = simulator.request(f"/_control/accounts/{ACME}", method="DELETE")
    assert one.status == 200
    assert set(one.json()["accounts"]) == {NORTHWIND}
    assert status(simulator, ACME, "summary") == 200

    every = simulator.request("/_control", method="DELETE")
    assert every.json() == {"accounts": {}}
    assert status(simulator, NORTHWIND, "photo") == 200


def test_control_requests_are_not_recorded_as_hits(simulator):
    simulator.control(ACME, latency_ms=1)
    simulator.request("/_control")
    assert simulator.hits == []


# --- bad settings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"latency_ms": -1}, "latency_ms must be a whole number"),
        ({"latency_ms": "4000"}, "latency_ms must be a whole number"),
        ({"latency_ms": 10**9}, "latency_ms must be a whole number"),
        ({"faults": {"everything": "fail"}}, "unknown method 'everything'"),
        ({"faults": {"summary": "explode"}}, "unknown fault"),
        ({"faults": {"summary": 503}}, "must be text like fail:503"),
        ({"faults": ["summary"]}, "faults must be an object"),
        ({"latency": 5}, "latency_ms and faults only"),
        ([1, 2], "latency_ms and faults only"),
        ("{not json", "not valid JSON"),
        ("[" * 100_000, "under 65536 bytes"),
        ("[" * 5000 + "]" * 5000, "not valid JSON"),
    ],
)
def test_bad_settings_get_a_plain_400(simulator, body, message):
    response = post(simulator, ACME, body)
    assert response.status in (400, 413)
    assert message in response.text
    assert simulator.request("/_control").json() == {"accounts": {}}


def test_bad_requests(simulator):
    assert post(simulator, "nobody", {}).status == 404
    assert simulator.request("/_control/elsewhere").status == 404
    wrong_type = post(simulator, ACME, {}, headers={"Content-Type": "text/plain"})
    assert wrong_type.status == 415
    assert simulator.request(f"/_control/accounts/{ACME}").status == 405
    assert simulator.request("/_control", method="PUT").status == 405


# --- who may use it --------------------------------------------------------------


def test_control_is_refused_without_the_switch():
    with running_simulator(control=False) as simulator:
        response = post(simulator, ACME, {"faults": {"summary": "fail:503"}})
        assert response.status == 404
        assert simulator.request("/_control").status == 404
        assert status(simulator, ACME, "summary") == 200
        assert simulator.app.controls.state() == {}


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.10.0.3", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.5", False),
        ("192.0.2.1", False),
        ("::ffff:192.0.2.1", False),
        ("2001:db8::1", False),
        ("", False),
        (None, False),
        ("localhost", False),
    ],
)
def test_is_loopback(address, loopback):
    assert is_loopback(address) is loopback


def _call(app: Any, method: str, path: str, peer: str, body: bytes = b"") -> str:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "RAW_URI": path,
        "REMOTE_ADDR": peer,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    started: list[str] = []
    b"".join(app(environ, lambda status, headers: started.append(status)))
    return started[0]


def test_a_non_loopback_peer_is_refused(simulator):
    # The tests may connect only to loopback (pytest-socket), so the peer
    # address is given to the app directly, as the server would.
    body = json.dumps({"faults": {"summary": "fail:503"}}).encode()
    refused = _call(
        simulator.app, "POST", f"/_control/accounts/{ACME}", "192.0.2.7", body
    )
    assert refused.startswith("403")
    assert _call(simulator.app, "GET", "/_control", "10.1.2.3").startswith("403")
    assert simulator.app.controls.state() == {}
    accepted = _call(simulator.app, "POST", f"/_control/accounts/{ACME}", "::1", body)
    assert accepted.startswith("200")
