"""A Redis outage degrades the console, never a 500 (issue 10).

Real parts: a redis-server started here and stopped mid-test, a closed
loopback port, the console's views, the simulator as the X-Platform.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from interactions import resilient_cache, upstream
from interactions.models import XPlatformAccount
from interactions.resilient_cache import ResilientRedisCache
from interactions.simulator import data
from tests.support.console import PASSWORD
from tests.support.redis_server import PrivateRedis, console_cache, free_port

WARNINGS = "interactions.resilient_cache"


@pytest.fixture
def home(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["acme"]


@pytest.fixture
def redis_server(tmp_path: Path, settings: Settings) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    settings.CACHES = console_cache(server.url)
    try:
        yield server
    finally:
        server.stop()


def _sign_in(client: Client) -> Any:
    return client.post(reverse("login"), {"username": "agnes", "password": PASSWORD})


def _outage_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == WARNINGS and "unreachable" in r.getMessage()
    ]


def test_with_redis_stopped_every_signed_in_page_still_answers(
    agent, redis_server, caplog
):
    caplog.set_level(logging.WARNING, logger=WARNINGS)
    web = Client()
    assert _sign_in(web).status_code == 302
    detail = reverse("interactions:detail", args=["sim-acme", data.UUID_UNIQUE_ID])
    assert web.get(detail).status_code == 200  # cached in Redis

    redis_server.stop()
    started = time.monotonic()
    found = web.post(
        reverse("interactions:lookup"),
        {"account": "sim-acme", "query": data.UUID_UNIQUE_ID, "kind": "auto"},
    )
    assert found.status_code == 302
    assert found["Location"] == detail
    page = web.get(detail)
    assert page.status_code == 200
    assert "Status" in page.content.decode()
    api = web.get(f"/api/v1/accounts/sim-acme/interactions/{data.UUID_UNIQUE_ID}")
    assert api.status_code == 200
    assert api.json()["unique_id"] == data.UUID_UNIQUE_ID
    assert web.get(reverse("interactions:home")).status_code == 200
    # Readiness says Redis is down; liveness still answers.
    ready = web.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["redis"]["ok"] is False
    assert web.get("/healthz").status_code == 200

    # Sign-out and sign-in need no cache.
    assert web.post(reverse("logout")).status_code == 302
    assert web.get(reverse("interactions:home")).status_code == 302
    assert _sign_in(web).status_code == 302
    assert web.get(reverse("interactions:home")).status_code == 200
    # The circuit: one short wait, not one per cache call.
    assert time.monotonic() - started < 10
    assert len(_outage_warnings(caplog)) == 1


def test_a_sign_out_during_an_outage_stays_signed_out(agent, redis_server, settings):
    web = Client()
    assert _sign_in(web).status_code == 302
    assert web.get(reverse("interactions:home")).status_code == 200
    cookie = web.cookies["sessionid"].value
    up = settings.CACHES
    settings.CACHES = console_cache(f"redis://127.0.0.1:{free_port()}/0")
    assert web.post(reverse("logout")).status_code == 302
    settings.CACHES = up  # Redis is back, with whatever it held before
    stale = Client()
    stale.cookies["sessionid"] = cookie
    assert stale.get(reverse("interactions:home")).status_code == 302


def test_an_unreachable_redis_is_a_miss_and_logged_once_a_minute(settings, caplog):
    caplog.set_level(logging.WARNING, logger=WARNINGS)
    port = free_port()
    settings.CACHES = console_cache(f"redis://127.0.0.1:{port}/0")
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    started = time.monotonic()
    for n in range(200):
        assert cache.get(f"k{n}", "miss") == "miss"
        cache.set(f"k{n}", n)
        assert cache.get_many([f"k{n}"]) == {}
        assert cache.add(f"k{n}", n) is True
        with pytest.raises(ValueError, match="not found"):
            cache.incr(f"k{n}")
    # 1000 calls, one wait: the circuit skips Redis after the first failure.
    assert time.monotonic() - started < 2
    assert len(_outage_warnings(caplog)) == 1
    # A minute on, still down: one more line, with the calls served meanwhile.
    outage = resilient_cache._outage_for(f"redis://127.0.0.1:{port}/0")
    assert outage.last_logged is not None
    outage.last_logged -= 61
    outage.down_until = 0.0
    cache.get("again")
    warnings = _outage_warnings(caplog)
    assert len(warnings) == 2
    assert "1000 cache calls" in warnings[1]


def test_the_cache_comes_back_after_the_outage(tmp_path, settings, caplog):
    caplog.set_level(logging.WARNING, logger=WARNINGS)
    server = PrivateRedis(tmp_path)
    settings.CACHES = console_cache(server.url)
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    cache.set("k", 1)  # nothing listens yet
    assert cache.get("k") is None
    server.start()
    try:
        resilient_cache._outage_for(server.url).down_until = 0.0  # retry now
        cache.set("k", 2)
        assert cache.get("k") == 2
        assert any("reachable again" in r.getMessage() for r in caplog.records)
    finally:
        server.stop()


def test_cache_calls_share_one_redis_client(redis_server):
    """One ``redis.Redis`` per connection pool, not one per cache call
    (building one costs more than a GET on loopback)."""
    cache = caches["default"]
    client = cast(Any, cache)._cache
    made: list[dict[str, Any]] = []
    build = client._client

    def counted(**options: Any) -> Any:
        made.append(options)
        return build(**options)

    client._client = counted
    for n in range(10):
        cache.set(f"k{n}", n)
        assert cache.get(f"k{n}") == n
    assert cache.get_many(["k1", "k2"]) == {"k1": 1, "k2": 2}
    assert len(made) == 1
    # The one client still finds a restarted server (its pool reconnects).
    redis_server.stop()
    assert cache.get("k1") is None
    redis_server.start()
    resilient_cache._outage_for(redis_server.url).down_until = 0.0
    cache.set("k1", 11)
    assert cache.get("k1") == 11
    assert len(made) == 1


def test_an_unreachable_redis_costs_no_pickling_of_the_parts(
    home, settings, summary_pickles
):
    """Every page is a cold fetch during an outage, and nothing is written:
    the parts are pickled only for a write that happens."""
    settings.CACHES = console_cache(f"redis://127.0.0.1:{free_port()}/0")
    interaction = upstream.interaction_fetch(
        account=home, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    assert interaction.summary.ok
    assert summary_pickles == []


def test_a_key_memcached_would_refuse_is_kept_without_a_warning(redis_server):
    """Redis keys are binary-safe: the memcached checks Django's base class
    runs on every key (a warning for each) are not run, and such a key is
    stored and read back whole."""
    cache = caches["default"]
    key = "a key with spaces\x07 and a bell " + "x" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        cache.set(key, "kept")
        assert cache.get(key) == "kept"
    assert cache.get(key.replace(" ", "_")) is None
