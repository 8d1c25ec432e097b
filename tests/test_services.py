"""Use cases: each records its own access-log row and keeps snapshots."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from interactions import services
from interactions.access_log import Actor
from interactions.errors import InteractionNotFound
from interactions.models import InteractionAccess, InteractionSnapshot, XPlatformAccount
from interactions.simulator import data
from interactions.xplatform.validators import InvalidValue
from tests.support.simulator import RunningSimulator


@pytest.fixture
def acme(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["acme"]


def _rows() -> list[tuple[str, str, str]]:
    return [
        (row.action, row.outcome, row.source)
        for row in InteractionAccess.objects.order_by("pk")
    ]


def test_open_records_the_view_and_keeps_a_snapshot(
    agent: User, acme: XPlatformAccount
) -> None:
    opened = services.interaction_open(
        actor=Actor(agent), account=acme, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    assert opened.failure is None
    assert opened.page.flow_name == "Motor Claim FNOL"
    assert _rows() == [("view", "found", "page")]
    row = InteractionAccess.objects.get()
    assert row.flow_name == "Motor Claim FNOL"
    assert row.has_photos is True
    assert InteractionSnapshot.objects.filter(interaction_id="040100713").count() == 1


def test_open_with_both_parts_failing_records_the_failure_and_keeps_nothing(
    agent: User, acme: XPlatformAccount, simulator: RunningSimulator
) -> None:
    simulator.faults.fail("summary", status=503, times=None)
    simulator.faults.fail("fullFlow", status=503, times=None)
    opened = services.interaction_open(
        actor=Actor(agent, source="api"),
        account=acme,
        unique_id=data.LEADING_ZERO_UNIQUE_ID,
    )
    assert opened.failure is not None
    assert _rows() == [("view", "upstream_error", "api")]
    assert InteractionAccess.objects.get().error_kind == "unavailable"
    assert InteractionSnapshot.objects.count() == 0


def test_open_of_an_unknown_id_is_recorded_as_not_found(
    agent: User, acme: XPlatformAccount
) -> None:
    with pytest.raises(InteractionNotFound, match="has no interaction"):
        services.interaction_open(
            actor=Actor(agent), account=acme, unique_id="000999000"
        )
    assert _rows() == [("view", "not_found", "page")]


def test_open_of_a_malformed_id_is_recorded_as_invalid_without_a_call(
    agent: User, acme: XPlatformAccount, simulator: RunningSimulator
) -> None:
    with pytest.raises(InvalidValue):
        services.interaction_open(actor=Actor(agent), account=acme, unique_id="../x")
    assert _rows() == [("view", "invalid", "page")]
    assert simulator.hits == []


def test_search_records_one_row_with_the_match(
    agent: User, acme: XPlatformAccount
) -> None:
    result = services.interaction_search(
        actor=Actor(agent), account=acme, query=data.LEADING_ZERO_UNIQUE_ID, kind="auto"
    )
    assert result.match == data.LEADING_ZERO_UNIQUE_ID
    row = InteractionAccess.objects.get()
    assert (row.action, row.outcome, row.interaction_id) == (
        "search",
        "found",
        data.LEADING_ZERO_UNIQUE_ID,
    )


def test_refused_search_is_recorded_only_when_something_was_typed(
    agent: User,
) -> None:
    actor = Actor(agent)
    services.interaction_search_refused(actor=actor, account=None, query="", kind="")
    services.interaction_search_refused(actor=actor, account=None, query=None, kind="")
    assert _rows() == []
    services.interaction_search_refused(
        actor=actor, account=None, query="212 555 0100", kind="phone"
    )
    row = InteractionAccess.objects.get()
    assert (row.outcome, row.search_kind) == ("invalid", "phone")
    assert row.query_masked == "••• ••• 0100"  # masked as every typed query is


def test_photo_on_a_page_is_recorded_with_its_size_and_in_the_api_as_api(
    agent: User, acme: XPlatformAccount
) -> None:
    page = services.interaction_open(
        actor=Actor(agent), account=acme, unique_id=data.LEADING_ZERO_UNIQUE_ID
    ).page
    key = page.photos[0].key
    for actor, size in ((Actor(agent), "thumb"), (Actor(agent, source="api"), "full")):
        services.photo_open(
            actor=actor,
            account=acme,
            unique_id=data.LEADING_ZERO_UNIQUE_ID,
            key=key,
            size=size,
        )
    assert _rows()[1:] == [("photo", "found", "thumb"), ("photo", "found", "api")]
