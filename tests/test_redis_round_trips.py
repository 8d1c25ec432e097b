"""The Redis round trips of an upstream fetch and of a page view (issue 12).

A private ``redis-server`` (tests/support/redis_server.py) and the
simulator. Every command or pipeline a Redis client of this process sends is
one round trip; ``RoundTrips`` counts them, by command, in every thread (the
upstream calls run on the pool's). docs/performance.md, "Redis round trips".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from interactions import shared_flight, upstream
from interactions.models import XPlatformAccount
from interactions.resilient_cache import ResilientRedisCache, reset_outages
from interactions.simulator import data
from interactions.xplatform import breaker as breaker_module
from interactions.xplatform.errors import XPlatformUnavailable
from interactions.xplatform.schemas.summary import Summary
from tests.support.console import logged_in, make_user, sim_account
from tests.support.redis_server import PrivateRedis, console_cache, private_redis

pytestmark = pytest.mark.redis

ACME = data.DEMO_ACCOUNTS[0]
UNIQUE_ID = data.LEADING_ZERO_UNIQUE_ID


class RoundTrips:
    """Round trips to Redis from this process: one per command sent alone
    (``Redis.execute_command``), one per pipeline (``Pipeline.execute``, its
    commands in order joined by "+", repeats once). A new connection's
    handshake is not counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()
        alone: Any = redis.Redis.execute_command  # untyped in redis-py
        together: Any = redis.client.Pipeline.execute

        def execute_command(client: Any, *args: Any, **options: Any) -> Any:
            self._add(str(args[0]).split()[0].upper())
            return alone(client, *args, **options)

        def execute(pipeline: Any, *args: Any, **options: Any) -> Any:
            names: list[str] = []
            for command, _options in pipeline.command_stack:
                name = str(command[0]).split()[0].upper()
                if not names or names[-1] != name:
                    names.append(name)  # in order, repeats once
            if names:
                self._add("+".join(names))
            return together(pipeline, *args, **options)

        monkeypatch.setattr(redis.Redis, "execute_command", execute_command)
        monkeypatch.setattr(redis.client.Pipeline, "execute", execute)

    def _add(self, name: str) -> None:
        with self._lock:
            self.sent.append(name)

    def seen(self) -> str:
        """The round trips so far, in order, separated by spaces."""
        with self._lock:
            return " ".join(self.sent)

    def clear(self) -> None:
        with self._lock:
            self.sent.clear()


@pytest.fixture
def redis_server(tmp_path, settings) -> Iterator[PrivateRedis]:
    reset_outages()
    with private_redis(tmp_path) as server:
        settings.CACHES = console_cache(server.url)
        yield server
    reset_outages()


@pytest.fixture
def round_trips(redis_server, monkeypatch) -> RoundTrips:
    return RoundTrips(monkeypatch)


@pytest.fixture(autouse=True)
def _breakers() -> Iterator[None]:
    yield
    breaker_module.set_store(None)
    breaker_module.clear_breakers()


@pytest.fixture
def patient_read_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """The breakers read with the lock admit the calls for a minute, not a
    quarter of a second: a machine that stalls that long between the read
    and a call (seen in CI) makes each late call ask Redis again, as it
    should, and these counts would fail by the clock. Freshness has its own
    test, which does not take this fixture."""
    monkeypatch.setattr(breaker_module, "AHEAD_SECONDS", 60.0)


@pytest.fixture
def account(simulator, db) -> XPlatformAccount:
    return sim_account(ACME, simulator.base_url)


def _parts(account: XPlatformAccount) -> int:
    return 2 + len(account.variable_set_ids())


def test_a_cold_fetch_is_two_round_trips_and_a_cached_one_one(
    round_trips, account, simulator, patient_read_ahead
):
    round_trips.clear()  # saving the account made the kept permissions stale
    interaction = upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)
    assert interaction.summary.ok
    assert interaction.flow.ok
    assert len(simulator.hits) == _parts(account)
    # One script read the parts and the account's breakers and took the lock;
    # one pipeline stored the parts and their last good copies and released
    # it. The calls' breakers asked Redis nothing more: closed, no failure.
    assert round_trips.seen() == "EVAL SET+EVAL"
    round_trips.clear()
    again = upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)
    assert again.summary.value == interaction.summary.value
    assert round_trips.seen() == "EVAL"  # every part there: no lock
    assert len(simulator.hits) == _parts(account)


def test_a_cold_page_view_and_a_cached_one(
    round_trips, account, simulator, settings, patient_read_ahead
):
    settings.XPC_PERMISSION_CACHE_SECONDS = 300  # as with REDIS_URL
    web = logged_in(make_user("ada", "agent", [account]))
    url = reverse("interactions:detail", args=[account.slug, UNIQUE_ID])
    other = reverse("interactions:detail", args=[account.slug, data.UUID_UNIQUE_ID])
    # The rate limiter's script loaded, the agent's permissions kept.
    assert web.get(other).status_code == 200
    round_trips.clear()
    assert web.get(url).status_code == 200
    # The permissions (with the accounts and the theme), the rate limit, the
    # interaction (read with the lock and the breakers, then stored with the
    # release), whether its snapshot is kept, the thumbnails of its photos,
    # its sections (read, then stored).
    # (Once the test's transaction would commit, "the snapshot is kept" would
    # be one SET more, and this process would not ask for it again: the
    # cached view below would be one GET less.)
    assert round_trips.seen() == "MGET EVALSHA EVAL SET+EVAL GET MGET GET SET"
    round_trips.clear()
    assert web.get(url).status_code == 200
    assert round_trips.seen() == "MGET EVALSHA EVAL GET GET"


