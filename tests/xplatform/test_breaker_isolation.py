"""Breakers per account and method group, half-open trial, shared via Redis.

Real HTTP against the simulator, whose control endpoint switches faults per
account and method group at run time (issue 10, docs/security.md R-HTTP-04);
a real ``redis-server`` for the shared state and its outage.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import redis

from interactions.simulator.data import (
    LEADING_ZERO_UNIQUE_ID,
    NORTHWIND_BILLING_UNIQUE_ID,
    PNG_PHOTO_PATH,
)
from interactions.xplatform import breaker as breaker_module
from interactions.xplatform.breaker import (
    BreakerKey,
    Group,
    MemoryStore,
    RedisStore,
    breaker_for,
)
from interactions.xplatform.client import XPlatformClient, clear_clients
from interactions.xplatform.config import CallPolicy
from interactions.xplatform.errors import XPlatformError, XPlatformUnavailable
from tests.support.redis_server import private_redis
from tests.xplatform.test_contract import ACME, NO_RETRY, NORTHWIND, client_for

UID = LEADING_ZERO_UNIQUE_ID
OPEN_MESSAGE = "calls it again in about"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    clear_clients()
    breaker_module.set_store(None)
    yield
    breaker_module.set_store(None)
    clear_clients()


def _fail(call, times: int = 5) -> None:
    for _ in range(times):
        with pytest.raises(XPlatformError):
            call()


def _refused(call) -> bool:
    try:
        call()
    except XPlatformUnavailable as exc:
        return OPEN_MESSAGE in exc.message
    return False


def test_optional_failures_stop_neither_required_parts_nor_other_accounts(simulator):
    acme, northwind = (
        client_for(simulator, policy=NO_RETRY),
        client_for(simulator, NORTHWIND, policy=NO_RETRY),
    )
    simulator.control(ACME, faults={"optional": "fail:503"})
    _fail(lambda: acme.variable_set(UID, "routingDataSet"))
    # Acme's optional breaker is open: no call reaches the simulator.
    simulator.clear_hits()
    assert _refused(lambda: acme.variable_set(UID, "routingDataSet"))
    assert _refused(lambda: acme.photo(UID, PNG_PHOTO_PATH))
    assert simulator.hits == []
    # Acme's required parts and Northwind's everything still go through.
    assert acme.summary(UID).unique_id
    acme.full_flow(UID)
    northwind.summary(NORTHWIND_BILLING_UNIQUE_ID)
    northwind.variable_set(NORTHWIND_BILLING_UNIQUE_ID, "routingDataSet")
    assert len(simulator.hits) == 4


def test_required_failures_open_only_that_accounts_required_breaker(simulator):
    acme, northwind = (
        client_for(simulator, policy=NO_RETRY),
        client_for(simulator, NORTHWIND, policy=NO_RETRY),
    )
    simulator.control(ACME, faults={"required": "fail:503"})
    _fail(lambda: acme.summary(UID))
    assert _refused(lambda: acme.full_flow(UID))
    states = {
        (key.account_id, key.group): state
        for key, state in breaker_module.breaker_states().items()
    }
    assert states[(ACME, Group.REQUIRED)] == "open"
    # Optional parts of Acme, and Northwind, are untouched.
    acme.variable_set(UID, "routingDataSet")
    northwind.summary(NORTHWIND_BILLING_UNIQUE_ID)
    states = {
        (key.account_id, key.group): state
        for key, state in breaker_module.breaker_states().items()
    }
    assert states[(ACME, Group.OPTIONAL)] == "closed"
    assert states[(NORTHWIND, Group.REQUIRED)] == "closed"


def test_half_open_lets_exactly_one_concurrent_call_through(simulator):
    now = [1000.0]
    breaker_module.set_store(MemoryStore(clock=lambda: now[0]))
    acme = client_for(simulator, policy=NO_RETRY)
    simulator.control(ACME, faults={"required": "fail:503"})
    _fail(lambda: acme.summary(UID))
    # The upstream is slow now; the reset timeout has passed.
    simulator.control(ACME, latency_ms=500)
    now[0] += 31
    simulator.clear_hits()
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def call() -> None:
        barrier.wait()
        try:
            acme.summary(UID)
            outcomes.append("ok")
        except XPlatformUnavailable as exc:
            outcomes.append("refused" if OPEN_MESSAGE in exc.message else "failed")

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    assert len(simulator.hits) == 1
    # The trial's success closed it: everyone passes again.
    acme.summary(UID)
    assert len(simulator.hits) == 2


def _redis_store(url: str) -> RedisStore:
    client = redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)
    return RedisStore(
        lambda: client,
        unavailable=(redis.exceptions.ConnectionError, redis.exceptions.TimeoutError),
        prefix="test:breaker",
    )


@pytest.mark.redis
def test_two_processes_share_the_open_state_through_redis(tmp_path):
    policy = CallPolicy(breaker_reset_timeout=0.5)
    key = BreakerKey("https://acme.gointeract.io", ACME, Group.REQUIRED)
    with private_redis(tmp_path) as server:
        first, second = _redis_store(server.url), _redis_store(server.url)
        breaker_module.set_store(first)
        breaker = breaker_for(key.base_url, key.account_id, key.group, policy)
        for _ in range(policy.breaker_fail_max):
            breaker.record(XPlatformUnavailable(status=503))
        # The other "process" has no failure of its own, yet refuses.
        breaker_module.set_store(second)
        assert second.fallback.state(key) == "closed"
        assert breaker.admit() is None
        assert breaker.state() == "open"
        time.sleep(0.6)
        # Half-open: one trial across both processes.
        assert breaker.admit() is True
        breaker_module.set_store(first)
        assert breaker.admit() is None
        breaker.record(None, trial=True)
        assert breaker.state() == "closed"
        breaker_module.set_store(second)
        assert breaker.admit() is False


@pytest.mark.redis
def test_redis_stopped_the_breaker_still_works_per_process(tmp_path):
    policy = CallPolicy()
    key = BreakerKey("https://acme.gointeract.io", ACME, Group.OPTIONAL)
    with private_redis(tmp_path) as server:
        store = _redis_store(server.url)
        breaker_module.set_store(store)
        breaker = breaker_for(key.base_url, key.account_id, key.group, policy)
        assert breaker.admit() is False
        server.stop()
        for _ in range(policy.breaker_fail_max):
            breaker.record(XPlatformUnavailable(status=503))
        assert breaker.admit() is None  # opened in this process' own state
        assert store.fallback.state(key) == "open"


def test_a_client_keys_its_breakers_by_account_and_group(simulator):
    # Sanity: a client built for one account keys its breakers by that account.
    client: XPlatformClient = client_for(simulator, policy=NO_RETRY)
    client.summary(UID)
    keys = set(breaker_module.breaker_states())
    assert keys == {BreakerKey(simulator.base_url, ACME, Group.REQUIRED)}


@pytest.mark.redis
def test_clearing_the_shared_store_forgets_only_its_own_keys(tmp_path):
    policy = CallPolicy()
    key = BreakerKey("https://acme.gointeract.io", ACME, Group.REQUIRED)
    with private_redis(tmp_path) as server:
        store = _redis_store(server.url)
        breaker_module.set_store(store)
        breaker = breaker_for(key.base_url, key.account_id, key.group, policy)
        for _ in range(policy.breaker_fail_max):
            breaker.record(XPlatformUnavailable(status=503))
        assert breaker.state() == "open"
        other = redis.Redis.from_url(server.url)
        other.set("unrelated", "kept")
        store.clear()
        assert breaker.state() == "closed"
        assert other.get("unrelated") == b"kept"
