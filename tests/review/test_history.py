"""The supervisor history page: rows for every outcome, filters, sort, paging."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import InteractionAccess
from interactions.simulator import data
from tests.review.conftest import (
    access_row,
    detail_url,
    lookup,
    set_created_at,
)

HISTORY = reverse("interactions:review")


def _ids(body: str) -> list[str]:
    """Unique IDs of the history rows, in page order."""
    return re.findall(r'aria-label="Open interaction ([^"]+)"', body)


# --- rows written by real requests against the simulator ---------------------


@pytest.fixture
def agent_activity(agent_client, simulator):
    """Agnes does one of everything an agent can do, failures included."""
    found = lookup(agent_client, "+1 646 555 0177", "phone")
    agent_client.get(found["Location"])  # found (page view)
    lookup(agent_client, "+1 303 555 0199")  # not found
    lookup(agent_client, "+1 (212) 555-0100")  # candidates
    lookup(agent_client, "../x")  # invalid
    agent_client.get(detail_url(data.ROUTER_UNIQUE_ID, slug="sim-northwind"))  # denied
    agent_client.get(detail_url("000999000"))  # not found (page)
    simulator.faults.fail("uniqueId", status=500, times=None)
    lookup(agent_client, "+1 303 555 0188")  # upstream error
    simulator.faults.clear()


@pytest.mark.parametrize(
    ("action", "outcome", "label"),
    [
        ("search", "found", "found"),
        ("view", "found", "found"),
        ("search", "not_found", "not found"),
        ("view", "not_found", "not found"),
        ("search", "candidates", "several matches"),
        ("search", "invalid", "invalid input"),
        ("view", "denied", "denied"),
        ("search", "upstream_error", "upstream error"),
    ],
)
def test_history_shows_a_row_for_each_outcome_of_real_requests(
    agent_activity, supervisor_client, action, outcome, label
):
    assert InteractionAccess.objects.filter(action=action, outcome=outcome).exists()
    body = supervisor_client.get(
        HISTORY, {"outcome": outcome, "action": action}
    ).content.decode()
    assert f"review-row-{outcome}" in body
    assert f'review-outcome-{outcome}">{label}</span>' in body
    assert "agnes" in body


def test_upstream_error_row_names_the_error_kind(agent_activity, supervisor_client):
    body = supervisor_client.get(
        HISTORY, {"outcome": "upstream_error"}
    ).content.decode()
    assert '<span class="review-sub">unavailable</span>' in body


def test_phone_numbers_are_masked_in_the_history(agent_activity, supervisor_client):
    body = supervisor_client.get(HISTORY).content.decode()
    assert "+1 ••• ••• 0177" in body
    assert "646 555 0177" not in body
    assert "303 555 0199" not in body


def test_found_row_links_to_the_page_and_its_access_log(
    agent_activity, supervisor_client
):
    body = supervisor_client.get(HISTORY, {"outcome": "found"}).content.decode()
    assert f'href="{detail_url(data.UUID_UNIQUE_ID)}"' in body
    log_url = reverse(
        "interactions:review-access-log", args=["sim-acme", data.UUID_UNIQUE_ID]
    )
    assert f'href="{log_url}"' in body


def test_denied_row_is_shown_to_the_supervisor_of_the_account_asked_for(
    agent_activity, away_supervisor_client
):
    body = away_supervisor_client.get(HISTORY).content.decode()
    assert "review-row-denied" in body
    assert "review-row-found" not in body  # Acme's rows are not Petra's


def test_times_are_rendered_as_local_time_elements(agent_activity, supervisor_client):
    body = supervisor_client.get(HISTORY).content.decode()
    row = InteractionAccess.objects.order_by("-pk").first()
    assert row is not None
    moment = row.created_at.isoformat()
    assert f'<time datetime="{moment}" data-local="datetime">' in body


def test_page_states_the_retention_periods(supervisor_client, settings):
    settings.XPC_ACCESS_LOG_RETENTION_DAYS = 365
    settings.XPC_SNAPSHOT_RETENTION_DAYS = 90
    body = supervisor_client.get(HISTORY).content.decode()
    assert "History is kept for 365 days; stored copies for 90 days." in body


def test_customer_text_in_rows_is_escaped(sim_accounts, supervisor_client):
    access_row(sim_accounts["acme"], flow_name="<script>alert(1)</script>")
    body = supervisor_client.get(HISTORY).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_rows_with_an_invalid_unique_id_get_no_link(sim_accounts, supervisor_client):
    access_row(sim_accounts["acme"], interaction_id="../../x", outcome="invalid")
    response = supervisor_client.get(HISTORY)
    assert response.status_code == 200
    assert "<code>../../x</code>" in response.content.decode()
    assert _ids(response.content.decode()) == []


# --- filters -----------------------------------------------------------------


@pytest.fixture
def rows(sim_accounts):
    """Five rows that differ in one property each."""
    acme, northwind = sim_accounts["acme"], sim_accounts["northwind"]
    now = timezone.now()
    made = {
        "1000001": access_row(
            acme, interaction_id="1000001", flow_name="Motor Claim FNOL",
            has_photos=True,
        ),
        "1000002": access_row(
            acme, interaction_id="1000002", username="bob", outcome="denied"
        ),
        "1000003": access_row(
            northwind, interaction_id="1000003", action="search",
            outcome="upstream_error", error_kind="timeout",
            flow_name="Router setup", has_photos=False,
        ),
        "1000004": access_row(
            acme, interaction_id="1000004", action="search", outcome="not_found"
        ),
        "1000005": access_row(acme, interaction_id="1000005", action="photo"),
    }  # fmt: skip
    ages = {"1000001": 0, "1000002": 3, "1000003": 10, "1000004": 20, "1000005": 40}
    for uid, days in ages.items():
        set_created_at(InteractionAccess, [made[uid].pk], now - timedelta(days=days))
    return made


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["1000001", "1000002", "1000003", "1000004", "1000005"]),
        ({"agent": "bob"}, ["1000002"]),
        ({"account": "sim-northwind"}, ["1000003"]),
        ({"outcome": "denied"}, ["1000002"]),
        ({"action": "search"}, ["1000003", "1000004"]),
        ({"flow": "motor"}, ["1000001"]),
        ({"has_photos": "yes"}, ["1000001"]),
        ({"has_photos": "no"}, ["1000003"]),
        ({"agent": "agnes", "action": "search"}, ["1000003", "1000004"]),
        ({"sort": "oldest"}, ["1000005", "1000004", "1000003", "1000002", "1000001"]),
    ],
)
def test_filters_and_sort_narrow_and_order_the_rows(
    rows, supervisor_client, params, expected
):
    body = supervisor_client.get(HISTORY, params).content.decode()
    assert _ids(body) == expected


def test_date_range_is_inclusive_of_both_days(rows, supervisor_client):
    today = timezone.localdate()
    params = {
        "date_from": (today - timedelta(days=20)).isoformat(),
        "date_to": (today - timedelta(days=3)).isoformat(),
    }
    body = supervisor_client.get(HISTORY, params).content.decode()
    assert _ids(body) == ["1000002", "1000003", "1000004"]


def test_end_date_before_start_date_is_an_error(rows, supervisor_client):
    response = supervisor_client.get(
        HISTORY, {"date_from": "2026-05-10", "date_to": "2026-05-01"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The end date is before the start date." in body


def test_account_filter_offers_only_the_supervisors_accounts(
    sim_accounts, away_supervisor_client, globex
):
    body = away_supervisor_client.get(HISTORY).content.decode()
    assert '<option value="sim-northwind">' in body
    assert 'value="sim-acme"' not in body
    assert 'value="globex"' not in body


def test_account_outside_the_supervisors_scope_is_refused(rows, away_supervisor_client):
    response = away_supervisor_client.get(HISTORY, {"account": "sim-acme"})
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "1000001" not in body


def test_agent_filter_suggests_the_teams_usernames(
    supervisor, agent, supervisor_client
):
    body = supervisor_client.get(HISTORY).content.decode()
    assert '<datalist id="review-agent-names">' in body
    assert '<option value="agnes">' in body


# --- pagination ---------------------------------------------------------------


@pytest.fixture
def many_rows(sim_accounts):
    acme = sim_accounts["acme"]
    InteractionAccess.objects.bulk_create(
        [
            InteractionAccess(
                username="agnes", role="Agent", account=acme, account_slug="sim-acme",
                action="view", outcome="found" if n % 2 else "not_found",
                interaction_id=f"{n:07d}",
            )
            for n in range(1, 241)
        ]
    )  # fmt: skip


def test_pages_hold_fifty_rows(many_rows, supervisor_client):
    first = supervisor_client.get(HISTORY, {"outcome": "found"}).content.decode()
    last = supervisor_client.get(
        HISTORY, {"outcome": "found", "page": 3}
    ).content.decode()
    assert len(_ids(first)) == 50
    assert len(_ids(last)) == 20
    assert "120 entries" in first
    assert "Page 3 of 3" in last
    assert set(_ids(first)).isdisjoint(_ids(last))


def test_page_links_keep_the_filters(many_rows, supervisor_client):
    body = supervisor_client.get(HISTORY, {"outcome": "found"}).content.decode()
    assert 'href="?outcome=found&amp;page=2" rel="next"' in body
    assert 'href="?outcome=found&amp;page=3"' in body


def test_export_link_keeps_the_filters_but_not_the_page(many_rows, supervisor_client):
    body = supervisor_client.get(
        HISTORY, {"outcome": "found", "page": "2"}
    ).content.decode()
    assert f'href="{reverse("interactions:review-export")}?outcome=found"' in body


def test_out_of_range_page_shows_the_last_page(many_rows, supervisor_client):
    body = supervisor_client.get(HISTORY, {"page": "999"}).content.decode()
    assert "Page 5 of 5" in body
    assert len(_ids(body)) == 40
