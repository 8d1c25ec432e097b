"""The console in Hebrew in a real browser, right to left, at a desktop's
1280 px and a side panel's 420 px: the lookup, the candidates, the
interaction page and the supervisor's review pages, each with no axe-core
violation and no page wider than its window; and customer text in its own
direction inside an English page (dir="auto")."""

from __future__ import annotations

from typing import Any

import pytest

from interactions.models import InteractionSnapshot
from interactions.simulator.data import (
    HEBREW_ANSWER,
    HEBREW_UNIQUE_ID,
    LEADING_ZERO_UNIQUE_ID,
    SHARED_PHONE,
)
from tests.browser.helpers import (
    WIDTHS,
    axe_violations,
    detail_path,
    save_screenshot,
    skip_without_axe,
    skip_without_browser,
    wait_for_photos,
)

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

OVERFLOW = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


def _hebrew(open_session: Any, user: Any, viewport: dict[str, int]) -> Any:
    # Chromium's Accept-Language follows the context's locale.
    session = open_session(user, locale="he-IL", viewport=viewport)
    return session, session.new_page()


def _right_to_left_and_clean(page: Any) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "he")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    scroll_width, inner_width = page.evaluate(OVERFLOW)
    assert scroll_width <= inner_width, (scroll_width, inner_width)
    assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_lookup_and_candidates_in_hebrew(open_session, agent, home, viewport):
    skip_without_axe()
    session, page = _hebrew(open_session, agent, viewport)
    page.goto(session.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("חיפוש המסלול של לקוח")
    _right_to_left_and_clean(page)
    page.get_by_label("מספר טלפון או מזהה אינטראקציה").fill(SHARED_PHONE)
    page.get_by_role("button", name="חיפוש", exact=True).click()
    expect(page.locator("#candidates-heading")).to_contain_text("אינטראקציות תואמות")
    _right_to_left_and_clean(page)
    save_screenshot(page, f"candidates-he-{viewport['width']}")
    assert session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_interaction_page_in_hebrew(open_session, agent, home, viewport):
    skip_without_axe()
    session, page = _hebrew(open_session, agent, viewport)
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    expect(page.locator("#panel-timeline h2")).to_have_text("ציר הזמן של התהליך")
    # The timeline's line and numbers are on the right, where Hebrew starts.
    step = page.locator(".timeline .step").first.bounding_box()
    number = page.locator(".timeline .step-number").first.bounding_box()
    assert step is not None
    assert number is not None

    assert number["x"] > step["x"] + step["width"] / 2, (number, step)
    # The JS words are Hebrew too: the photo viewer's position.
    page.locator(".photo .thumb").first.click()
    expect(page.locator("#lightbox-position")).to_contain_text("מתוך")
    page.keyboard.press("Escape")
    _right_to_left_and_clean(page)
    save_screenshot(page, f"interaction-he-{viewport['width']}")
    assert session.problems.messages == []


@pytest.fixture
def supervisor_hebrew(open_session, supervisor, home) -> Any:
    session = open_session(supervisor, locale="he-IL")
    page = session.new_page()
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    page.close()
    return session


@pytest.mark.parametrize("viewport", WIDTHS)
def test_review_pages_in_hebrew(supervisor_hebrew, viewport):
    skip_without_axe()
    session = supervisor_hebrew
    snapshot = InteractionSnapshot.objects.get(interaction_id=LEADING_ZERO_UNIQUE_ID)
    page = session.new_page()
    page.set_viewport_size(viewport)
    page.goto(session.url("/review/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "היסטוריית חיפושים וצפיות"
    )
    _right_to_left_and_clean(page)
    page.goto(session.url(snapshot.get_absolute_url()))
    wait_for_photos(page)
    expect(page.locator(".glance")).to_contain_text("התוצאה אז")
    _right_to_left_and_clean(page)
    assert session.problems.messages == []


def test_hebrew_answer_reads_right_to_left_in_an_english_page(agent_session, home):
    # The Hebrew claim's pages say "language": "he": what the customer typed
    # reads right to left, and is announced as Hebrew, in an English page.
    page = agent_session.new_page()
    page.goto(agent_session.url(detail_path(HEBREW_UNIQUE_ID)))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    answer = page.locator(".answers .answer-a span", has_text=HEBREW_ANSWER)
    expect(answer).to_have_attribute("lang", "he")
    assert answer.evaluate("(node) => getComputedStyle(node).direction") == "rtl"
    name = page.locator(".glance-name")
    expect(name).to_have_attribute("lang", "he")
    assert name.evaluate("(node) => getComputedStyle(node).direction") == "rtl"
    # The console's own words around them stay left to right, in English.
    heading = page.locator("#panel-answers h2")
    assert heading.evaluate("(node) => getComputedStyle(node).direction") == "ltr"
    assert heading.evaluate("(node) => node.closest('[lang]').lang") == "en"
    assert axe_violations(page) == []  # valid-lang among others
    english = page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    assert english is not None
    latin = page.locator(".answers .answer-a [dir=auto]").first
    expect(latin).to_have_attribute("lang", "en")
    assert latin.evaluate("(node) => getComputedStyle(node).direction") == "ltr"
    assert agent_session.problems.messages == []
