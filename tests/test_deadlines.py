"""One deadline per request and per-account bulkheads (issue 10).

Real simulators on loopback: account A is served by one whose faults make
it slow or hang, account B by another that answers at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from interactions import fanout, upstream
from interactions.errors import BUSY, error_kind
from interactions.models import InteractionAccess, XPlatformAccount
from interactions.simulator import data
from interactions.xplatform.context import bound_deadline
from interactions.xplatform.errors import XPlatformBusy, XPlatformTimeout
from tests.conftest import SIM_ACME, SIM_NORTHWIND
from tests.support.console import logged_in, make_user, sim_account
from tests.support.simulator import RunningSimulator, running_simulator

TOO_LONG = "took too long to answer"


@pytest.fixture(autouse=True)
def _no_retries(settings):
    settings.XPC_UPSTREAM_RETRIES = 0


@pytest.fixture
def slow_sim() -> Iterator[RunningSimulator]:
    """Account A's X-Platform, made slow or hung by each test."""
    with running_simulator() as running:
        yield running


@pytest.fixture
def account_a(slow_sim, db) -> XPlatformAccount:
    return sim_account(SIM_ACME, slow_sim.base_url)


@pytest.fixture
def account_b(simulator, db) -> XPlatformAccount:
    return sim_account(SIM_NORTHWIND, simulator.base_url)


@pytest.fixture
def web(account_a, account_b) -> Client:
    return logged_in(make_user("agnes", "agent", [account_a, account_b]))


def _page(slug: str, unique_id: str) -> str:
    return reverse("interactions:detail", args=[slug, unique_id])


