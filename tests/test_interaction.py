"""What a fetched interaction is: the liveness rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from interactions.interaction import Interaction, Part
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
