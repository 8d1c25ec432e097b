"""Liveness (/healthz) and readiness (/readyz) for probes (R-OPS-01).

Real parts only: the test database and its migration records, a Redis
server started here (or a closed loopback port), real circuit breakers.
"""

from __future__ import annotations

from collections.abc import Iterator

import django
import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from interactions import health
from interactions.xplatform.breaker import breaker_for, clear_breakers
from interactions.xplatform.config import CallPolicy
from interactions.xplatform.errors import XPlatformUnavailable
from tests.support.redis_server import REDIS_SERVER, PrivateRedis, free_port

POD_IP = "10.42.0.7:8000"


@pytest.fixture(autouse=True)
def _fresh_checks() -> Iterator[None]:
    health.forget_cached_checks()
    clear_breakers()
    yield
    health.forget_cached_checks()
    clear_breakers()


def _redis_cache(port: int) -> dict[str, dict[str, str]]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


def _assert_no_configuration(text: str, *also: str) -> None:
    for secret in (
        "127.0.0.1",
        "redis://",
        "sqlite",
        "postgres",
        "gointeract",
        "Error",
        "Exception",
        django.get_version(),
        *also,
    ):
        assert secret not in text


def test_liveness_answers_without_touching_the_database(client):
    # No `db` fixture: any database query here would raise.
    response = client.get(reverse("healthz"))
    assert reverse("healthz") == "/healthz"
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert response.cookies == {}


def test_readiness_reports_each_check_with_its_time(client, db, settings):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    expected = {"database", "migrations", "breakers"}
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        expected.add("redis")  # make test-services
    assert set(body["checks"]) == expected
    for check in body["checks"].values():
        assert check["ok"] is True
        assert isinstance(check["ms"], float)
    assert "no-store" in response["Cache-Control"]


def test_redis_down_makes_the_instance_not_ready(client, db, settings):
    port = free_port()  # nothing listens there any more
    settings.CACHES = _redis_cache(port)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert set(body["checks"]["redis"]) == {"ok", "ms"}
    _assert_no_configuration(response.content.decode(), str(port))


@pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server")
def test_readiness_follows_a_real_redis_server(client, db, settings, tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        settings.CACHES = _redis_cache(server.port)
        up = client.get("/readyz")
        assert up.status_code == 200
        assert up.json()["checks"]["redis"]["ok"] is True
    finally:
        server.stop()
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["checks"]["redis"]["ok"] is False


def test_an_unapplied_migration_makes_the_instance_not_ready(client, db):
    assert client.get("/readyz").status_code == 200
    latest = (
        MigrationRecorder.Migration.objects.filter(app="interactions")
        .order_by("-id")
        .first()
    )
    assert latest is not None
    latest.delete()  # as if the release's migrate had not run yet
    # The positive answer is kept for the life of the process...
    assert client.get("/readyz").status_code == 200
    # ...so a new process sees the missing migration.
    health.forget_cached_checks()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["ok"] is False
    _assert_no_configuration(response.content.decode(), latest.name)


def test_an_open_breaker_is_reported_but_keeps_the_instance_ready(client, db):
    policy = CallPolicy()
    breaker = breaker_for("https://acme.gointeract.io", "acme", "optional", policy)
    breaker_for("https://acme.gointeract.io", "acme", "required", policy)
    for _ in range(policy.breaker_fail_max):
        breaker.record(XPlatformUnavailable(status=503))
    response = client.get("/readyz")
    assert response.status_code == 200
    breakers = response.json()["checks"]["breakers"]
    assert breakers["ok"] is True
    assert (breakers["open"], breakers["half_open"], breakers["closed"]) == (1, 0, 1)
    assert breakers["groups"]["optional"]["open"] == 1
    assert breakers["groups"]["required"]["closed"] == 1
    _assert_no_configuration(response.content.decode(), "acme", "northwind")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_pod_ip_host_is_answered(client, db, settings, path):
    settings.ALLOWED_HOSTS = ["console.example.com"]
    assert client.get(path, HTTP_HOST=POD_IP).status_code == 200
    # Every other page still checks the Host header.
    assert client.get("/accounts/login/", HTTP_HOST=POD_IP).status_code == 400


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_plain_http_is_not_redirected(client, db, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path).status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_probes_leave_the_session_alone(agent_client, db):
    for path in ("/healthz", "/readyz"):
        response = agent_client.get(path)
        assert response.status_code == 200
        assert response.cookies == {}  # no session save, no CSRF cookie
        assert "Vary" not in response  # never varies on Cookie: session unread


def test_probes_answer_only_get_and_head(client, db):
    assert client.head("/readyz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
