"""What a fetched interaction is: the liveness rule and the outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from interactions.interaction import Interaction, Outcome, Part
from interactions.xplatform.errors import XPlatformNotFound
from interactions.xplatform.schemas import FlowPage, FullFlow, NavButton

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _page(minutes_ago: float, *, right: NavButton | None, asks: bool = True):
    from interactions.xplatform.schemas import FlowChoice, FlowSection

    sections: tuple[FlowSection, ...] = ()
    if asks:
        choice = FlowChoice("c", "x", "", "q", "textInput", None)
        sections = (
            FlowSection("s", "Q", "q", "", "", "SINGLE", None, (choice,), None),
        )
    return FlowPage(
        title="P",
        reference_name="P",
        timestamp=NOW - timedelta(minutes=minutes_ago),
        header_text="",
        footer_text="",
        sections=sections,
        nav_right=right,
    )


NEXT = NavButton("Next", "server://navigationType?type=NEXT", "NEXT", True)
FINISH = NavButton("Done", "server://navigationType?type=FINISH", "FINISH", True)


def _interaction(
    pages: list[FlowPage],
    account: Any = None,  # liveness never reads it
) -> Interaction:
    return Interaction(
        account=account,
        unique_id="1",
        summary=Part(error=XPlatformNotFound()),
        flow=Part(value=FullFlow(tuple(pages))),
        variable_sets=(),
        fetched_at=NOW,
    )


@pytest.mark.parametrize(
    ("pages", "live"),
    [
        ([_page(1, right=NEXT)], True),
        ([_page(45, right=NEXT)], False),
        ([_page(1, right=None)], False),
        ([_page(1, right=FINISH, asks=False)], False),
        ([_page(1, right=FINISH, asks=True)], True),
    ],
)
def test_liveness_rules(pages, live):
    assert _interaction(pages).is_live is live


@pytest.mark.parametrize(
    ("pages", "outcome"),
    [
        ([_page(1, right=NEXT)], Outcome.LIVE),
        ([_page(1, right=FINISH, asks=True)], Outcome.LIVE),
        # Quiet on a page with a way forward: the customer gave up there.
        ([_page(45, right=NEXT)], Outcome.ABANDONED),
        ([_page(31, right=NEXT)], Outcome.ABANDONED),
        # An end page is reached however long ago it was.
        ([_page(1, right=None)], Outcome.COMPLETED),
        ([_page(1, right=FINISH, asks=False)], Outcome.COMPLETED),
        ([_page(600, right=None)], Outcome.COMPLETED),
        ([_page(600, right=FINISH, asks=False)], Outcome.COMPLETED),
        ([_page(9, right=NEXT), _page(2, right=None)], Outcome.COMPLETED),
        ([], Outcome.UNKNOWN),
    ],
)
def test_outcome_rules(pages, outcome):
    interaction = _interaction(pages)
    assert interaction.outcome is outcome
    assert interaction.is_live is (outcome is Outcome.LIVE)


def test_quiet_without_a_readable_flow_is_finished_not_abandoned():
    # The answers have times, but without the flow nobody can tell whether
    # the last page was an end page.
    from interactions.xplatform.schemas import Summary, SummaryPage

    two_hours_ago = NOW - timedelta(hours=2)
    page = SummaryPage("P", two_hours_ago, None, None, ())
    interaction = Interaction(
        account=None,  # type: ignore[arg-type]  # the outcome never reads it
        unique_id="1",
        summary=Part(value=Summary("F", "f", "1", (page,))),
        flow=Part(error=XPlatformNotFound()),
        variable_sets=(),
        fetched_at=NOW,
    )
    assert interaction.outcome is Outcome.FINISHED
    assert not interaction.is_live
