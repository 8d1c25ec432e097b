"""Cross-process single-flight through Redis (issue 10).

A private ``redis-server`` (tests/support/redis_server.py) and the simulator.
Two "processes" are two groups of threads, each group with its own
per-process ``SingleFlight``, as two gunicorn workers have.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.urls import reverse

from interactions import shared_flight, upstream
from interactions.fanout import SingleFlight
from interactions.models import XPlatformAccount
from interactions.resilient_cache import ResilientRedisCache, reset_outages
from interactions.simulator import data
from tests.observability.test_metrics import value
from tests.support.console import logged_in, make_user, sim_account
from tests.support.redis_server import console_cache, private_redis

pytestmark = pytest.mark.redis

ACME = data.DEMO_ACCOUNTS[0]
NORTHWIND = data.DEMO_ACCOUNTS[1]
UNIQUE_ID = data.LEADING_ZERO_UNIQUE_ID


class PerProcess:
    """``upstream.flights`` as each "process" (thread group) sees it."""

    def __init__(self) -> None:
        self.local = threading.local()

    def use(self, flights: SingleFlight) -> None:
        self.local.flights = flights

    def run(self, key: str, fn: Callable[[], Any]) -> Any:
        return self.local.flights.run(key, fn)


@pytest.fixture
def redis_server(tmp_path, settings):
    reset_outages()
    with private_redis(tmp_path) as server:
        settings.CACHES = console_cache(server.url)
        yield server
    reset_outages()


@pytest.fixture
def per_process(monkeypatch) -> PerProcess:
    flights = PerProcess()
    monkeypatch.setattr(upstream, "flights", flights)
    return flights


@pytest.fixture
def account(simulator, db) -> XPlatformAccount:
    return sim_account(ACME, simulator.base_url)


def _parts(account: XPlatformAccount) -> int:
    return 2 + len(account.variable_set_ids())


def _views(
    account: XPlatformAccount, per_process: PerProcess, processes: int, each: int
) -> Iterator[Any]:
    results: list[Any] = []
    start = threading.Barrier(processes * each)

    def view(flights: SingleFlight) -> None:
        per_process.use(flights)
        start.wait()
        results.append(upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID))

    threads = []
    for _ in range(processes):
        flights = SingleFlight()
        threads += [threading.Thread(target=view, args=(flights,)) for _ in range(each)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return iter(results)


def test_two_processes_make_one_upstream_fetch_per_part(
    redis_server, per_process, account, simulator
):
    simulator.faults.latency(0.3)
    before = value("xpc_single_flight_total", role="follower", scope="shared")
    results = list(_views(account, per_process, processes=2, each=4))
    assert len(results) == 8
    assert all(r.summary.ok and r.flow.ok for r in results)
    # One call per part for eight views on two processes (issue 10 measured
    # 12 on one instance with two workers before).
    assert len(simulator.hits) == _parts(account)
    # The second process used the first one's result.
    assert value("xpc_single_flight_total", role="follower", scope="shared") > before


def test_a_lock_left_by_a_dead_leader_expires_and_a_waiter_takes_over(
    redis_server, per_process, account, simulator
):
    per_process.use(SingleFlight())
    backend = caches["default"]
    key = upstream.cache_key(account, UNIQUE_ID, "fetch", "")
    lock = shared_flight._lock_key(backend, key)  # type: ignore[arg-type]
    # A leader that took the lock and died: nothing stored, nothing released.
    backend.redis_client().set(lock, "dead-leader", px=400)  # type: ignore[attr-defined]
    started = time.monotonic()
    interaction = upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)
    assert interaction.summary.ok
    assert time.monotonic() - started >= 0.35  # it waited for the lock
    assert len(simulator.hits) == _parts(account)


def test_a_leader_that_fails_hands_over_to_a_waiter(
    redis_server, per_process, account, simulator, monkeypatch
):
    real_fetch = upstream._fetch
    calls: list[str] = []

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            time.sleep(0.3)
            raise RuntimeError("leader crashed")
        return real_fetch(*args, **kwargs)

    monkeypatch.setattr(upstream, "_fetch", failing_once)
    outcomes: dict[str, Any] = {}

    def view(name: str) -> None:
        per_process.use(SingleFlight())
        try:
            outcomes[name] = upstream.interaction_fetch(
                account=account, unique_id=UNIQUE_ID
            )
        except RuntimeError as exc:
            outcomes[name] = exc

    leader = threading.Thread(target=view, args=("leader",))
    leader.start()
    time.sleep(0.1)
    waiter = threading.Thread(target=view, args=("waiter",))
    waiter.start()
    leader.join(10)
    waiter.join(10)
    assert isinstance(outcomes["leader"], RuntimeError)
    assert outcomes["waiter"].summary.ok
    assert len(calls) == 2  # the waiter ran the fetch once the lock was released
    assert len(simulator.hits) == _parts(account)


def test_with_redis_stopped_each_process_fetches_for_itself(
    redis_server, per_process, account, simulator
):
    redis_server.stop()
    simulator.faults.latency(0.2)
    results = list(_views(account, per_process, processes=2, each=2))
    assert len(results) == 4
    assert all(r.summary.ok for r in results)
    # No errors, and per-process collapsing still holds: one fetch per process.
    assert len(simulator.hits) == 2 * _parts(account)


def test_the_live_page_refreshes_as_often_as_its_parts_are_cached(
    redis_server, settings, db
):
    from interactions.simulator.clock import ManualClock
    from tests.support.simulator import running_simulator

    settings.XPC_LIVE_REFRESH_SECONDS = 7
    with running_simulator(clock=ManualClock(start=time.time())) as sim:
        account = sim_account(NORTHWIND, sim.base_url)
        web = logged_in(make_user("nina", "agent", [account]))
        url = reverse("interactions:detail", args=[account.slug, data.LIVE_UNIQUE_ID])
        response = web.get(url)
    assert response.status_code == 200
    assert b'data-live="true"' in response.content
    assert b'data-refresh-ms="7000"' in response.content
    assert upstream.live_ttl() == 7
    backend = caches["default"]
    key = backend.make_key(upstream.cache_key(account, data.LIVE_UNIQUE_ID, "flow"))
    ttl_ms = backend.redis_client().pttl(key)  # type: ignore[attr-defined]
    assert 6000 < ttl_ms <= 7000


def test_a_cached_part_is_decoded_once_per_process(
    redis_server, per_process, account, monkeypatch
):
    shared_flight.decoded.clear()
    per_process.use(SingleFlight())
    decodes: list[bytes] = []
    original = ResilientRedisCache.decode

    def counted(self: ResilientRedisCache, raw: bytes) -> Any:
        decodes.append(raw)
        return original(self, raw)

    monkeypatch.setattr(ResilientRedisCache, "decode", counted)
    upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)  # stores
    assert decodes == []
    first = upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)
    assert len(decodes) == _parts(account)
    again = upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)
    # The same bytes again: nothing unpickled, the same (immutable) values.
    assert len(decodes) == _parts(account)
    assert again.flow.value is first.flow.value
    assert again.summary.value is first.summary.value
    assert again.summary.value == first.summary.value


class _Backend:
    def __init__(self) -> None:
        self.calls = 0

    def decode(self, raw: bytes) -> Any:
        self.calls += 1
        return raw.decode("ascii")


def test_the_decoded_memo_skips_large_values_and_empties_when_full(monkeypatch):
    memo = shared_flight._Decoded()
    monkeypatch.setattr(memo, "LARGEST", 8)
    monkeypatch.setattr(memo, "BUDGET", 12)
    backend: Any = _Backend()
    assert memo.decode(backend, b"too-large") == "too-large"
    assert memo.decode(backend, b"too-large") == "too-large"
    assert backend.calls == 2  # above LARGEST: decoded every time
    memo.decode(backend, b"small-1")
    memo.decode(backend, b"small-1")
    assert backend.calls == 3
    memo.decode(backend, b"small-2")  # 14 bytes would pass BUDGET: emptied first
    memo.decode(backend, b"small-2")
    memo.decode(backend, b"small-1")
    assert backend.calls == 5


def test_the_decoded_memo_keeps_entries_a_while_and_a_bounded_number(monkeypatch):
    memo = shared_flight._Decoded()
    backend: Any = _Backend()
    monkeypatch.setattr(memo, "ENTRIES", 2)
    for raw in (b"a", b"b", b"a", b"b"):
        memo.decode(backend, raw)
    assert backend.calls == 2
    memo.decode(backend, b"c")  # a third entry: emptied first
    memo.decode(backend, b"a")
    assert backend.calls == 4
    monkeypatch.setattr(memo, "SECONDS", 0.0)  # every entry too old
    memo.decode(backend, b"a")
    assert backend.calls == 5


class _Mutable:
    def __init__(self) -> None:
        self.calls = 0

    def decode(self, raw: bytes) -> Any:
        self.calls += 1
        return {"photo": raw}


def test_a_value_a_caller_could_change_is_decoded_anew_each_time():
    memo = shared_flight._Decoded()
    backend: Any = _Mutable()
    first = memo.decode(backend, b"photo-entry")
    first["photo"] = b"changed by one request"
    assert memo.decode(backend, b"photo-entry") == {"photo": b"photo-entry"}
    assert backend.calls == 2
