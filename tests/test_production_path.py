"""The production path: PostgreSQL and Redis, run by `make test-services`.

Under `make test` (SQLite, local memory) these skip; CI runs them against
the real servers on 127.0.0.1.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.conftest import KEY_ACME

on_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="DATABASE_URL is not PostgreSQL",
)
on_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"
)


@pytest.mark.postgres
@on_postgres
def test_suite_really_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]


@pytest.mark.postgres
@on_postgres
def test_postgresql_stores_only_the_token(acme):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_key::text FROM interactions_xplatformaccount"
        )
        (stored,) = cursor.fetchone()
    assert stored.startswith("gAAAA")
    assert KEY_ACME not in stored


@pytest.mark.redis
@on_redis
def test_cache_is_shared_through_redis():
    import redis

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("shared-probe", "seen-by-another-process", timeout=30)
    other = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = [
        k.decode() if isinstance(k, bytes) else k for k in other.keys("*shared-probe*")
    ]
    assert keys, "the value did not reach the Redis server"
    assert cache.get("shared-probe") == "seen-by-another-process"
    cache.delete("shared-probe")
