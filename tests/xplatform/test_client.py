"""``XPlatformClient`` and its registry against the scripted loopback upstream.

What the client class adds on top of the HTTP plumbing: values refused
before any request, the answers of the five methods that depend on the
method (empty lookups, empty photos, foreign summaries), the connection
check, and ``get_client``'s shared clients (docs/security.md R-HTTP-06).
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from interactions.xplatform.client import ConnectionOutcome, XPlatformClient, get_client
from interactions.xplatform.config import AccountConfig, CallerAttribute
from interactions.xplatform.errors import XPlatformResponseError
from interactions.xplatform.validators import InvalidValue
from tests.xplatform.upstream import (
    IMAGE,
    KEY,
    POLICY,
    json_answer,
    make_client,
    raw_answer,
    sleepy,
)

pytestmark = pytest.mark.usefixtures("fresh_registry")


# --- values refused before any request --------------------------------------------


def test_invalid_values_make_no_request(upstream):
    client = make_client(upstream)
    calls: list[Callable[[], object]] = [
        lambda: client.full_flow("../x"),
        lambda: client.summary("a/b"),
        lambda: client.variable_set("040100709", "a?b"),
        lambda: client.full_flow_by_attribute("%2e%2e"),
        lambda: client.unique_ids(CallerAttribute.DTMF, "12a"),
        lambda: client.unique_ids(CallerAttribute.CALL_RETURN, "212-555-CALL"),
        lambda: client.unique_ids(CallerAttribute.HISTORY_SEARCH_ID, "a#b"),
        lambda: client.photo("040100709", "../../admin"),
        lambda: client.photo("040100709", "https://evil/x.jpg"),
        lambda: client.photo("040100709", "//evil/x.jpg"),
        lambda: client.photo("040100709", "%2e%2e/"),
        lambda: client.photo("040100709", "a\\b.jpg"),
        lambda: client.summary_by_attribute("\uff0e\uff0e"),
        lambda: client.variable_set_by_attribute("a\x00b", "customerInfoSet"),
        lambda: client.full_flow("x" * 10_000),
    ]
    for call in calls:
        with pytest.raises(InvalidValue):
            call()
    assert upstream.hits == []


# --- answers of the methods -------------------------------------------------------


def test_404_on_unique_id_lookup_is_an_empty_result(upstream):
    upstream.default = raw_answer(404, b"not found")
    result = make_client(upstream).unique_ids(
        CallerAttribute.CLICK_TO_CALL, "+1 212 555 0134"
    )
    assert result.ids == ()
    assert upstream.hits[0]["path"].endswith("/uniqueId/clickToCall/%2B12125550134")


def test_empty_photo_is_a_response_error(upstream):
    upstream.default = raw_answer(200, b"", Content_Type="image/png")
    with pytest.raises(XPlatformResponseError, match="empty photo"):
        make_client(upstream).photo("040100709", IMAGE)


def test_summary_of_another_interaction_is_refused(upstream):
    upstream.default = json_answer({"uniqueId": "someone-else", "pages": []})
    with pytest.raises(XPlatformResponseError, match="another interaction"):
        make_client(upstream).summary("040100713")


# --- connection check -------------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "outcome"),
    [
        (json_answer({"uniqueId": "1"}), ConnectionOutcome.OK),
        (raw_answer(404, b"not found"), ConnectionOutcome.OK),
        (json_answer({"code": "0x7000000"}, 401), ConnectionOutcome.BAD_CREDENTIALS),
        (raw_answer(403), ConnectionOutcome.BAD_CREDENTIALS),
        (
            raw_answer(400, b"missing or invalid parameter version"),
            ConnectionOutcome.WRONG_VERSION,
        ),
        (raw_answer(500), ConnectionOutcome.UNEXPECTED),
        (raw_answer(302, Location="http://x/"), ConnectionOutcome.UNEXPECTED),
    ],
)
def test_connection_check_outcomes(upstream, behaviour, outcome):
    upstream.default = behaviour
    check = make_client(upstream).check_connection()
    assert check.outcome is outcome
    assert check.message
    assert upstream.hits[0]["path"].endswith("/uniqueId/dtmf/0")


def test_connection_check_wrong_version_mentions_the_detail(upstream):
    upstream.default = raw_answer(400, b"missing or invalid parameter version")
    check = make_client(upstream, version="7").check_connection()
    assert "missing or invalid parameter version" in check.message
    assert "(7)" in check.message


def test_connection_check_on_closed_port_is_unreachable():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    config = AccountConfig(
        base_url=f"http://127.0.0.1:{port}", account_id="jan20", application_key=KEY
    )
    check = XPlatformClient(config, policy=POLICY).check_connection()
    assert check.outcome is ConnectionOutcome.UNREACHABLE
    assert check.ok is False


def test_connection_check_times_out_as_unreachable(upstream):
    upstream.default = sleepy(1.0)
    check = make_client(upstream).check_connection()
    assert check.outcome is ConnectionOutcome.UNREACHABLE
    assert "did not answer within 0.5 s" in check.message


# --- the registry and settings ----------------------------------------------------


def test_get_client_reuses_the_client_and_reads_settings_lazily(settings):
    account = AccountConfig(
        base_url="https://acme.gointeract.io",
        account_id="12345678",
        application_key=KEY,
    )
    first = get_client(account)
    assert get_client(account) is first
    assert first.policy.read_timeout == settings.XPC_UPSTREAM_READ_TIMEOUT
    settings.XPC_UPSTREAM_READ_TIMEOUT = 1.25
    settings.XPC_UPSTREAM_ALLOWED_HOSTS = [".gointeract.io", "127.0.0.1"]
    second = get_client(account)
    assert second is not first
    assert second.policy.read_timeout == 1.25
    assert second.policy.allowed_hosts == (".gointeract.io", "127.0.0.1")
