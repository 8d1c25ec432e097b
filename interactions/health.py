"""Liveness and readiness probes: ``/healthz`` and ``/readyz``.

Load balancers and orchestrators call them on the instance's own address
(a pod IP in the Host header), over plain HTTP, with no session. So
``HealthProbeMiddleware``, first in MIDDLEWARE, answers both paths before
SecurityMiddleware and CommonMiddleware: no HTTPS redirect, no Host check
(``request.get_host()`` is never called), no session, no login, no CSRF
cookie, never cached. The URL patterns point at the same views, so
``reverse("healthz")`` keeps working.

- ``/healthz``, liveness: the process answers. It touches no database or
  Redis, so an outage of a shared service never makes an orchestrator
  restart every instance at once.
- ``/readyz``, readiness: the database answers ``SELECT 1``; Redis answers
  ``PING`` when the cache is Redis; no migration is unapplied (a positive
  answer is kept for the life of the process: migrations do not un-apply
  themselves); and the circuit breakers of this process are counted by
  state. An open breaker never fails readiness: it means an X-Platform
  account is down, which every instance sees alike; taking them all out of
  the load balancer would also take down the pages that need no upstream
  (history, snapshots, administration), and a restart would not help.

The body names each check with its result and time in milliseconds, never a
URL, host name, version or exception text: the probes need no login.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from interactions.xplatform.breaker import breaker_states

__all__ = ["HealthProbeMiddleware", "forget_cached_checks", "healthz", "readyz"]

logger = logging.getLogger(__name__)

# Seconds a Redis PING may take before the instance counts as not ready.
REDIS_TIMEOUT = 1.0

_cached = {"migrations": False}


def forget_cached_checks() -> None:
    """Check the migrations again on the next probe (for tests)."""
    _cached["migrations"] = False


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis_location() -> str | None:
    """The Redis URL of the default cache, or None when it is not Redis."""
    cache = settings.CACHES.get("default", {})
    if not str(cache.get("BACKEND", "")).endswith("RedisCache"):
        return None
    location = cache.get("LOCATION", "")
    if isinstance(location, list | tuple):
        location = location[0]
    return str(location).split(",")[0]


@lru_cache(maxsize=4)
def _redis_client(location: str) -> redis.Redis:
    return redis.Redis.from_url(
        location, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
    )


def _redis(location: str) -> None:
    if not _redis_client(location).ping():
        raise ConnectionError("no PONG")


def _migrations() -> None:
    if _cached["migrations"]:
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("unapplied migrations")
    _cached["migrations"] = True


def _breakers() -> dict[str, Any]:
    # Counts, overall and per method group; never a URL or an account.
    counts: dict[str, Any] = {"open": 0, "half_open": 0, "closed": 0}
    groups: dict[str, dict[str, int]] = {}
    for key, state in breaker_states().items():
        counts[state.replace("-", "_")] += 1
        group = groups.setdefault(key.group.value, dict.fromkeys(counts, 0))
        group[state.replace("-", "_")] += 1
    counts["groups"] = groups
    return counts


def _run(name: str, check: Callable[[], Any]) -> dict[str, Any]:
    """Run one check: its result, milliseconds and any counts it returns."""
    start = time.perf_counter()
    extra: dict[str, Any] = {}
    try:
        extra = check() or {}
        ok = True
    except Exception as exc:  # any failure means not ready
        # The class only: a message may name a host or a URL.
        logger.warning("Readiness check %s failed: %s", name, type(exc).__name__)
        ok = False
    return {"ok": ok, "ms": round((time.perf_counter() - start) * 1000, 1), **extra}


def readiness() -> dict[str, dict[str, Any]]:
    """Every readiness check of this process by name."""
    checks = {"database": _run("database", _database)}
    location = _redis_location()
    if location:
        checks["redis"] = _run("redis", lambda: _redis(location))
    if checks["database"]["ok"]:
        checks["migrations"] = _run("migrations", _migrations)
    else:
        checks["migrations"] = {"ok": False, "ms": 0.0}
    checks["breakers"] = _run("breakers", _breakers)
    return checks


def _answer(body: dict[str, Any], *, ok: bool) -> JsonResponse:
    response = JsonResponse(body, status=200 if ok else 503)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers (no database, no Redis, no upstream)."""
    return _answer({"status": "ok"}, ok=True)


@login_not_required
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: database, Redis, migrations; breaker states for information."""
    checks = readiness()
    ok = all(check["ok"] for check in checks.values())
    return _answer({"status": "ok" if ok else "fail", "checks": checks}, ok=ok)


_PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
}


class HealthProbeMiddleware:
    """Answer the two probe paths before any middleware that could refuse them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = _PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
