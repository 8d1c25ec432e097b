"""/metrics: behind its token, the metric families after a page view, and
the values of several worker processes added up."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from interactions import metrics, ratelimit
from interactions.simulator import data
from tests.observability.conftest import detail_url, page_lookup

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-0123456789abcdef"


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(text: str, name: str, **labels: str) -> float | None:
    """A sample's value in a scrape, None when it is absent."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


@pytest.fixture
def scrape(client, settings):
    settings.XPC_METRICS_TOKEN = TOKEN

    def get() -> str:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        return str(response.content.decode())

    return get


def test_metrics_are_absent_without_a_token(client, settings):
    settings.XPC_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token-0123456789abcdef", f"Token {TOKEN}", TOKEN],
)
def test_metrics_need_the_bearer_token(client, settings, authorization):
    settings.XPC_METRICS_TOKEN = TOKEN
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"xpc_" not in response.content


def test_a_page_view_shows_in_every_family(agent_client, scrape, home):
    url = detail_url(data.UUID_UNIQUE_ID)
    page = {"view": "interactions:detail", "method": "GET", "status": "2xx"}
    summary = {
        "account": "sim-acme",
        "method": "interactiondata/{uid}/summary",
        "outcome": "ok",
    }
    before = {
        "requests": value("xpc_http_request_duration_seconds_count", **page),
        "summary": value("xpc_upstream_call_duration_seconds_count", **summary),
        "miss": value(
            "xpc_upstream_cache_requests_total", part="summary", result="miss"
        ),
        "hit": value("xpc_upstream_cache_requests_total", part="summary", result="hit"),
        "leader": value("xpc_single_flight_total", role="leader", scope="process"),
    }
    assert agent_client.get(url).status_code == 200
    assert agent_client.get(url).status_code == 200  # from the cache
    text = scrape()
    families = {family.name for family in text_string_to_metric_families(text)}
    assert {
        "xpc_http_request_duration_seconds",
        "xpc_upstream_call_duration_seconds",
        "xpc_upstream_breaker_state",
        "xpc_upstream_cache_requests",
        "xpc_rate_limited",
        "xpc_single_flight",
    } <= families
    after = value("xpc_http_request_duration_seconds_count", **page)
    assert after == before["requests"] + 2
    assert value("xpc_upstream_call_duration_seconds_count", **summary) == (
        before["summary"] + 1
    )
    assert value(
        "xpc_upstream_cache_requests_total", part="summary", result="miss"
    ) == (before["miss"] + 1)
    assert value("xpc_upstream_cache_requests_total", part="summary", result="hit") == (
        before["hit"] + 1
    )
    assert (
        value("xpc_single_flight_total", role="leader", scope="process")
        >= before["leader"] + 2
    )
    for group in ("required", "optional"):
        assert (
            scraped(text, "xpc_upstream_breaker_state", account="sim-acme", group=group)
            == 0
        )
    # Bounded labels: no user, no interaction ID, no path.
    assert "agnes" not in text
    assert data.UUID_UNIQUE_ID not in text
    assert "/a/sim-acme" not in text


def test_an_open_breaker_shows_for_its_account_and_group_only(
    home, away, simulator, scrape
):
    from interactions.upstream import get_client
    from interactions.xplatform.errors import XPlatformUnavailable

    simulator.faults.fail("summary", status=503, times=None)
    client = get_client(home)
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable):
            client.summary(data.UUID_UNIQUE_ID)
    text = scrape()
    state = "xpc_upstream_breaker_state"
    assert scraped(text, state, account=home.slug, group="required") == 2
    assert scraped(text, state, account=home.slug, group="optional") == 0
    assert scraped(text, state, account=away.slug, group="required") == 0
    failed = {
        "account": "sim-acme",
        "method": "interactiondata/{uid}/summary",
        "outcome": "unavailable",
    }
    assert value("xpc_upstream_call_duration_seconds_count", **failed) >= 5


