"""Whole pages in a real browser: no CSP violations, no console errors, layout."""

from __future__ import annotations

import pytest

from interactions.simulator.data import LEADING_ZERO_UNIQUE_ID, SHARED_PHONE
from tests.browser.helpers import (
    VIEWPORT,
    detail_path,
    save_screenshot,
    skip_without_browser,
    wait_for_photos,
)
from tests.support.console import PASSWORD

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

# Let late errors (a failed fetch, a refused script) reach the console.
SETTLE_MS = 500


def test_collector_sees_a_csp_violation(agent_session):
    """The detector itself works: an inline script injected at run time is refused."""
    page = agent_session.new_page()
    page.goto(agent_session.url("/"))
    # Wait for both reports, not for a fixed time: on a busy machine they
    # can come later than any fixed settling time.
    with (
        page.expect_console_message(
            lambda m: "securitypolicyviolation: script-src" in m.text
        ),
        page.expect_console_message(lambda m: "Content Security Policy" in m.text),
    ):
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.__inlineRan = true;";
              document.body.appendChild(script);
            }"""
        )
    assert page.evaluate("window.__inlineRan === undefined")
    csp = agent_session.problems.csp()
    assert any("securitypolicyviolation: script-src" in m for m in csp), csp
    assert any("Content Security Policy" in m for m in csp), csp


def test_lookup_interaction_and_login_pages_have_no_csp_violation_or_error(
    agent, open_session
):
    anonymous = open_session()
    page = anonymous.new_page()
    response = page.goto(anonymous.url("/accounts/login/"))
    assert response.status == 200
    assert "script-src" in response.headers["content-security-policy"]
    page.get_by_label("User name").fill(agent.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The real login form lands on the lookup page with console.js running.
    expect(page.get_by_label("Phone number or interaction ID")).to_be_focused()
    assert page.url == anonymous.url("/")

    page.goto(anonymous.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    expect(page.locator("code.uid")).to_have_text(LEADING_ZERO_UNIQUE_ID)
    wait_for_photos(page)
    # console.js ran: local times were rendered with a title.
    assert page.locator("time[data-local][title]").count() > 0
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(SETTLE_MS)

    assert anonymous.problems.messages == []


def test_interaction_page_fits_1280_by_720(agent_session):
    page = agent_session.new_page()
    page.goto(agent_session.url("/"))
    save_screenshot(page, "lookup")

    page.get_by_label("Phone number or interaction ID").fill(SHARED_PHONE)
    page.keyboard.press("Enter")
    candidates = page.locator("table.candidates tbody tr")
    expect(candidates).to_have_count(2)
    expect(page.get_by_role("heading", name="2 interactions match")).to_be_visible()
    save_screenshot(page, "candidates")

    page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    assert page.evaluate("window.scrollY") == 0
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= VIEWPORT["width"], scroll_width

    head = page.locator("header.interaction-head")
    for locator in (
        head.locator("code.uid"),
        head.locator("[data-section=status]").get_by_text("Completed"),
    ):
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= VIEWPORT["height"], box
        assert box["x"] + box["width"] <= VIEWPORT["width"], box
    expect(head.locator("code.uid")).to_have_text(LEADING_ZERO_UNIQUE_ID)
    save_screenshot(page, "interaction")
    assert agent_session.problems.messages == []