def _load_in_background(
    account: XPlatformAccount, count: int
) -> list[threading.Thread]:
    """``count`` concurrent page fetches of different interactions of A."""

    def fetch(n: int) -> None:
        with bound_deadline(8):
            upstream.interaction_fetch(account=account, unique_id=f"{1000000 + n}")

    threads = [threading.Thread(target=fetch, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    return threads


def test_a_slow_account_does_not_slow_another(
    web, account_a, slow_sim, simulator, settings
):
    slow_sim.faults.latency(2.0)
    share = upstream.get_client(account_a).bulkhead
    assert (
        share.size
        == settings.XPC_UPSTREAM_PER_ACCOUNT
        < (settings.XPC_UPSTREAM_POOL_SIZE)
    )
    held: list[int] = []
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            held.append(share.in_use)
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = _load_in_background(account_a, 20)
    time.sleep(0.2)  # A's calls are running or queued
    started = time.monotonic()
    response = web.get(_page("sim-northwind", data.NORTHWIND_BILLING_UNIQUE_ID))
    elapsed = time.monotonic() - started
    for thread in threads:
        thread.join()
    sampling.set()
    sampler.join()
    assert response.status_code == 200
    # B answers at once; A's calls take 2 s each and there are 120 of them.
    assert elapsed < 1.5, f"B's page took {elapsed:.2f} s"
    assert TOO_LONG not in response.content.decode()
    # A filled its share of the pool and never held more, and gave it back.
    assert max(held) == settings.XPC_UPSTREAM_PER_ACCOUNT
    assert share.in_use == 0


def test_hung_upstream_page_answers_within_the_deadline(web, slow_sim, settings):
    settings.XPC_REQUEST_DEADLINE = 1.5
    slow_sim.faults.hang(seconds=30)
    started = time.monotonic()
    response = web.get(_page("sim-acme", data.LEADING_ZERO_UNIQUE_ID))
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < 1.5 + 1.0, f"the page took {elapsed:.2f} s"
    text = response.content.decode()
    assert TOO_LONG in text
    assert "1.5 s" in text
    row = InteractionAccess.objects.latest("pk")
    assert row.error_kind == "timeout"


def test_a_call_that_waited_gets_only_the_requests_time(account_a, slow_sim):
    slow_sim.faults.hang("summary", seconds=30)
    client = upstream.get_client(account_a)
    started = time.monotonic()
    with bound_deadline(0.6), pytest.raises(XPlatformTimeout) as raised:
        client.summary(data.LEADING_ZERO_UNIQUE_ID)
    # The call's own deadline (8 s) and read timeout (5 s) are cut to 0.6 s.
    assert time.monotonic() - started < 1.2
    assert TOO_LONG in raised.value.message


def test_queued_work_past_the_deadline_is_not_started():
    release = threading.Event()
    executor = fanout.pool("calls")
    blockers = [executor.submit(release.wait, 10) for _ in range(executor._max_workers)]
    ran = threading.Event()
    try:
        started = time.monotonic()
        with bound_deadline(0.3):
            parts = fanout.gather({"late": ran.set})
        elapsed = time.monotonic() - started
    finally:
        release.set()
    for blocker in blockers:
        blocker.result(timeout=5)
    time.sleep(0.1)  # a started call would have run by now
    assert elapsed < 0.8
    error = parts["late"].error
    assert isinstance(error, XPlatformTimeout)
    assert TOO_LONG in error.message
    assert not ran.is_set()


def test_a_part_not_started_in_time_releases_its_slot(account_a):
    client = upstream.get_client(account_a)
    release = threading.Event()
    executor = fanout.pool("calls")
    blockers = [executor.submit(release.wait, 10) for _ in range(executor._max_workers)]
    try:
        with bound_deadline(0.3):
            parts = fanout.gather({"late": lambda: None}, bulkhead=client.bulkhead)
    finally:
        release.set()
    for blocker in blockers:
        blocker.result(timeout=5)
    assert isinstance(parts["late"].error, XPlatformTimeout)
    assert client.bulkhead.in_use == 0


def _hold_slots(account: XPlatformAccount, count: int) -> list[threading.Thread]:
    """``count`` summary calls of A that stay running (the simulator is slow)."""
    client = upstream.get_client(account)

    def call() -> None:
        client.summary(data.LEADING_ZERO_UNIQUE_ID)

    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 2
    while client.bulkhead.in_use < count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert client.bulkhead.in_use == count
    return threads


def test_a_full_share_fails_fast_with_its_own_kind(web, account_a, slow_sim, settings):
    settings.XPC_UPSTREAM_PER_ACCOUNT = 2
    slow_sim.faults.latency(1.5)
    threads = _hold_slots(account_a, 2)
    while len(slow_sim.hits) < 2:  # both held calls have arrived upstream
        time.sleep(0.01)
    hits = len(slow_sim.hits)
    started = time.monotonic()
    response = web.get(_page("sim-acme", data.LEADING_ZERO_UNIQUE_ID))
    elapsed = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert response.status_code == 200
    assert elapsed < 1.2, f"the refused page took {elapsed:.2f} s"
    text = response.content.decode()
    assert BUSY.message in text, text[text.find("unavailable") - 200 :][:1500]
    # Refused before calling: the simulator saw no call of the page.
    assert len(slow_sim.hits) == hits
    row = InteractionAccess.objects.latest("pk")
    assert (row.outcome, row.error_kind) == ("upstream_error", "busy")


def test_a_refused_single_call_names_its_kind(account_a, slow_sim, settings):
    settings.XPC_UPSTREAM_PER_ACCOUNT = 1
    slow_sim.faults.latency(1.0)
    threads = _hold_slots(account_a, 1)
    started = time.monotonic()
    with pytest.raises(XPlatformBusy) as raised:
        upstream.get_client(account_a).photo(
            data.LEADING_ZERO_UNIQUE_ID, data.PNG_PHOTO_PATH
        )
    assert time.monotonic() - started < 0.9
    for thread in threads:
        thread.join()
    assert error_kind(raised.value) == "busy"
    assert BUSY.code == "upstream_busy"
    assert BUSY.status == 503


def test_the_share_of_another_account_is_its_own(account_a, account_b, settings):
    settings.XPC_UPSTREAM_PER_ACCOUNT = 1
    a = upstream.get_client(account_a).bulkhead
    b = upstream.get_client(account_b).bulkhead
    with a.slot():
        with b.slot():
            assert (a.in_use, b.in_use) == (1, 1)
        with pytest.raises(XPlatformBusy):
            a.acquire(wait=0)
