"""One rate limiter for the pages and the API (R-AC-04, issue 10).

Real parts: the console's views and DRF's dispatch, a real Redis server
(REDIS_URL, or a private redis-server started here), a closed loopback port
for an unreachable Redis.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from typing import Any

import pytest
import redis
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from interactions import ratelimit
from interactions.ratelimit import Scope
from tests.support.redis_server import console_cache, free_port, shared_or_private_redis


@pytest.fixture
def home(sim_accounts):
    """The cast's agent works on the simulator's Acme account."""
    return sim_accounts["acme"]


def _page_lookup(client: Client, query: str = "nonsense!!") -> Any:
    return client.post(
        reverse("interactions:lookup"),
        {"account": "sim-acme", "query": query, "kind": "auto"},
    )


def _api_lookup(client: Client, query: str = "../x") -> Any:
    return client.post(
        "/api/v1/lookup",
        {"account": "sim-acme", "query": query, "kind": "auto"},
        content_type="application/json",
    )


def test_page_and_api_lookups_share_one_budget(agent_client, settings):
    settings.XPC_RATE_LIMIT_SEARCH = 3
    assert _page_lookup(agent_client).status_code != 429
    assert _api_lookup(agent_client).status_code == 400
    assert _page_lookup(agent_client).status_code != 429
    # The fourth lookup of the minute, whichever way it comes, is refused.
    refused = _api_lookup(agent_client)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    page = _page_lookup(agent_client)
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 60
    assert "Too many requests" in page.content.decode()


def test_scopes_have_their_own_budgets(agent_client, settings):
    settings.XPC_RATE_LIMIT_SEARCH = 1
    assert _api_lookup(agent_client).status_code == 400
    assert _api_lookup(agent_client).status_code == 429
    history = agent_client.get("/api/v1/history")
    assert history.status_code != 429


def test_local_memory_counts_without_redis():
    user = secrets.randbelow(10**9)
    decisions = [
        ratelimit.hit(scope=Scope.SEARCH, ident=user, limit=30, now=120.0)
        for _ in range(31)
    ]
    assert [d.allowed for d in decisions] == [True] * 30 + [False]
    assert decisions[-1].retry_after == 60
    # Another user, and the next minute, start afresh.
    assert ratelimit.hit(
        scope=Scope.SEARCH, ident=user + 1, limit=30, now=120.0
    ).allowed
    assert ratelimit.hit(scope=Scope.SEARCH, ident=user, limit=30, now=180.0).allowed


class _Probe(APIView):
    """A bare API view with the console's throttle (no database needed)."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_scope = Scope.SEARCH

    def get(self, request):
        return Response({"ok": True})


def _concurrent_api_calls(count: int, user_id: int | None = None) -> Counter[int]:
    user_id = user_id or 10**9 + secrets.randbelow(10**9)
    user = User(pk=user_id, username="probe")
    factory = APIRequestFactory()
    view = _Probe.as_view()
    start = threading.Barrier(count)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def call() -> None:
        request = factory.get("/api/v1/probe")
        force_authenticate(request, user=user)
        start.wait()
        status = view(request).status_code
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


@pytest.mark.redis
def test_sixty_concurrent_api_calls_let_exactly_thirty_through(settings, tmp_path):
    settings.XPC_RATE_LIMIT_SEARCH = 30
    user_id = 10**9 + secrets.randbelow(10**9)
    with shared_or_private_redis(tmp_path) as url:
        settings.CACHES = console_cache(url, timeout=2.0)
        statuses = _concurrent_api_calls(60, user_id)
        server = redis.Redis.from_url(url)
        (key,) = server.keys(f"xpc:*ratelimit:search:{user_id}:*")
        counted, ttl = server.get(key), server.ttl(key)
        server.delete(key)
    assert statuses == Counter({200: 30, 429: 30})
    # Counted in Redis, shared by every process, and it expires.
    assert counted == b"60"
    assert 0 < ttl <= ratelimit.WINDOW + 5


def test_an_unreachable_redis_falls_back_to_local_counters(settings):
    settings.CACHES = console_cache(f"redis://127.0.0.1:{free_port()}/0")
    settings.XPC_RATE_LIMIT_SEARCH = 30
    statuses = _concurrent_api_calls(40)
    assert statuses == Counter({200: 30, 429: 10})
