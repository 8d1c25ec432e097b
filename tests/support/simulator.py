"""pytest fixtures for the X-Platform simulator, served over real HTTP.

Use it from any test module through ``tests/conftest.py``::

    from tests.support.simulator import simulator  # noqa: F401

    def test_reads_summary(simulator):
        simulator.faults.fail("summary", status=503, times=2)
        ...  # point the console's client at simulator.base_url
        assert len(simulator.hits) == 3

Each test gets its own server on a free loopback port, fresh faults, an empty
hit list and a ``ManualClock`` at ``clock.DEFAULT_START``. The control
endpoint is on (``simulator.control(account, latency_ms=..., faults=...)``
switches one account over HTTP, as a benchmark would);
``running_simulator(generated=True)`` also answers generated interactions.
The dataset (and its lazily drawn photos) is built once per test session and
shared.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pytest

from interactions.simulator.app import Hit, SimulatorApp, make_app
from interactions.simulator.clock import ManualClock
from interactions.simulator.data import (
    DEMO_ACCOUNTS,
    Dataset,
    DemoAccount,
    build_dataset,
)
from interactions.simulator.faults import Faults
from interactions.simulator.server import SimulatorServer, serve

__all__ = [
    "RunningSimulator",
    "SimulatorResponse",
    "account_headers",
    "running_simulator",
    "shared_dataset",
    "simulator",
]


@lru_cache(maxsize=1)
def shared_dataset() -> Dataset:
    """The session's dataset: photos are drawn once and reused by every test."""
    return build_dataset()


def account_headers(account: DemoAccount | str) -> dict[str, str]:
    """The credential headers the real server expects for a demo account."""
    if isinstance(account, str):
        account = next(a for a in DEMO_ACCOUNTS if a.account_id == account)
    headers = {
        "Tenant-Id": account.account_id,
        "Application-Key": account.application_key,
    }
    if account.environment_name:
        headers["Environment-Name"] = account.environment_name
    return headers


@dataclass
class SimulatorResponse:
    """A raw HTTP answer from the simulator."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RunningSimulator:
    """A simulator serving on loopback for one test."""

    base_url: str
    port: int
    faults: Faults
    dataset: Dataset
    clock: ManualClock
    app: SimulatorApp
    server: SimulatorServer

    @property
    def hits(self) -> list[Hit]:
        """Every request received so far (a copy), in arrival order."""
        return self.app.hits

    def clear_hits(self) -> None:
        self.app.clear_hits()

    def control(
        self,
        account_id: str,
        *,
        latency_ms: int = 0,
        faults: Mapping[str, str] | None = None,
    ) -> Any:
        """Replace one account's latency and faults over ``POST /_control``."""
        response = self.request(
            f"/_control/accounts/{account_id}",
            method="POST",
            body=json.dumps({"latency_ms": latency_ms, "faults": dict(faults or {})}),
            headers={"Content-Type": "application/json"},
        )
        if response.status != 200:
            raise AssertionError(f"control refused: {response.status} {response.text}")
        return response.json()

    def account_url(self, account_id: str, version: str = "2") -> str:
        """The URL prefix of one account: ``.../version/{version}/account/{id}``."""
        return f"{self.base_url}/interact/agent/version/{version}/account/{account_id}"

    def get(
        self,
        path: str,
        *,
        account: str | None = None,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
        timeout: float = 10.0,
    ) -> SimulatorResponse:
        """Send one request with ``http.client`` (no redirects, no retries).

        ``path`` is sent exactly as given (already encoded). With ``account``
        the demo account's credential headers are added first.
        """
        sent: dict[str, str] = account_headers(account) if account else {}
        sent.update(headers or {})
        return self.request(path, headers=sent, method=method, timeout=timeout)

    def request(
        self,
        path: str,
        *,
        method: str = "GET",
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10.0,
    ) -> SimulatorResponse:
        """Send one raw request (with a body, if any) to the simulator."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            return SimulatorResponse(response.status, response.headers, response.read())
        finally:
            connection.close()


@contextmanager
def running_simulator(
    *,
    faults: Faults | None = None,
    clock: ManualClock | None = None,
    dataset: Dataset | None = None,
    unique_id_text_plain: bool = False,
    control: bool = True,
    generated: bool = False,
) -> Iterator[RunningSimulator]:
    """Start a simulator on a free loopback port; stop it on exit."""
    faults = faults if faults is not None else Faults()
    clock = clock if clock is not None else ManualClock()
    dataset = dataset if dataset is not None else shared_dataset()
    app = make_app(
        dataset=dataset,
        faults=faults,
        clock=clock,
        unique_id_text_plain=unique_id_text_plain,
        control=control,
        generated=generated,
    )
    server = serve(app, host="127.0.0.1", port=0, poll_interval=0.01)
    try:
        yield RunningSimulator(
            base_url=server.base_url,
            port=server.port,
            faults=faults,
            dataset=dataset,
            clock=clock,
            app=app,
            server=server,
        )
    finally:
        # Wake hanging or trickling handlers so their threads end promptly.
        faults.interrupt()
        server.shutdown()


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    """A fresh simulator for one test (see the module docstring)."""
    with running_simulator() as running:
        yield running
