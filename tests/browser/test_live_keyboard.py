"""Live refresh for everyone and the keyboard, in a real browser at a
desktop's 1280 px and a side panel's 420 px: focus kept across a live
redraw, a live region that announces only what is new, the "?" list of
shortcuts (a focus-trapped modal dialog), the shortcuts themselves, a focus
ring of at least 3:1 on every background, and no axe-core violation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from interactions.simulator.clock import ManualClock
from interactions.simulator.data import (
    LEADING_ZERO_UNIQUE_ID,
    LIVE_INITIAL_PAGES,
    LIVE_PAGE_INTERVAL,
    LIVE_UNIQUE_ID,
)
from tests.browser.helpers import (
    DESKTOP,
    NORTHWIND,
    WIDTHS,
    axe_violations,
    detail_path,
    save_screenshot,
    skip_without_browser,
    wait_for_photos,
)
from tests.support.console import make_user, sim_account
from tests.support.simulator import running_simulator

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

POLL_WAIT_MS = 12_000  # console.js polls every XPC_LIVE_REFRESH_SECONDS
QUIET_MS = 2_500  # more than one polling period at 1 s

# Every text the live region is given, in order, from the page's start.
NEWS_RECORDER = """() => {
  window.__news = [];
  const region = document.getElementById("live-news");
  new MutationObserver(() => {
    const text = region.textContent.trim();
    if (text) window.__news.push(text);
  }).observe(region, {childList: true, characterData: true, subtree: true});
}"""

ACTIVE = """() => {
  const node = document.activeElement;
  return node ? {tag: node.tagName, key: node.getAttribute("data-focus-key"),
                 old: node.hasAttribute("data-before-redraw"),
                 inDialog: !!node.closest("dialog")} : null;
}"""

# The colours of the focused element's ring (outline), halo (box-shadow)
# and the background it sits on (the first opaque one up the tree).
RING = """() => {
  const node = document.activeElement;
  const style = getComputedStyle(node);
  const rgb = (text) => (text.match(/rgba?\\(([^)]+)\\)/) || [null, ""])[1]
    .split(",").map((part) => parseFloat(part));
  let back = node.parentElement, background = null;
  while (back) {
    const colour = rgb(getComputedStyle(back).backgroundColor);
    if (colour.length >= 3 && (colour.length === 3 || colour[3] > 0.99)) {
      background = colour; break;
    }
    back = back.parentElement;
  }
  // The ring and halo reach 6 px out; no scrolling box may cut them off.
  const box = node.getBoundingClientRect();
  let clipped = false;
  for (let up = node.parentElement; up; up = up.parentElement) {
    const css = getComputedStyle(up);
    if (css.overflowX === "visible" && css.overflowY === "visible") continue;
    const room = up.getBoundingClientRect();
    clipped = clipped || box.left - 6 < room.left || box.right + 6 > room.right ||
      box.top - 6 < room.top || box.bottom + 6 > room.bottom;
  }
  return {
    clipped: clipped,
    visible: node.matches(":focus-visible"),
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    ring: rgb(style.outlineColor),
    halo: rgb(style.boxShadow),
    background: background || [255, 255, 255],
  };
}"""


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: list[float], second: list[float]) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def quick_refresh(settings) -> None:
    """A poll a second, so a live test waits seconds, not tens of seconds."""
    settings.XPC_LIVE_REFRESH_SECONDS = 1


@contextmanager
def live_page(open_session, viewport: dict[str, int]) -> Iterator[tuple[Any, Any]]:
    """The live router set-up of Northwind, open at ``viewport``, and the
    simulator's clock that moves the customer on."""
    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = sim_account(NORTHWIND, sim.base_url)
        session = open_session(make_user("nina", "agent", [account]))
        page = session.new_page()
        page.set_viewport_size(viewport)
        page.goto(session.url(detail_path(LIVE_UNIQUE_ID, account.slug)))
        expect(page.locator(".timeline .step")).to_have_count(LIVE_INITIAL_PAGES)
        yield page, clock
        assert session.problems.messages == []


