"""Live refresh of an interaction that is still going on, in a real browser."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from interactions.simulator.clock import ManualClock
from interactions.simulator.data import (
    LIVE_INITIAL_PAGES,
    LIVE_PAGE_INTERVAL,
    LIVE_TOTAL_PAGES,
    LIVE_UNIQUE_ID,
)
from tests.browser.helpers import (
    NORTHWIND,
    detail_path,
    skip_without_browser,
)
from tests.support.console import make_user, sim_account
from tests.support.simulator import running_simulator

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

POLL_WAIT_MS = 12_000  # console.js polls every 5 s
QUIET_MS = 6_000  # more than one polling period


def test_live_interaction_refreshes_in_place_and_stops_when_finished(
    roles, open_session
):
    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = sim_account(NORTHWIND, sim.base_url)
        session = open_session(make_user("nina", "agent", [account]))
        page = session.new_page()
        live_requests: list[str] = []
        page.on(
            "request",
            lambda request: (
                live_requests.append(request.url)
                if urlsplit(request.url).path.endswith("/live")
                else None
            ),
        )
        page.goto(session.url(detail_path(LIVE_UNIQUE_ID, account.slug)))

        root = page.locator("#interaction")
        status = page.locator("[data-section=status]")
        steps = page.locator(".timeline .step")
        variables = page.locator("details#panel-variables")
        expect(root).to_have_attribute("data-live", "true")
        expect(status).to_contain_text("Live")
        expect(steps).to_have_count(LIVE_INITIAL_PAGES)
        assert root.get_attribute("data-steps") == str(LIVE_INITIAL_PAGES)

        variables.locator("> summary").click()
        assert variables.evaluate("(details) => details.open") is False
        page.mouse.wheel(0, 250)
        page.wait_for_function("() => window.scrollY > 0")
        scrolled = page.evaluate("window.scrollY")

        clock.advance(2 * LIVE_PAGE_INTERVAL)
        expect(steps).to_have_count(LIVE_INITIAL_PAGES + 2, timeout=POLL_WAIT_MS)

        new = page.locator(".timeline .step.is-new")
        expect(new).to_have_count(2)
        assert new.evaluate_all("(s) => s.map((step) => step.dataset.step)") == [
            str(LIVE_INITIAL_PAGES + 1),
            str(LIVE_INITIAL_PAGES + 2),
        ]
        for index in range(LIVE_INITIAL_PAGES):
            expect(steps.nth(index)).not_to_have_class(re.compile(r"\bis-new\b"))
        assert variables.evaluate("(details) => details.open") is False
        expect(variables.locator(".panel-body")).to_be_hidden()
        after = page.evaluate("window.scrollY")
        assert after > 0, "the refresh scrolled the page back to the top"
        assert abs(after - scrolled) < 100, (scrolled, after)
        expect(status).to_contain_text("Live")
        assert live_requests

        clock.advance(LIVE_TOTAL_PAGES * LIVE_PAGE_INTERVAL)
        expect(status).to_contain_text("Completed", timeout=POLL_WAIT_MS)
        expect(root).to_have_attribute("data-live", "false")
        expect(steps).to_have_count(LIVE_TOTAL_PAGES)

        polls = len(live_requests)
        page.wait_for_timeout(QUIET_MS)
        assert len(live_requests) == polls, live_requests[polls:]
        assert session.problems.messages == []
