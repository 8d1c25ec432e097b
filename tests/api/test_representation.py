"""The interaction and snapshot answers are built by plain functions
(interactions/api/representation.py), not by their serializers, which stay
the schema. Here every answer the views give is also serialized by DRF and
the two must render to the same bytes, on every interaction the simulator
serves and every snapshot stored from them: a field added to a serializer
and not to its function, or the other way round, fails here.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from interactions import upstream
from interactions.api import representation, review, views
from interactions.models import InteractionSnapshot, XPlatformAccount
from interactions.presenters import InteractionPage
from interactions.simulator import data
from interactions.simulator.clock import ManualClock
from tests.support.console import logged_in, make_user, sim_account
from tests.support.simulator import RunningSimulator, running_simulator

SLUGS = {"12345678": "sim-acme", "jan20": "sim-northwind"}


def _rendered(body: Any) -> bytes:
    # What the client receives: the views' renderer, so key order counts.
    rendered: bytes = JSONRenderer().render(body)
    return rendered


class Compared:
    """The views' answers next to what their serializers give for the same
    input: (fast, drf) rendered, per call."""

    def __init__(self) -> None:
        self.pairs: list[tuple[bytes, bytes]] = []
        self.bodies: list[dict[str, Any]] = []

    def add(self, fast: dict[str, Any], drf: Any) -> None:
        self.pairs.append((_rendered(fast), _rendered(drf)))
        self.bodies.append(fast)

    def assert_equal(self, count: int) -> None:
        assert len(self.pairs) == count
        for fast, drf in self.pairs:
            # The values first (a readable diff), then the bytes (key order).
            assert json.loads(fast) == json.loads(drf)
            assert fast == drf


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Compared:
    seen = Compared()
    interaction_data = representation.interaction_data
    snapshot_data = representation.snapshot_data

    def interaction_spy(page: InteractionPage, request: Request) -> dict[str, Any]:
        fast = interaction_data(page, request)
        serializer = views.InteractionDetailApi.OutputSerializer
        seen.add(fast, serializer(page, context={"request": request}).data)
        return fast

    def snapshot_spy(
        snapshot: InteractionSnapshot, page: InteractionPage
    ) -> dict[str, Any]:
        fast = snapshot_data(snapshot, page)
        serializer = review.SnapshotDetailApi.OutputSerializer
        seen.add(fast, serializer({"snapshot": snapshot, "page": page}).data)
        return fast

    monkeypatch.setattr(views, "interaction_data", interaction_spy)
    monkeypatch.setattr(review, "snapshot_data", snapshot_spy)
    return seen


@pytest.fixture
def both(sim_accounts: dict[str, XPlatformAccount]) -> Client:
    """A supervisor of both simulated accounts: reads interactions and snapshots."""
    accounts = [sim_accounts["acme"], sim_accounts["northwind"]]
    return logged_in(make_user("vera", "supervisor", accounts))


def _url(account_id: str, unique_id: str) -> str:
    return f"/api/v1/accounts/{SLUGS[account_id]}/interactions/{unique_id}"


def _get(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    body: dict[str, Any] = response.json()
    return body


def test_every_seeded_interaction_and_its_snapshot(
    both: Client, compared: Compared
) -> None:
    instances = data.default_dataset().instances
    bodies = [_get(both, _url(i.account_id, i.unique_id)) for i in instances]
    compared.assert_equal(len(instances))
    # What the comparison covered (the live one below).
    assert {body["outcome"] for body in bodies} >= {"completed", "abandoned"}
    assert {body["language"] for body in bodies} >= {"he", "en"}
    assert any(body["photos"] for body in bodies)
    assert any(
        section["table"] and section["options"] == []
        for body in bodies
        for step in body["steps"]
        for section in step["sections"]
    )
    assert any(step["is_revisit"] for body in bodies for step in body["steps"])
    assert any(
        row["is_set"] is False
        for body in bodies
        for view in body["variable_sets"]
        for row in view["rows"]
    )
    assert any(view["not_found"] for body in bodies for view in body["variable_sets"])
    # The snapshots they stored, read back (photo URLs null when not kept).
    snapshots = list(InteractionSnapshot.objects.order_by("pk"))
    assert len(snapshots) >= len(instances)
    for snapshot in snapshots:
        _get(both, f"/api/v1/snapshots/{snapshot.pk}")
    compared.assert_equal(len(instances) + len(snapshots))
    stored = compared.bodies[len(instances) :]
    assert any(body["first_viewed_by"] == "vera" for body in stored)
    assert any(p["thumbnail_url"] is None for body in stored for p in body["photos"])


@pytest.mark.parametrize("fault", ["summary", "flow", "sets"])
def test_parts_failing_upstream(
    both: Client, compared: Compared, simulator: RunningSimulator, fault: str
) -> None:
    if fault == "summary":
        simulator.faults.fail("summary", status=503, times=None)
    elif fault == "flow":
        simulator.faults.invalid_json("fullFlow")
    else:
        simulator.faults.fail("variableSet", status=503, times=None)
    body = _get(both, _url(data.ACME_ACCOUNT_ID, data.LEADING_ZERO_UNIQUE_ID))
    compared.assert_equal(1)
    if fault == "sets":
        assert all(view["error"] for view in body["variable_sets"])
    else:
        assert body["errors"]["summary" if fault == "summary" else "flow"]
        assert body["stopped_at"]
    (snapshot,) = InteractionSnapshot.objects.all()
    _get(both, f"/api/v1/snapshots/{snapshot.pk}")
    compared.assert_equal(2)
    stored = compared.bodies[1]
    if fault == "sets":
        assert all(view["error"] for view in stored["variable_sets"])
    else:
        assert stored["answers_error" if fault == "summary" else "flow_error"]


def test_parts_given_from_their_last_good_copy(
    both: Client,
    compared: Compared,
    simulator: RunningSimulator,
    sim_accounts: dict[str, XPlatformAccount],
) -> None:
    account = sim_accounts["acme"]
    unique_id = data.LEADING_ZERO_UNIQUE_ID
    url = _url(data.ACME_ACCOUNT_ID, unique_id)
    _get(both, url)
    # The short-lived copies expire; reading every part again fails.
    parts: list[tuple[str, ...]] = [("summary",), ("flow",)]
    parts += [("set", set_id) for set_id in account.variable_set_ids()]
    cache.delete_many([upstream.cache_key(account, unique_id, *p) for p in parts])
    simulator.faults.fail("*", status=503, times=None)
    body = _get(both, url)
    compared.assert_equal(2)
    assert body["stale"]["summary"]
    assert body["stale"]["flow"]
    assert any(view["stale"] for view in body["variable_sets"])


def test_the_live_interaction_as_it_moves(db: None, compared: Compared) -> None:
    # The seeded live interaction is live only near the simulator's start.
    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = sim_account(data.DEMO_ACCOUNTS[1], sim.base_url)
        client = logged_in(make_user("nina", "supervisor", [account]))
        url = _url(data.NORTHWIND_ACCOUNT_ID, data.LIVE_UNIQUE_ID)
        first = _get(client, url)
        clock.advance(data.LIVE_PAGE_INTERVAL * 2)
        cache.clear()
        later = _get(client, url)
    compared.assert_equal(2)
    assert (first["live"], first["outcome"], later["live"]) == (True, "live", True)
    assert len(later["steps"]) > len(first["steps"])