def _steps(page: Any, count: int) -> None:
    expect(page.locator(".timeline .step")).to_have_count(count, timeout=POLL_WAIT_MS)


def _shortcuts_page(agent_session, viewport: dict[str, int]) -> Any:
    page = agent_session.new_page()
    page.set_viewport_size(viewport)
    page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    return page


# --- focus across a live redraw -------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
def test_focus_stays_on_a_thumbnail_across_a_live_redraw(
    roles, open_session, quick_refresh, viewport
):
    with live_page(open_session, viewport) as (page, clock):
        clock.advance(LIVE_PAGE_INTERVAL)  # step 4: a photo of the lights
        thumb = page.locator(".photo .thumb").first
        expect(thumb).to_be_visible(timeout=POLL_WAIT_MS)
        thumb.focus()
        thumb.evaluate("(node) => node.setAttribute('data-before-redraw', '')")
        key = thumb.get_attribute("data-focus-key")

        clock.advance(4 * LIVE_PAGE_INTERVAL)  # step 8: the back of the router
        expect(page.locator(".photo")).to_have_count(2, timeout=POLL_WAIT_MS)
        active = page.evaluate(ACTIVE)
        # A new element (the section was redrawn), the same photo.
        assert active == {"tag": "BUTTON", "key": key, "old": False, "inDialog": False}


@pytest.mark.parametrize("viewport", WIDTHS)
def test_focus_stays_on_a_copy_button_across_a_live_redraw(
    roles, open_session, quick_refresh, viewport
):
    with live_page(open_session, viewport) as (page, clock):
        panel = page.locator("details#panel-variables")
        if not panel.evaluate("(details) => details.open"):
            panel.locator("> summary").click()
        copy = panel.locator("button.copy").first
        copy.focus()
        copy.evaluate("(node) => node.setAttribute('data-before-redraw', '')")
        key = copy.get_attribute("data-focus-key")
        assert key

        # The customer moves on until the variables change (Wi-Fi name, step 6).
        clock.advance(3 * LIVE_PAGE_INTERVAL)
        expect(panel.locator("[data-before-redraw]")).to_have_count(
            0, timeout=POLL_WAIT_MS
        )
        active = page.evaluate(ACTIVE)
        assert active == {"tag": "BUTTON", "key": key, "old": False, "inDialog": False}


# --- the live region --------------------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
def test_live_region_announces_a_new_step_and_nothing_else(
    roles, open_session, quick_refresh, viewport
):
    with live_page(open_session, viewport) as (page, clock):
        page.evaluate(NEWS_RECORDER)
        region = page.locator("#live-news")
        expect(region).to_have_attribute("aria-live", "polite")
        assert region.text_content() == ""
        # Refreshes with nothing new announce nothing; the status line's
        # clock ("Data as of") changes but is not in a live region.
        page.wait_for_timeout(QUIET_MS)
        assert page.evaluate("window.__news") == []
        assert (
            page.locator(
                "[aria-live] [data-section], [data-section][aria-live]"
            ).count()
            == 0
        )
        expect(page.locator("[data-section=status]")).to_contain_text("Data as of")

        clock.advance(LIVE_PAGE_INTERVAL)  # step 4: a photo of the lights
        expect(region).to_have_text(
            "New step 4: Photo of the lights. New photo.", timeout=POLL_WAIT_MS
        )
        page.wait_for_timeout(QUIET_MS)
        assert page.evaluate("window.__news") == [
            "New step 4: Photo of the lights. New photo."
        ]
        assert "Data as of" not in region.text_content()

        # What is new is marked on the page too, with its own words.
        new_step = page.locator(".timeline .step.is-new")
        expect(new_step).to_have_count(1)
        expect(new_step.locator(".badge-new")).to_have_text("New")
        expect(page.locator(".photo.is-new .badge-new")).to_have_count(1)
        badge = new_step.locator(".badge-new")
        colours = badge.evaluate(
            """(node) => [getComputedStyle(node).color,
                          getComputedStyle(node).backgroundColor]"""
        )
        text, background = ([float(v) for v in c[4:-1].split(",")] for c in colours)
        assert contrast(text, background) >= 4.5
        save_screenshot(page, f"live-new-step-{viewport['width']}")
        assert axe_violations(page) == []


