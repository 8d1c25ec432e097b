"""POST /api/v1/lookup against the simulator over loopback HTTP."""

from __future__ import annotations

import pytest

from interactions.simulator import data
from tests.api.support import assert_error, detail_url, lookup, rows


@pytest.mark.parametrize(
    ("query", "kind", "expected"),
    [
        ("1-800-123-4567,040100713", "auto", data.LEADING_ZERO_UNIQUE_ID),
        (data.UUID_UNIQUE_ID, "auto", data.UUID_UNIQUE_ID),
        ("0407009", "dtmf", data.BIG_PHOTO_UNIQUE_ID),
        ("(646) 555-0177", "phone", data.UUID_UNIQUE_ID),
    ],
)
def test_one_match_gives_the_unique_id_and_both_links(api, query, kind, expected):
    response = lookup(api, query, kind)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "result": "match",
        "unique_id": expected,
        "interaction_url": f"http://testserver{detail_url(expected)}",
        "page_url": f"http://testserver/a/sim-acme/i/{expected}/",
        "partial_error": None,
    }


def test_match_is_recorded_like_the_page_with_source_api(api):
    lookup(api, "+1 646 555 0177", "phone")
    (row,) = rows()
    assert row.action == "search"
    assert row.outcome == "found"
    assert row.source == "api"
    assert row.username == "agnes"
    assert row.role == "Agent"
    assert row.query_masked == "+1 ••• ••• 0177"
    assert row.interaction_id == data.UUID_UNIQUE_ID
    assert row.search_kind == "phone"
    assert row.account_slug == "sim-acme"
    assert row.account is not None


def test_shared_phone_lists_candidates_newest_first(api):
    response = lookup(api, "+1 (212) 555-0100")
    body = response.json()
    assert response.status_code == 200
    assert body["result"] == "candidates"
    candidates = body["candidates"]
    assert {c["unique_id"] for c in candidates} == set(data.SHARED_PHONE_UNIQUE_IDS)
    assert {c["flow_name"] for c in candidates} == {
        "Motor Claim FNOL",
        "Acme Insurance Billing Dispute",
    }
    activity = [c["last_activity"] for c in candidates]
    assert activity == sorted(activity, reverse=True)
    assert all(c["live"] is False and c["available"] is True for c in candidates)
    first = candidates[0]
    assert first["interaction_url"].endswith(detail_url(first["unique_id"]))
    # Who, how the number matched and where each stopped, as on the page.
    assert {c["customer"] for c in candidates} == {"Zoë Ångström"}
    assert all(c["matched_by"] == ["call_return"] for c in candidates)
    assert {(c["step_number"], c["step_title"]) for c in candidates} == {
        (9, "Claim submitted"),
        (7, "Dispute received"),
    }
    assert rows()[0].outcome == "candidates"


def test_nothing_found_says_what_was_tried(api):
    response = lookup(api, "+1 303 555 0199")
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "not_found"
    assert body["message"].startswith(
        "No interaction matches +1 303 555 0199 as a Call Return Number or a "
        "Click-to-Call Caller ID"
    )
    assert body["partial_error"] is None
    assert rows()[0].outcome == "not_found"


@pytest.mark.parametrize(
    ("query", "kind", "message"),
    [
        ("../../admin", "auto", "neither a phone number nor an interaction ID"),
        ("abc/def", "unique_id", "may contain only letters, digits"),
        ("12ab", "dtmf", "A DTMF code may contain only digits"),
        ("call me", "phone", "A phone number may contain only digits"),
        ("a%2e%2e", "history_search_id", "may contain only letters, digits"),
    ],
)
def test_invalid_query_is_400_with_the_message_and_no_upstream_call(
    api, simulator, query, kind, message
):
    response = lookup(api, query, kind)
    error = assert_error(response, 400, "invalid")
    assert message in error["message"]
    assert message in error["fields"]["query"][0]
    assert simulator.hits == []
    (row,) = rows()
    assert row.outcome == "invalid"
    assert row.source == "api"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"account": "sim-acme", "query": ""}, "query"),
        ({"account": "sim-acme"}, "query"),
        ({"account": "sim-acme", "query": "x" * 101}, "query"),
        ({"account": "sim-acme", "query": "959\x00595"}, "query"),
        ({"account": "sim-acme", "query": 959595}, "query"),
        ({"account": "sim-acme", "query": "959595", "kind": "sql"}, "kind"),
        ({"query": "959595"}, "account"),
        ({"account": "../x", "query": "959595"}, "account"),
    ],
)
def test_malformed_body_is_400_naming_the_field_and_no_upstream_call(
    api, simulator, payload, field
):
    response = api.post("/api/v1/lookup", payload, content_type="application/json")
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == [field]
    assert simulator.hits == []


def test_body_that_is_not_an_object_is_400(api, simulator):
    response = api.post("/api/v1/lookup", [1, 2], content_type="application/json")
    error = assert_error(response, 400, "invalid")
    assert "non_field_errors" in error["fields"]
    assert simulator.hits == []


def test_broken_json_is_400_parse_error(api, simulator):
    response = api.post("/api/v1/lookup", "{nope", content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert simulator.hits == []


def test_form_body_is_415(api, simulator):
    response = api.post("/api/v1/lookup", {"account": "sim-acme", "query": "959595"})
    assert_error(response, 415, "unsupported_media_type")
    assert simulator.hits == []


def test_account_the_agent_is_not_assigned_to_is_404_denied_without_a_call(
    api, simulator
):
    response = lookup(api, data.ROUTER_UNIQUE_ID, account="sim-northwind")
    assert_error(response, 404, "not_found")
    assert simulator.hits == []
    (row,) = rows()
    assert row.outcome == "denied"
    assert row.action == "search"
    assert row.account_slug == "sim-northwind"
    assert row.source == "api"


def test_unknown_account_is_404_like_a_foreign_one(api, simulator):
    response = lookup(api, "959595", account="no-such-account")
    assert_error(response, 404, "not_found")
    assert simulator.hits == []
    assert rows()[0].outcome == "denied"


def test_lookup_failing_upstream_is_recorded_and_mapped(api, simulator):
    simulator.faults.fail("uniqueId", status=503, times=None)
    response = lookup(api, "0407009", "dtmf")
    assert_error(response, 503, "upstream_unavailable")
    (row,) = rows()
    assert row.outcome == "upstream_error"
    assert row.error_kind == "unavailable"


def test_thirty_first_lookup_in_a_minute_is_429(api, simulator):
    for _ in range(30):
        assert lookup(api, "../x").status_code == 400
    response = lookup(api, "../x")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert simulator.hits == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("call 2125550100", "call ••••••0100"),
        ("tel:+12125550100", "tel:+1••••••0100"),
        ("2125550100x", "••••••0100x"),
    ],
)
def test_a_number_in_free_text_is_never_stored_or_logged_whole(
    api, console_log, typed, stored
):
    lookup(api, typed)
    (row,) = rows()
    assert row.query_masked == stored
    printed = console_log.text
    assert f"query={stored}" in printed
    assert "2125550100" not in printed
