"""Every X-Platform call is logged once at its end, read timeouts included."""

from __future__ import annotations

import contextlib

from interactions.simulator import data
from tests.observability.conftest import detail_url, page_lookup


def test_one_line_per_upstream_call_with_its_fields(
    agent_client, simulator, console_log
):
    response = agent_client.get(detail_url(data.UUID_UNIQUE_ID))
    calls = console_log.events("upstream_call")
    assert len(calls) == len(simulator.hits) >= 3
    by_method = {line["upstream_method"]: line for line in calls}
    summary = by_method["interactiondata/{uid}/summary"]
    assert summary["level"] == "INFO"
    assert summary["account"] == "sim-acme"
    assert summary["upstream_host"] == "127.0.0.1"
    assert summary["status"] == 200
    assert summary["outcome"] == "ok"
    assert summary["error_kind"] == ""
    assert summary["attempts"] == 1
    assert isinstance(summary["ms"], int)
    assert summary["request_id"] == response["X-Request-ID"]
    assert "interactiondata/{uid}/fullFlow" in by_method
    # The endpoint label, never the URL with its values.
    assert data.UUID_UNIQUE_ID not in summary["message"]


def test_a_read_timeout_is_logged(agent_client, simulator, console_log, settings):
    settings.XPC_UPSTREAM_READ_TIMEOUT = 0.3
    simulator.faults.hang("summary", seconds=3)
    agent_client.get(detail_url(data.UUID_UNIQUE_ID))
    (line,) = [
        line
        for line in console_log.events("upstream_call")
        if line["upstream_method"] == "interactiondata/{uid}/summary"
    ]
    assert line["level"] == "WARNING"
    assert line["outcome"] == "timeout"
    assert line["error_kind"] == "timeout"
    assert line["status"] is None
    assert line["attempts"] == 1
    assert 250 <= line["ms"] < 3000


def test_retries_are_counted_in_the_one_line(
    agent_client, simulator, console_log, settings
):
    settings.XPC_UPSTREAM_RETRIES = 2
    simulator.faults.fail("summary", status=503, times=1)
    agent_client.get(detail_url(data.UUID_UNIQUE_ID))
    (line,) = [
        line
        for line in console_log.events("upstream_call")
        if line["upstream_method"] == "interactiondata/{uid}/summary"
    ]
    assert line["attempts"] == 2
    assert line["status"] == 200
    assert line["outcome"] == "ok"


def test_a_failure_gives_its_status_and_kind(agent_client, simulator, console_log):
    simulator.faults.fail("summary", status=502, times=1)
    agent_client.get(detail_url(data.UUID_UNIQUE_ID))
    (line,) = [
        line
        for line in console_log.events("upstream_call")
        if line["upstream_method"] == "interactiondata/{uid}/summary"
    ]
    assert line["level"] == "WARNING"
    assert (line["status"], line["outcome"]) == (502, "unavailable")


def test_a_phone_lookup_logs_the_method_not_the_number(agent_client, console_log):
    page_lookup(agent_client, "(646) 555-0177", "phone")
    methods = {line["upstream_method"] for line in console_log.events("upstream_call")}
    assert "uniqueId/callReturn" in methods
    assert "6465550177" not in console_log.text
    assert "646) 555-0177" not in console_log.text


def test_an_open_breaker_is_logged_as_such(home, simulator, console_log):
    from interactions.upstream import get_client
    from interactions.xplatform.errors import XPlatformUnavailable

    simulator.faults.fail("summary", status=503, times=None)
    client = get_client(home)
    for _ in range(6):
        with contextlib.suppress(XPlatformUnavailable):
            client.summary(data.UUID_UNIQUE_ID)
    outcomes = [line["outcome"] for line in console_log.events("upstream_call")]
    assert outcomes[:5] == ["unavailable"] * 5
    assert outcomes[5] == "breaker_open"
    assert len(simulator.hits) == 5