# --- the list of shortcuts and the shortcuts ---------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
def test_question_mark_opens_a_trapped_list_that_esc_closes(agent_session, viewport):
    page = _shortcuts_page(agent_session, viewport)
    dialog = page.locator("dialog#shortcuts")
    opener = page.locator("button.copy").first  # the unique ID's Copy button
    opener.focus()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("Keyboard shortcuts")
    for words in (
        "Copy the summary as text",
        "Go to the photos",
        "Open the next photo",
    ):
        expect(dialog).to_contain_text(words)
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate(ACTIVE)["inDialog"] is True
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(ACTIVE)["inDialog"] is True
    # A shortcut does nothing while the list is open.
    page.keyboard.press("p")
    assert page.evaluate(ACTIVE)["inDialog"] is True
    save_screenshot(page, f"shortcuts-{viewport['width']}")
    assert axe_violations(page) == []

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(
        page.locator(f'[aria-label="Copy unique ID {LEADING_ZERO_UNIQUE_ID}"]')
    ).to_be_focused()
    # The Shortcuts button opens it too (for those who turned single keys off).
    page.locator("[data-shortcuts-open]").click()
    expect(dialog).to_be_visible()
    page.locator("[data-shortcuts-close]").click()
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_shortcuts_go_to_panels_and_open_photos(agent_session, viewport):
    page = _shortcuts_page(agent_session, viewport)
    summary = "() => document.activeElement.closest('details')?.id"
    page.keyboard.press("p")
    assert page.evaluate(summary) == "panel-photos"
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("v")
    assert page.evaluate(summary) == "panel-variables"
    assert page.evaluate("() => document.getElementById('panel-variables').open")
    page.keyboard.press("g")
    assert page.evaluate("document.activeElement.id") == "glance"

    lightbox = page.locator("dialog#lightbox")
    page.keyboard.press("o")
    expect(lightbox).to_be_visible()
    expect(page.locator("#lightbox-position")).to_have_text("1 of 2")
    page.keyboard.press("Escape")
    expect(lightbox).to_be_hidden()
    page.wait_for_function(
        "() => (document.activeElement.getAttribute('data-focus-key') || '')"
        ".startsWith('photo-')"
    )
    page.keyboard.press("n")
    expect(page.locator("#lightbox-position")).to_have_text("2 of 2")
    page.keyboard.press("Escape")
    # The viewer gives focus back to the thumbnail when its close event
    # fires: wait for it, or it may take focus from the field below.
    expect(lightbox).to_be_hidden()
    page.wait_for_function(
        "() => (document.activeElement.getAttribute('data-focus-key') || '')"
        ".startsWith('photo-')"
    )

    # Not while typing, and not with a modifier held.
    page.locator("#answers-filter").focus()
    page.keyboard.type("p")
    assert page.evaluate("document.activeElement.id") == "answers-filter"
    expect(page.locator("#answers-filter")).to_have_value("p")
    page.locator("#copy-summary").focus()
    page.keyboard.press("Alt+p")
    page.keyboard.press("Control+p")
    assert page.evaluate("document.activeElement.id") == "copy-summary"