def test_refusals_of_the_rate_limits_are_counted(
    agent_client, settings, sim_accounts, monkeypatch
):
    settings.XPC_RATE_LIMIT_SEARCH = 1
    page = value("xpc_rate_limited_total", scope="search", interface="page")
    page_lookup(agent_client, "0407009", "dtmf")
    assert page_lookup(agent_client, "0407009", "dtmf").status_code == 429
    assert value("xpc_rate_limited_total", scope="search", interface="page") == page + 1

    # One budget for the page and the API: a new minute starts afresh (in
    # Redis too, where the counters of make test-services live).
    clock = ratelimit.clock
    monkeypatch.setattr(ratelimit, "clock", lambda: clock() + ratelimit.WINDOW)
    api = value("xpc_rate_limited_total", scope="search", interface="api")
    for expected in (400, 429):
        response = agent_client.post(
            "/api/v1/lookup",
            {"account": "sim-acme", "query": "../x", "kind": "auto"},
            content_type="application/json",
        )
        assert response.status_code == expected
    assert value("xpc_rate_limited_total", scope="search", interface="api") == api + 1


def test_concurrent_identical_fetches_are_counted_as_shared():
    import threading

    from interactions.fanout import SingleFlight

    flights = SingleFlight()
    started, release = threading.Event(), threading.Event()
    before = value("xpc_single_flight_total", role="follower", scope="process")

    def slow() -> int:
        started.set()
        release.wait(5)
        return 1

    leader = threading.Thread(target=flights.run, args=("k", slow))
    leader.start()
    started.wait(5)
    follower = threading.Thread(target=flights.run, args=("k", slow))
    follower.start()
    while value("xpc_single_flight_total", role="follower", scope="process") == before:
        follower.join(0.01)
    release.set()
    leader.join(5)
    follower.join(5)
    assert (
        value("xpc_single_flight_total", role="follower", scope="process") == before + 1
    )


# --- several worker processes ----------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import sys
    from interactions import metrics, ratelimit
    metrics.REQUEST_LATENCY.labels(
        view="interactions:detail", method="GET", status="2xx"
    ).observe(0.2)
    metrics.rate_limited("search", "page")
    from prometheus_client import Gauge
    Gauge("xpc_test_live", "A live gauge", multiprocess_mode="livemax").set(
        int(sys.argv[1])
    )
    """
)


def _worker(directory: Path, breaker: int) -> int:
    env = {**os.environ, metrics.MULTIPROC_ENV: str(directory)}
    process = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, "-c", _WORKER, str(breaker)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    assert process.returncode == 0
    return len(list(directory.glob("*.db")))


@pytest.mark.django_db
def test_workers_values_are_added_up(tmp_path, monkeypatch, scrape):
    directory = tmp_path / "prometheus"
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(directory))
    (directory / "counter_999999.db").parent.mkdir()
    (directory / "counter_999999.db").write_bytes(b"stale from a previous run")
    metrics.prepare_multiprocess_dir()
    assert list(directory.iterdir()) == []
    _worker(directory, 0)
    _worker(directory, 2)
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scrape())
        for sample in family.samples
    }
    key = ("xpc_rate_limited_total", (("interface", "page"), ("scope", "search")))
    assert samples[key] == 2
    count = (
        "xpc_http_request_duration_seconds_count",
        (("method", "GET"), ("status", "2xx"), ("view", "interactions:detail")),
    )
    assert samples[count] == 2
    assert samples[("xpc_test_live", ())] == 2  # the highest of the live workers


def test_a_finished_workers_gauges_are_dropped(tmp_path, monkeypatch):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(directory))
    _worker(directory, 2)
    (gauge_file,) = directory.glob("gauge_livemax_*.db")
    metrics.worker_exit(int(gauge_file.stem.rsplit("_", 1)[1]))
    assert not gauge_file.exists()
    assert list(directory.glob("counter_*.db"))  # counters stay


def test_calls_refused_by_the_bulkhead_are_counted(home, settings, scrape):
    from interactions.upstream import get_client
    from interactions.xplatform.errors import XPlatformBusy

    settings.XPC_UPSTREAM_PER_ACCOUNT = 1
    bulkhead = get_client(home).bulkhead
    before = value("xpc_upstream_refused_total", account=home.slug)
    with bulkhead.slot(), pytest.raises(XPlatformBusy):
        bulkhead.acquire(wait=0)
    assert value("xpc_upstream_refused_total", account=home.slug) == before + 1
    assert (
        scraped(scrape(), "xpc_upstream_refused_total", account=home.slug) == before + 1
    )
