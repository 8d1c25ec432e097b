"""The lookup page's keyboard use in a real browser."""

from __future__ import annotations

import pytest

from interactions.simulator.data import LEADING_ZERO_UNIQUE_ID
from tests.browser.helpers import detail_path, skip_without_browser

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

SEARCH_LABEL = "Phone number or interaction ID"


def test_search_box_is_focused_on_load(agent_session):
    page = agent_session.new_page()
    page.goto(agent_session.url("/"))
    box = page.get_by_label(SEARCH_LABEL)
    expect(box).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "id_query"


def test_slash_from_the_body_focuses_the_search_box(agent_session):
    page = agent_session.new_page()
    page.goto(agent_session.url("/"))
    box = page.get_by_label(SEARCH_LABEL)
    box.fill("0909015")
    page.evaluate("document.activeElement.blur()")
    assert page.evaluate("document.activeElement === document.body")
    expect(box).not_to_be_focused()

    page.keyboard.press("/")

    expect(box).to_be_focused()
    # The shortcut is swallowed, not typed, and selects the old query so
    # typing replaces it.
    expect(box).to_have_value("0909015")
    assert page.evaluate(
        "[document.activeElement.selectionStart, document.activeElement.selectionEnd]"
    ) == [0, 7]
    page.keyboard.type("1")
    expect(box).to_have_value("1")


def test_slash_inside_the_search_box_is_typed(agent_session):
    page = agent_session.new_page()
    page.goto(agent_session.url("/"))
    box = page.get_by_label(SEARCH_LABEL)
    expect(box).to_be_focused()
    page.keyboard.type("12/3")
    expect(box).to_have_value("12/3")


def test_dialled_string_and_enter_open_the_interaction(agent_session):
    page = agent_session.new_page()
    page.goto(agent_session.url("/"))
    box = page.get_by_label(SEARCH_LABEL)
    expect(box).to_be_focused()
    page.keyboard.type("1-800-123-4567,040100713")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID))
    expect(page.locator("h1 code.uid")).to_have_text(LEADING_ZERO_UNIQUE_ID)
    expect(page).to_have_title(
        f"{LEADING_ZERO_UNIQUE_ID} · Motor Claim FNOL · X-Platform console"
    )
    assert agent_session.problems.messages == []
