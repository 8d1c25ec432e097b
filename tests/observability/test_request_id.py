"""The request ID: made or taken from a trusted proxy, returned, logged on
every line of the request, and sent to the X-Platform on every call."""

from __future__ import annotations

import re

import pytest

from interactions.simulator import data
from tests.observability.conftest import detail_url

pytestmark = pytest.mark.django_db

HEX32 = re.compile(r"[0-9a-f]{32}")
PROXY_ID = "f3b2a1c4d5e6f708192a3b4c5d6e7f80"


def test_each_request_gets_a_new_id_in_its_answer(client):
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert HEX32.fullmatch(first["X-Request-ID"])
    assert HEX32.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_redirects_carry_it_too(client):
    response = client.get("/")
    assert response.status_code == 302
    assert HEX32.fullmatch(response["X-Request-ID"])


def test_a_trusted_proxys_id_is_kept(client, settings):
    settings.XPC_TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/healthz", HTTP_X_REQUEST_ID=PROXY_ID)
    assert response["X-Request-ID"] == PROXY_ID


def test_an_id_sent_by_anyone_else_is_replaced(client, settings):
    settings.XPC_TRUSTED_PROXIES = ["10.0.0.0/8"]
    response = client.get("/healthz", HTTP_X_REQUEST_ID=PROXY_ID)
    assert response["X-Request-ID"] != PROXY_ID
    assert HEX32.fullmatch(response["X-Request-ID"])


@pytest.mark.parametrize(
    "sent",
    [
        "short",
        "has spaces in it 1234",
        "x" * 129,
        "abcd1234\r\nX-Injected: 1",
        "ü" * 10,
    ],
)
def test_a_trusted_proxys_odd_id_is_replaced(client, settings, sent):
    settings.XPC_TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    assert HEX32.fullmatch(response["X-Request-ID"])


def test_the_id_reaches_every_upstream_call_and_the_simulators_log(
    agent_client, simulator, console_log
):
    response = agent_client.get(detail_url(data.UUID_UNIQUE_ID))
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    # Summary, flow and each variable set, fetched in parallel pool threads.
    assert len(simulator.hits) >= 3
    assert {hit.request_id for hit in simulator.hits} == {request_id}
    received = console_log.events("simulator_request")
    assert len(received) == len(simulator.hits)
    assert {line["request_id"] for line in received} == {request_id}
    assert sorted(line["api_method"] for line in received) == sorted(
        str(hit.api_method) for hit in simulator.hits
    )
    # Each line names the account the call was for (benchmarks count by it),
    # masked like any long digit run in a log line.
    assert {line["account"] for line in received} == {"••••5678"}


def test_every_line_of_the_request_carries_it_even_from_pool_threads(
    agent_client, console_log
):
    response = agent_client.get(detail_url(data.UUID_UNIQUE_ID))
    calls = console_log.events("upstream_call")
    assert calls
    assert {line["thread_name"].split("_")[0] for line in calls} == {"xplatform-calls"}
    console_lines = [
        line
        for line in console_log.lines()
        if line["logger"].startswith("interactions")
        and line.get("event") != "simulator_request"
    ]
    assert {line["request_id"] for line in console_lines} == {response["X-Request-ID"]}


def test_a_proxys_id_goes_upstream(agent_client, simulator, settings):
    settings.XPC_TRUSTED_PROXIES = ["127.0.0.1"]
    agent_client.get(detail_url(data.UUID_UNIQUE_ID), HTTP_X_REQUEST_ID=PROXY_ID)
    assert {hit.request_id for hit in simulator.hits} == {PROXY_ID}


def test_no_id_is_sent_outside_a_request(home, simulator):
    from interactions.upstream import get_client

    get_client(home).summary(data.UUID_UNIQUE_ID)
    (hit,) = simulator.hits
    assert hit.request_id is None
