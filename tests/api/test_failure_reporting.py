"""The API reports the upstream failure itself, never a consequence of it
(issue 10, "exact failure reporting")."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from interactions import upstream
from interactions.models import XPlatformAccount
from interactions.simulator import data
from tests.api.support import assert_error, detail_url, lookup, rows


def _photo_url() -> str:
    account = XPlatformAccount.objects.get(slug="sim-acme")
    interaction = upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    ref = next(p for p in interaction.photos if p.path == data.PNG_PHOTO_PATH)
    return f"{detail_url(data.LEADING_ZERO_UNIQUE_ID)}/photos/{ref.key}/thumb"


def test_photo_when_the_flow_fails_answers_the_flows_failure(api, simulator):
    url = _photo_url()
    cache.clear()
    simulator.faults.fail("fullFlow", status=503, times=None)
    error = assert_error(api.get(url), 503, "upstream_unavailable")
    assert "not part of the interaction" not in error["message"]
    row = rows()[-1]
    assert (row.action, row.outcome, row.error_kind) == (
        "photo",
        "upstream_error",
        "unavailable",
    )
    assert not [h for h in simulator.hits if "/photo/" in h.path]


def test_lookup_whose_searches_failed_is_an_upstream_error(api, simulator):
    simulator.faults.fail("uniqueId", status=503, times=None)
    response = lookup(api, "2125550100")
    error = assert_error(response, 503, "upstream_unavailable")
    assert (
        "a Call Return Number or a Click-to-Call Caller ID failed" in error["message"]
    )
    (row,) = rows()
    assert (row.outcome, row.error_kind) == ("upstream_error", "unavailable")


# --- no input is a 500 -------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1000 + "]" * 1000,
        '{"account": "sim-acme", "query": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"a":' * 1000 + "1" + "}" * 1000,
    ],
    ids=["list", "field", "object"],
)
def test_deeply_nested_json_is_a_400_parse_error(api, simulator, body):
    response = api.post("/api/v1/lookup", body, content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert error["message"] == "The JSON body is nested too deeply."
    assert simulator.hits == []


def test_body_over_the_upload_limit_is_a_400(api, simulator):
    body = json.dumps({"account": "sim-acme", "query": "1" * 3_000_000})
    response = api.post("/api/v1/lookup", body, content_type="application/json")
    assert_error(response, 400, "request_too_large")
    assert simulator.hits == []


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_history_day_at_the_end_of_the_calendar_is_a_400(supervisor_client, field, day):
    query = f"?{field}={day}"
    error = assert_error(
        supervisor_client.get("/api/v1/history" + query), 400, "invalid"
    )
    assert "Choose a day between" in error["fields"][field][0]
    export = supervisor_client.get("/review/export.csv" + query)
    assert export.status_code == 400
    page = supervisor_client.get("/review/" + query)
    assert page.status_code == 200
    assert "Choose a day between" in page.content.decode()


def test_detail_names_parts_given_from_their_last_good_copy(api, simulator):
    url = detail_url(data.LEADING_ZERO_UNIQUE_ID)
    first = api.get(url).json()
    assert first["stale"] == {"summary": None, "flow": None}
    account = XPlatformAccount.objects.get(slug="sim-acme")
    # The short-lived copy expires; reading the answers again fails.
    cache.delete(upstream.cache_key(account, data.LEADING_ZERO_UNIQUE_ID, "summary"))
    simulator.faults.fail("summary", status=503, times=None)
    body = api.get(url).json()
    assert body["answers"] == first["answers"]
    assert body["errors"]["summary"] is None
    assert "503" in body["stale"]["summary"]["message"]
    assert body["stale"]["summary"]["since"]
    assert body["stale"]["flow"] is None
