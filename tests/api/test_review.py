"""Supervisor endpoints: GET /api/v1/history and /api/v1/snapshots/<id>."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from interactions import access_log
from interactions.models import InteractionSnapshot
from interactions.simulator import data
from tests.api.support import assert_error, detail_url, lookup, rows


@pytest.fixture
def activity(api):
    """An agent's search, view, refused view and photo on Acme."""
    lookup(api, "+1 303 555 0199")
    body = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).json()
    api.get(detail_url(data.ROUTER_UNIQUE_ID, slug="sim-northwind"))
    api.get(body["photos"][0]["thumbnail_url"])
    return body


# --- history -------------------------------------------------------------------


def test_history_lists_the_accounts_rows_newest_first(supervisor_client, activity):
    response = supervisor_client.get("/api/v1/history")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["count"] == 3  # the refused Northwind view is not an Acme row
    assert body["next"] is None
    actions = [entry["action"] for entry in body["results"]]
    assert actions == ["photo", "view", "search"]
    view = body["results"][1]
    assert view["username"] == "agnes"
    assert view["source"] == "api"
    assert view["flow_name"] == "Motor Claim FNOL"
    assert view["interaction_url"].endswith(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    search = body["results"][2]
    assert search["query_masked"] == "+1 ••• ••• 0199"
    assert search["interaction_url"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("outcome=not_found", ["search"]),
        ("action=view", ["view"]),
        ("has_photos=yes", ["view"]),
        ("agent=agnes&sort=oldest", ["search", "view", "photo"]),
        ("agent=someone-else", []),
        ("flow=motor", ["view"]),
        ("account=sim-acme&date_from=2000-01-01", ["photo", "view", "search"]),
    ],
)
def test_history_filters_like_the_page(supervisor_client, activity, query, expected):
    body = supervisor_client.get(f"/api/v1/history?{query}").json()
    assert [entry["action"] for entry in body["results"]] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("outcome=bogus", "outcome"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2025-02-01&date_to=2025-01-01", "date_to"),
        ("account=sim-northwind", "account"),
    ],
)
def test_invalid_history_filter_is_400(supervisor_client, query, field):
    error = assert_error(
        supervisor_client.get(f"/api/v1/history?{query}"), 400, "invalid"
    )
    assert field in error["fields"]


def test_history_is_paginated(supervisor_client, agent, sim_accounts):
    for _ in range(52):
        access_log.Access(
            access_log.Actor(agent, source="api"), "search", sim_accounts["acme"]
        ).record("not_found")
    first = supervisor_client.get("/api/v1/history").json()
    assert first["count"] == 52
    assert len(first["results"]) == 50
    second = supervisor_client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert_error(supervisor_client.get("/api/v1/history?page=9"), 404, "not_found")


def test_other_accounts_supervisor_sees_none_of_these_rows(
    away_supervisor_client, activity
):
    body = away_supervisor_client.get("/api/v1/history").json()
    # Only the refused view names Northwind.
    assert [(e["action"], e["outcome"]) for e in body["results"]] == [
        ("view", "denied")
    ]


# --- snapshots -----------------------------------------------------------------


def test_api_view_stores_a_snapshot_the_supervisor_reads_without_upstream(
    supervisor_client, activity, simulator
):
    snapshot = InteractionSnapshot.objects.get()
    assert snapshot.interaction_id == data.LEADING_ZERO_UNIQUE_ID
    simulator.clear_hits()
    response = supervisor_client.get(f"/api/v1/snapshots/{snapshot.pk}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["interaction_id"] == data.LEADING_ZERO_UNIQUE_ID
    assert body["account"]["slug"] == "sim-acme"
    assert body["first_viewed_by"] == "agnes"
    assert body["flow_name"] == "Motor Claim FNOL"
    assert body["summary_text"] == activity["summary_text"]
    assert [a["answer"] for a in body["answers"]] == [
        a["answer"] for a in activity["answers"]
    ]
    assert len(body["steps"]) == len(activity["steps"])
    assert {p["key"] for p in body["photos"]} == {p["key"] for p in activity["photos"]}
    assert simulator.hits == []
    row = rows()[-1]
    assert (row.action, row.outcome, row.source) == ("view", "found", "snapshot")


def test_thumbnail_shown_through_the_api_is_kept_with_the_snapshot(
    supervisor_client, activity
):
    snapshot = InteractionSnapshot.objects.get()
    body = supervisor_client.get(f"/api/v1/snapshots/{snapshot.pk}").json()
    stored = [p for p in body["photos"] if p["thumbnail_url"]]
    assert [p["key"] for p in stored] == [activity["photos"][0]["key"]]
    response = supervisor_client.get(stored[0]["thumbnail_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    Image.open(io.BytesIO(response.content)).verify()


def test_thumbnail_not_kept_is_404(supervisor_client, activity):
    snapshot = InteractionSnapshot.objects.get()
    missing = activity["photos"][1]["key"]
    url = f"/api/v1/snapshots/{snapshot.pk}/photos/{missing}"
    assert_error(supervisor_client.get(url), 404, "not_found")


def test_snapshot_of_another_account_is_404_with_a_denied_row(
    away_supervisor, away_supervisor_client, activity
):
    snapshot = InteractionSnapshot.objects.get()
    response = away_supervisor_client.get(f"/api/v1/snapshots/{snapshot.pk}")
    assert_error(response, 404, "not_found")
    row = rows()[-1]
    assert (row.username, row.outcome, row.account_slug) == (
        away_supervisor.username,
        "denied",
        "sim-acme",
    )


@pytest.mark.parametrize("snapshot_id", ["999999", "99999999999999999999999"])
def test_unknown_snapshot_is_404(supervisor_client, snapshot_id):
    assert_error(
        supervisor_client.get(f"/api/v1/snapshots/{snapshot_id}"), 404, "not_found"
    )


def test_agent_cannot_read_a_snapshot(api, activity):
    snapshot = InteractionSnapshot.objects.get()
    assert_error(api.get(f"/api/v1/snapshots/{snapshot.pk}"), 404, "not_found")