def test_a_part_is_pickled_once_for_its_entry_and_its_last_good_copy(
    redis_server, account, simulator, summary_pickles
):
    """Storing a cold fetch writes each good part twice (the part, its last
    good copy); its pickle is made once and both read back as the part."""
    interaction = upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)
    assert interaction.summary.ok
    assert len(summary_pickles) == 1
    kept = caches["default"].get(upstream.cache_key(account, UNIQUE_ID, "summary"))
    last_good, since = caches["default"].get(
        upstream.cache_key(account, UNIQUE_ID, "last-good", "summary")
    )
    assert kept == last_good == interaction.summary.value
    assert isinstance(kept, Summary)
    assert since <= interaction.fetched_at


def test_a_success_on_a_clean_breaker_writes_nothing_and_one_after_a_failure_resets(
    round_trips, account, simulator
):
    upstream.get_client(account)  # installs the Redis store
    client = upstream.get_client(account)
    round_trips.clear()
    client.summary(UNIQUE_ID)
    assert round_trips.seen() == "MGET"  # admitted; the success wrote nothing
    (required, _) = client.breakers()
    required.record(XPlatformUnavailable(status=503))
    round_trips.clear()
    client.summary(UNIQUE_ID)
    # A failure was counted: the success resets it, as before.
    assert round_trips.seen() == "MGET EVAL"
    store = breaker_module.current_store()
    assert isinstance(store, breaker_module.RedisStore)
    failures, _ = store.closed_keys(required.key)
    backend = caches["default"]
    assert isinstance(backend, ResilientRedisCache)
    assert backend.redis_client().exists(failures) == 0


def _ahead(account: XPlatformAccount) -> tuple[Any, Any, list[Any]]:
    client = upstream.get_client(account)
    ahead = breaker_module.read_ahead(client.breakers())
    assert ahead is not None
    backend = caches["default"]
    assert isinstance(backend, ResilientRedisCache)
    values = backend.redis_client().mget(ahead.keys())
    return client, ahead, values


def test_a_breaker_read_ahead_admits_only_while_fresh_and_closed(
    round_trips, account, simulator, monkeypatch
):
    client, ahead, values = _ahead(account)
    round_trips.clear()
    with ahead.admitting(values, time.monotonic()):
        client.summary(UNIQUE_ID)
    assert round_trips.seen() == ""
    # Older than AHEAD_SECONDS: asked again.
    with ahead.admitting(values, time.monotonic() - 1):
        client.summary(UNIQUE_ID)
    assert round_trips.seen() == "MGET"
    # A failure this process recorded since the read voids it.
    client, ahead, values = _ahead(account)
    (required, _) = client.breakers()
    required.record(XPlatformUnavailable(status=503))
    round_trips.clear()
    with ahead.admitting(values, time.monotonic()):
        client.summary(UNIQUE_ID)
    assert round_trips.seen() == "MGET EVAL"


def test_an_open_breaker_read_ahead_still_refuses(round_trips, account, simulator):
    client = upstream.get_client(account)
    (required, _) = client.breakers()
    for _ in range(required.fail_max):
        required.record(XPlatformUnavailable(status=503))
    client, ahead, values = _ahead(account)
    hits = len(simulator.hits)
    with (
        ahead.admitting(values, time.monotonic()),
        pytest.raises(XPlatformUnavailable, match="calls it again"),
    ):
        client.summary(UNIQUE_ID)
    assert len(simulator.hits) == hits


def test_a_leader_whose_lock_was_taken_over_leaves_the_new_lock(
    redis_server, account, simulator, monkeypatch
):
    backend = caches["default"]
    assert isinstance(backend, ResilientRedisCache)
    key = upstream.cache_key(account, UNIQUE_ID, "fetch", "")
    lock = shared_flight._lock_key(backend, key)
    real_fetch = upstream._fetch

    def expired_meanwhile(*args: Any, **kwargs: Any) -> Any:
        # The lock expired during the fetch and another leader took it.
        backend.redis_client().set(lock, "later-leader", px=5000)
        return real_fetch(*args, **kwargs)

    monkeypatch.setattr(upstream, "_fetch", expired_meanwhile)
    assert upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID).flow.ok
    assert backend.redis_client().get(lock) == b"later-leader"
    # The parts were stored all the same.
    stored = backend.get(upstream.cache_key(account, UNIQUE_ID, "flow"))
    assert stored is not None


def test_without_redis_a_fetch_reads_and_writes_the_cache_as_before(
    settings, account, simulator
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)
    upstream.interaction_fetch(account=account, unique_id=UNIQUE_ID)
    assert len(simulator.hits) == _parts(account)


def test_a_page_view_during_an_outage_still_fetches_once(
    redis_server, account, simulator
):
    web: Client = logged_in(make_user("ada", "agent", [account]))
    redis_server.stop()
    url = reverse("interactions:detail", args=[account.slug, UNIQUE_ID])
    assert web.get(url).status_code == 200
    assert len(simulator.hits) == _parts(account)
