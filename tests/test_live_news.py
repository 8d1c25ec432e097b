"""What a live refresh announces: new steps, new photos, the end, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from interactions.live_news import Seen, news, refresh_news
from interactions.page_parts import PartError
from interactions.presenters import InteractionPage, Photo, Step

TITLES = [
    "Set up your router",
    "Your router",
    "Check the lights",
    "Photo of the lights",
]


def _step(number: int, title: str) -> Step:
    return Step(
        number=number,
        title=title,
        time=None,
        spent=None,
        spent_so_far=False,
        is_revisit=False,
        revisit_of=None,
        is_last=False,
        header="",
        footer="",
        sections=[],
    )


def _photo(key: str, *, rejected: bool = False) -> Photo:
    return Photo(
        key=key,
        file_name=f"{key}.jpg",
        label="Step 4: Photo of the lights",
        step_number=4,
        step_title="Photo of the lights",
        time=None,
        rejected=rejected,
    )


def _page(
    steps: int, photos: int = 0, outcome: str = "live", flow_error=None
) -> InteractionPage:
    titles = [*TITLES, *(f"Page {n}" for n in range(5, 20))]
    return InteractionPage(
        unique_id="7301846",
        flow_name="Broadband Router Set-up",
        account_name="Northwind",
        account_slug="sim-northwind",
        time_zone="Europe/London",
        started_at=datetime(2025, 6, 2, 13, 0, tzinfo=UTC),
        last_activity=None,
        live=outcome == "live",
        data_as_of=None,
        answers=[],
        answers_error=None,
        steps=[_step(n, titles[n - 1]) for n in range(1, steps + 1)],
        flow_error=flow_error,
        variable_sets=[],
        photos=[_photo(f"p{n}") for n in range(photos)],
        outcome=outcome,
    )


def test_a_new_step_is_announced_with_its_number_and_title() -> None:
    assert news(_page(4), Seen(3, 0, "live")) == ["New step 4: Photo of the lights"]


def test_nothing_is_announced_when_nothing_is_new() -> None:
    assert news(_page(3, 1), Seen(3, 1, "live")) == []


def test_nothing_is_announced_without_what_the_page_showed() -> None:
    assert news(_page(4, 1, "completed"), None) == []


def test_each_new_step_then_new_photos_then_the_end() -> None:
    said = news(_page(4, 2, "completed"), Seen(2, 0, "live"))
    assert said == [
        "New step 3: Check the lights",
        "New step 4: Photo of the lights",
        "2 new photos",
        "Customer finished",
    ]


def test_one_new_photo_is_new_photo() -> None:
    assert news(_page(4, 1), Seen(4, 0, "live")) == ["New photo"]


def test_many_new_steps_are_summed_up_in_one_sentence() -> None:
    assert news(_page(9), Seen(3, 0, "live")) == [
        "6 new steps, the last step 9: Page 9"
    ]


def test_an_abandoned_interaction_says_where_the_customer_stopped() -> None:
    assert news(_page(4, outcome="abandoned"), Seen(4, 0, "live")) == [
        "Customer stopped at step 4"
    ]


def test_a_finished_interaction_is_announced_once() -> None:
    assert news(_page(4, outcome="completed"), Seen(4, 0, "completed")) == []


def test_rejected_photos_are_not_new_photos() -> None:
    page = _page(4)
    page.photos = [_photo("bad", rejected=True)]
    assert news(page, Seen(4, 0, "live")) == []


def test_a_flow_that_failed_keeps_the_counts_seen_before() -> None:
    failed = _page(0, flow_error=PartError("upstream_error", "The server is busy."))
    before = Seen(5, 1, "live")
    assert Seen.of(failed, before) == Seen(5, 1, "live")
    assert news(failed, before) == []
    # The next good read announces only the step that is really new.
    assert news(_page(6, 1), Seen.of(failed, before)) == ["New step 6: Page 6"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"steps": "3", "photos": "0"},
        {"steps": "-1", "photos": "0", "outcome": "live"},
        {"steps": "3", "photos": "x", "outcome": "live"},
        {"steps": "3", "photos": "0", "outcome": "<b>"},
        {"steps": "9999999", "photos": "0", "outcome": "live"},
    ],
)
def test_a_query_the_page_cannot_have_sent_means_no_news(query) -> None:
    assert Seen.from_query(query) is None
    assert refresh_news(_page(4), query)["news"] == []


def test_refresh_news_says_what_the_page_shows_now() -> None:
    body = refresh_news(_page(4, 1), {"steps": "3", "photos": "0", "outcome": "live"})
    assert body == {
        "seen": {"steps": 4, "photos": 1, "outcome": "live"},
        "news": ["New step 4: Photo of the lights", "New photo"],
    }
