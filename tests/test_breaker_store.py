"""The console installs the Redis-backed breaker store when the cache is Redis.

A private ``redis-server`` (tests/support/redis_server.py); stopping it
leaves the breakers working per process (issue 10, R-HTTP-04).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interactions import breakers
from interactions.resilient_cache import reset_outages
from interactions.xplatform import breaker as breaker_module
from interactions.xplatform.config import CallPolicy
from interactions.xplatform.errors import XPlatformUnavailable
from tests.support.redis_server import console_cache, private_redis

pytestmark = pytest.mark.redis


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    reset_outages()
    breaker_module.clear_breakers()
    yield
    breakers._installed_for[0] = None
    breaker_module.set_store(None)
    breaker_module.clear_breakers()
    reset_outages()


def test_redis_cache_shares_breakers_and_an_outage_falls_back(tmp_path, settings):
    policy = CallPolicy()
    with private_redis(tmp_path) as server:
        settings.CACHES = console_cache(server.url)
        breakers.use_shared_store()
        store = breaker_module.current_store()
        assert isinstance(store, breaker_module.RedisStore)
        acme = breaker_module.breaker_for(
            "https://a.gointeract.io", "a", "required", policy
        )
        for _ in range(policy.breaker_fail_max):
            acme.record(XPlatformUnavailable(status=503))
        # Open in Redis, not in this process' own fallback state.
        assert acme.key in {k for k in breaker_module.breaker_states()}
        assert store.fallback.state(acme.key) == "closed"
        assert breakers.account_states("https://a.gointeract.io", "a") == {
            "required": "open",
            "optional": "closed",
        }
        server.stop()
        # Redis gone: the shared state cannot be read; the process keeps its own.
        other = breaker_module.breaker_for(
            "https://a.gointeract.io", "a", "optional", policy
        )
        assert other.admit() is False
        for _ in range(policy.breaker_fail_max):
            other.record(XPlatformUnavailable(status=503))
        assert other.admit() is None
        assert store.fallback.state(other.key) == "open"


def test_without_redis_the_breakers_stay_per_process(settings):
    # Local memory as on a laptop, whatever REDIS_URL make test-services set.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    breakers.use_shared_store()
    assert isinstance(breaker_module.current_store(), breaker_module.MemoryStore)
