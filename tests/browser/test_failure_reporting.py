"""Retry and refresh never replace good data on the page with an error
(issue 10), in a real browser."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from interactions.simulator.data import LEADING_ZERO_UNIQUE_ID
from interactions.xplatform import client as xplatform
from tests.browser.helpers import detail_path, skip_without_browser

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def test_retry_of_one_section_keeps_good_sections_marked_stale(
    agent_session, simulator, settings
):
    settings.XPC_UPSTREAM_RETRIES = 0
    simulator.faults.fail("variableSet", status=503, times=None)
    page = agent_session.new_page()
    page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    answers = page.locator("[data-section=answers]")
    timeline = page.locator("[data-section=timeline]")
    expect(answers.locator(".answers .answer").first).to_be_visible()
    shown = answers.locator(".answers .answer").count()

    # Now the answers and the flow fail too, and no last good copy is left
    # on the server (another process, or its cache emptied).
    simulator.faults.clear()
    simulator.faults.fail("*", status=503, times=None)
    cache.clear()
    page.locator("[data-section=variables] [data-retry]").first.click()

    expect(answers.locator(".stale-note")).to_contain_text("Stale since")
    expect(answers.locator(".stale-note")).to_contain_text("could not be read again")
    expect(answers.locator(".answers .answer")).to_have_count(shown)
    expect(answers.locator("[data-failed]")).to_have_count(0)
    expect(timeline.locator(".timeline .step").first).to_be_visible()
    expect(timeline.locator(".stale-note")).to_have_count(1)

    # Read again, the data comes back and the notes go.
    simulator.faults.clear()
    xplatform.clear_clients()  # the failures opened the circuit breaker
    page.locator("[data-section=variables] [data-retry]").first.click()
    expect(answers.locator(".stale-note")).to_have_count(0)
    expect(timeline.locator(".stale-note")).to_have_count(0)
    expect(page.locator("[data-section=variables]")).not_to_contain_text(
        "Variables unavailable"
    )
    assert agent_session.problems.messages == []
