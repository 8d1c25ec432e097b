"""Prometheus metrics of the console (docs/deployment.md, "Logs and metrics").

Defined once here with prometheus_client and recorded where things happen:
request latency by view (``middleware.RequestMetricsMiddleware``), upstream
call latency and outcome by account and method and the calls refused by an
account's bulkhead (through the X-Platform client's listeners,
``install``), cache hits and misses (``upstream``), rate-limit refusals
(``ratelimit`` and the API's throttle) and single-flight sharing
(``fanout``). The breakers' states are read when scraped
(``BreakerCollector``): each active account's two groups, from the store
every process shares through Redis. Labels take values from
short fixed sets (route names, account slugs, endpoint labels, scopes): no
user name, no ID, no raw path, so the number of series stays bounded.

Under gunicorn each worker process keeps its own values; with
``PROMETHEUS_MULTIPROC_DIR`` set before the workers start, prometheus_client
writes them to files there and ``exposition`` adds them up across the
workers. gunicorn.conf.py calls ``prepare_multiprocess_dir`` when the
server starts and ``worker_exit`` when a worker ends.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from django.db import DatabaseError
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from interactions.xplatform import observe

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_LATENCY = Histogram(
    "xpc_http_request_duration_seconds",
    "Time to answer a request, by route name, method and status class.",
    ["view", "method", "status"],
    buckets=_LATENCY_BUCKETS,
)
UPSTREAM_LATENCY = Histogram(
    "xpc_upstream_call_duration_seconds",
    "Time of one X-Platform call with its retries, by account, API method "
    "and outcome (ok, not_found or the error kind).",
    ["account", "method", "outcome"],
    buckets=_LATENCY_BUCKETS,
)
UPSTREAM_REFUSED = Counter(
    "xpc_upstream_refused",
    "X-Platform calls refused before sending because the account's share of "
    "concurrent calls (XPC_UPSTREAM_PER_ACCOUNT) was in use, by account.",
    ["account"],
)
CACHE_REQUESTS = Counter(
    "xpc_upstream_cache_requests",
    "Upstream cache look-ups by part (summary, flow, set, photo) and result.",
    ["part", "result"],
)
RATE_LIMITED = Counter(
    "xpc_rate_limited",
    "Requests refused by a per-user rate limit, by scope and interface.",
    ["scope", "interface"],
)
SINGLE_FLIGHT = Counter(
    "xpc_single_flight",
    "Fetches run (leader) or shared with an identical one running (follower), "
    "within one process (scope process) or across processes through Redis "
    "(scope shared).",
    ["role", "scope"],
)

_BREAKER_VALUES = {"closed": 0, "half-open": 1, "open": 2}
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def http_method(method: str | None) -> str:
    """A request method as a label; anything unusual is "other"."""
    return method if method in _METHODS else "other"


def cache_lookup(part: str, *, hit: bool) -> None:
    CACHE_REQUESTS.labels(part=part, result="hit" if hit else "miss").inc()


def rate_limited(scope: str, interface: str) -> None:
    RATE_LIMITED.labels(scope=scope, interface=interface).inc()


def single_flight(*, leader: bool, scope: str = "process") -> None:
    SINGLE_FLIGHT.labels(role="leader" if leader else "follower", scope=scope).inc()


def _upstream_call(call: observe.UpstreamCall) -> None:
    UPSTREAM_LATENCY.labels(
        account=call.account, method=call.endpoint, outcome=call.outcome
    ).observe(call.seconds)


def _refused(account: str) -> None:
    UPSTREAM_REFUSED.labels(account=account).inc()


class BreakerCollector(Collector):
    """``xpc_upstream_breaker_state``, read from the breakers' store when
    scraped: shared by every process with Redis, so any worker answers the
    same; this process's own view without it."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from interactions import breakers
        from interactions.models import XPlatformAccount

        family = GaugeMetricFamily(
            "xpc_upstream_breaker_state",
            "Circuit breaker of each active account's required and optional "
            "calls: 0 closed, 1 half-open, 2 open.",
            labels=["account", "group"],
        )
        try:
            accounts = list(
                XPlatformAccount.objects.filter(is_active=True).only(
                    "slug", "base_url", "account_id"
                )
            )
        except DatabaseError:
            # The database's trouble shows in /readyz; the other families
            # must still be scraped.
            logger.warning("metrics: breaker states skipped, the database failed")
            accounts = []
        for account in accounts:
            states = breakers.account_states(account.base_url, account.account_id)
            for group, state in sorted(states.items()):
                family.add_metric([account.slug, group], _BREAKER_VALUES.get(state, 2))
        yield family


def install() -> None:
    """Listen to the X-Platform client (InteractionsConfig.ready; idempotent)."""
    observe.add_call_listener(_upstream_call)
    observe.add_refusal_listener(_refused)


def exposition() -> tuple[bytes, str]:
    """The metrics in the text format, added up across worker processes,
    and the breakers' states."""
    registry = CollectorRegistry()
    path = os.environ.get(MULTIPROC_ENV)
    if path:
        multiprocess.MultiProcessCollector(registry, path=path)  # type: ignore[no-untyped-call]
        families = generate_latest(registry)
    else:
        families = generate_latest(REGISTRY)
    breakers = CollectorRegistry()
    breakers.register(BreakerCollector())
    return families + generate_latest(breakers), CONTENT_TYPE_LATEST


# --- gunicorn hooks ----------------------------------------------------------


def prepare_multiprocess_dir() -> None:
    """Create PROMETHEUS_MULTIPROC_DIR and empty it of a previous run's files.

    Called once in gunicorn's master (``on_starting``), before any worker
    writes there. Each server instance needs a directory of its own.
    """
    path = os.environ.get(MULTIPROC_ENV)
    if not path:
        return
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)


def worker_exit(pid: int) -> None:
    """Drop a finished worker's live gauges (gunicorn's ``child_exit``)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