def test_single_key_shortcuts_can_be_turned_off_and_stay_off(agent_session):
    page = _shortcuts_page(agent_session, DESKTOP)
    page.locator("[data-shortcuts-open]").click()
    toggle = page.locator("#shortcuts-enabled")
    expect(toggle).to_be_checked()
    toggle.uncheck()
    page.keyboard.press("Escape")
    page.locator("#copy-summary").focus()
    page.keyboard.press("p")
    page.keyboard.press("?")
    assert page.evaluate("document.activeElement.id") == "copy-summary"
    expect(page.locator("dialog#shortcuts")).to_be_hidden()

    page.reload()
    page.locator("#copy-summary").focus()
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.id") == "copy-summary"
    page.locator("[data-shortcuts-open]").click()
    expect(page.locator("#shortcuts-enabled")).not_to_be_checked()
    page.locator("#shortcuts-enabled").check()
    page.keyboard.press("Escape")
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.closest('details')?.id") == (
        "panel-photos"
    )


def test_copy_summary_shortcut_copies_the_summary(agent_session):
    agent_session.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = _shortcuts_page(agent_session, DESKTOP)
    page.keyboard.press("s")
    expect(page.locator("#copy-summary")).to_have_text("Copied")
    # The focus is not on the button: the page's status region says it.
    expect(page.locator("#live-news")).to_have_text("Copied: Copy summary as text")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#summary-text").input_value()


# --- the focus ring -----------------------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize(
    "selector",
    [
        "button.copy",  # on the white header card
        "#answers-filter",  # a field in a panel
        ".photo .thumb",  # a thumbnail
        ".glance-jump",  # on the strip's tinted background
        ".topbar a.brand",  # on the blue top bar
        ".topnav a",  # in the top bar's links, which scroll in a side panel
    ],
)
def test_focus_ring_stands_out_at_least_3_to_1(agent_session, viewport, selector):
    page = _shortcuts_page(agent_session, viewport)
    page.keyboard.press("Tab")  # a keyboard user: focus is shown (:focus-visible)
    page.locator(selector).first.focus()
    ring = page.evaluate(RING)
    assert ring["visible"] is True
    assert ring["clipped"] is False
    assert ring["style"] == "solid"
    assert ring["width"] >= 2
    # The dark ring and its white halo are 3:1 apart, and one of them is 3:1
    # from the background, whatever it is.
    assert contrast(ring["ring"], ring["halo"]) >= 3
    against = max(
        contrast(ring["ring"], ring["background"]),
        contrast(ring["halo"], ring["background"]),
    )
    assert against >= 3, ring


@pytest.mark.parametrize("viewport", WIDTHS)
def test_interaction_page_has_distinct_names_and_no_axe_violation(
    agent_session, viewport
):
    page = _shortcuts_page(agent_session, viewport)
    expect(page.locator("h1")).to_have_accessible_name(
        f"Interaction {LEADING_ZERO_UNIQUE_ID}"
    )
    names = page.locator(".photo .thumb").evaluate_all(
        "(nodes) => nodes.map((node) => node.querySelector('img').alt)"
    )
    assert len(names) == 2
    assert len(set(names)) == 2
    save_screenshot(page, f"interaction-keyboard-{viewport['width']}")
    assert axe_violations(page) == []


def test_focus_moved_before_a_dialog_says_closed_stays_where_it_went(agent_session):
    """A dialog's close event comes a moment after Escape; a shortcut pressed
    in between moves the focus, and the dialog must not take it back."""
    page = _shortcuts_page(agent_session, DESKTOP)
    page.locator("[data-shortcuts-open]").click()
    expect(page.locator("dialog#shortcuts")).to_be_visible()
    # Closed and focus moved in one task: the close event runs after both.
    page.evaluate(
        """() => {
        document.getElementById("shortcuts").close();
        document.querySelector("#panel-photos > summary").focus();
    }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("document.activeElement.closest('details')?.id") == (
        "panel-photos"
    )
    # The same for the photo viewer.
    page.locator(".photo .thumb").first.click()
    expect(page.locator("dialog#lightbox")).to_be_visible()
    page.evaluate(
        """() => {
        document.getElementById("lightbox").close();
        document.querySelector("#panel-answers > summary").focus();
    }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("document.activeElement.closest('details')?.id") == (
        "panel-answers"
    )
