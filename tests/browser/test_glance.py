"""The at-a-glance strip and the side-panel layout in a real browser, at a
desktop's 1280 px and a CTI or CRM side panel's 420 px: the strip in the
first screen, the jump to where the customer stopped, no page wider than
its window, and no axe-core violation on any of these page states."""

from __future__ import annotations

import time
from typing import Any

import pytest

from interactions.models import AccountAssignment, InteractionSnapshot
from interactions.simulator.clock import ManualClock
from interactions.simulator.data import (
    LEADING_ZERO_UNIQUE_ID,
    LIVE_PAGE_INTERVAL,
    LIVE_TOTAL_PAGES,
    LIVE_UNIQUE_ID,
    SHARED_PHONE,
)
from tests.browser.helpers import (
    DESKTOP,
    NORTHWIND,
    SIDE_PANEL,
    WIDTHS,
    axe_violations,
    detail_path,
    save_screenshot,
    skip_without_axe,
    skip_without_browser,
    wait_for_photos,
)
from tests.support.console import make_user, sim_account
from tests.support.simulator import running_simulator

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

# The strip ends within the first 300 px on a desktop, within the first
# screen in a side panel.
STRIP_BOTTOM = {1280: 300, 420: SIDE_PANEL["height"]}
POLL_WAIT_MS = 12_000  # console.js polls every 5 s
OVERFLOW = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


def _interaction(session: Any, viewport: dict[str, int]) -> Any:
    page = session.new_page()
    page.set_viewport_size(viewport)
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    return page


def _fits(page: Any) -> None:
    scroll_width, inner_width = page.evaluate(OVERFLOW)
    assert scroll_width <= inner_width, (scroll_width, inner_width)


# --- the strip -------------------------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
def test_strip_is_in_the_first_screen(agent_session, viewport):
    page = _interaction(agent_session, viewport)
    strip = page.locator(".glance")
    expect(strip).to_be_visible()
    expect(strip).to_contain_text("Zoë Ångström")
    expect(strip).to_contain_text("AC-88213")
    expect(strip).to_contain_text("Motor Claim FNOL")
    expect(strip).to_contain_text("Completed")
    expect(strip).to_contain_text("Step 9: Claim submitted")
    expect(strip).to_contain_text("2 photos")
    assert page.evaluate("window.scrollY") == 0
    box = strip.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= STRIP_BOTTOM[viewport["width"]], box
    assert box["x"] + box["width"] <= viewport["width"], box
    # The first photo's thumbnail, once the Photos panel has loaded it.
    thumb = strip.locator(".glance-photo img")
    expect(thumb).to_be_visible()
    first = page.locator(".photo .thumb img").first
    assert thumb.get_attribute("src") == first.get_attribute("src")
    assert thumb.evaluate("(img) => img.complete && img.naturalWidth > 0")
    save_screenshot(page, f"interaction-{viewport['width']}")
    assert agent_session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_jump_link_moves_to_where_the_customer_stopped(agent_session, viewport):
    page = _interaction(agent_session, viewport)
    # Even with the timeline folded away, the jump opens it.
    page.locator("#panel-timeline > summary").click()
    expect(page.locator("#panel-timeline")).not_to_have_attribute("open", "")
    step = page.locator("#step-9")
    expect(step).to_be_hidden()

    page.get_by_role("link", name="Jump to where they stopped").click()

    expect(step).to_be_visible()
    expect(step).to_be_focused()
    assert page.evaluate("location.hash") == "#step-9"
    assert page.evaluate("window.scrollY") > 0
    box = step.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < viewport["height"] / 3, box
    expect(step).to_contain_text("Claim submitted")
    # The next Tab goes on from the step, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.getElementById('step-9').compareDocumentPosition("
        "document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert agent_session.problems.messages == []


def test_copy_summary_gives_where_they_stopped_and_the_console_link(
    agent_session, live_server
):
    agent_session.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page = _interaction(agent_session, DESKTOP)
    page.locator("#copy-summary").click()
    expect(page.locator("#copy-summary")).to_have_text("Copied")
    text = page.evaluate("navigator.clipboard.readText()")
    assert (
        "Stopped at: step 9, Claim submitted; last answer: "
        "Your phone number: 2125550100"
    ) in text
    assert "Customer: Zoë Ångström (ID AC-88213)" in text
    assert f"Console: {page.url}" in text.split("\n")


def test_strip_follows_a_live_interaction(roles, open_session):
    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = sim_account(NORTHWIND, sim.base_url)
        session = open_session(make_user("nina", "agent", [account]))
        page = session.new_page()
        page.set_viewport_size(SIDE_PANEL)
        page.goto(session.url(detail_path(LIVE_UNIQUE_ID, account.slug)))
        strip = page.locator(".glance")
        expect(strip).to_contain_text("Kenji Watanabe")
        expect(strip).to_contain_text("Live on step 3")
        expect(strip.locator(".glance-photos")).to_contain_text("none")
        last = page.locator(".step.is-last .badge-last")
        expect(last).to_have_text("Customer is on this step now")

        clock.advance(LIVE_PAGE_INTERVAL)  # step 4 asks for a photo of the lights
        expect(strip).to_contain_text("Live on step 4", timeout=POLL_WAIT_MS)
        expect(strip).to_contain_text("1 photo")
        expect(strip.locator(".glance-photo img")).to_be_visible()
        expect(page.locator("#step-4 .badge-last")).to_be_visible()
        save_screenshot(page, "live-420")
        assert axe_violations(page) == []

        clock.advance(LIVE_TOTAL_PAGES * LIVE_PAGE_INTERVAL)
        expect(strip).to_contain_text("Completed", timeout=POLL_WAIT_MS)
        expect(last).to_have_text("Last page reached")
        assert session.problems.messages == []


# --- the side panel --------------------------------------------------------------


def test_side_panel_puts_the_journey_before_the_variables(agent_session):
    page = _interaction(agent_session, SIDE_PANEL)
    bar = page.locator("header.topbar").bounding_box()
    assert bar is not None
    assert bar["height"] <= 48, bar  # one line
    order = [
        ".glance",
        "#panel-timeline",
        "#panel-photos",
        "#panel-answers",
        "#panel-variables",
    ]
    tops = [page.locator(selector).bounding_box()["y"] for selector in order]
    assert tops == sorted(tops), dict(zip(order, tops, strict=True))
    # Variables start folded; the agent opens them when needed.
    variables = page.locator("#panel-variables")
    assert variables.evaluate("(details) => details.open") is False
    variables.locator("> summary").click()
    assert variables.evaluate("(details) => details.open") is True
    _fits(page)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_interaction_page_fits_and_has_no_axe_violation(agent_session, viewport):
    skip_without_axe()
    page = _interaction(agent_session, viewport)
    _fits(page)
    assert axe_violations(page) == []
    assert agent_session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_candidates_fit_and_have_no_axe_violation(agent_session, viewport):
    skip_without_axe()
    page = agent_session.new_page()
    page.set_viewport_size(viewport)
    page.goto(agent_session.url("/"))
    page.get_by_label("Phone number or interaction ID").fill(SHARED_PHONE)
    page.keyboard.press("Enter")
    rows = page.locator("table.candidates tbody tr")
    expect(rows).to_have_count(2)
    _fits(page)
    for row in rows.all():
        box = row.bounding_box()
        assert box is not None
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= viewport["width"], box
    # A card per candidate still reads as a table row with its headers.
    cells = page.get_by_role("row").nth(1).get_by_role("cell")
    expect(cells.nth(1)).to_contain_text("Acme Insurance Billing Dispute")
    if viewport is SIDE_PANEL:
        # In a side panel each candidate is a card: its values one under another.
        tops = [cell.bounding_box()["y"] for cell in cells.all()]
        assert tops == sorted(set(tops)), tops
    save_screenshot(page, f"candidates-{viewport['width']}")
    assert axe_violations(page) == []
    assert agent_session.problems.messages == []


@pytest.fixture
def supervisor_session(open_session, supervisor, home, simulator) -> Any:
    """Sam, with two accounts, after views of both: history rows whose
    account names would break mid-word in a squeezed table."""
    northwind = sim_account(NORTHWIND, simulator.base_url)
    AccountAssignment.objects.create(user=supervisor, account=northwind)
    session = open_session(supervisor)
    page = session.new_page()
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    page.goto(session.url(detail_path("4412087", northwind.slug)))
    page.close()
    return session


@pytest.mark.parametrize("viewport", WIDTHS)
def test_review_fits_without_mid_word_breaks_and_no_axe_violation(
    supervisor_session, viewport
):
    skip_without_axe()
    page = supervisor_session.new_page()
    page.set_viewport_size(viewport)
    page.goto(supervisor_session.url("/review/"))
    table = page.locator("table.review-table")
    expect(table.locator("tbody tr").first).to_be_visible()
    _fits(page)
    # The table scrolls inside its own box when it is wider than the panel.
    wrap = page.locator(".review-table-wrap").bounding_box()
    assert wrap is not None
    assert wrap["x"] + wrap["width"] <= viewport["width"], wrap
    # Every word of a cell stays on one line: "Northwind" never "Northwi/nd".
    broken = table.evaluate(
        """(table) => [...table.querySelectorAll("td")].flatMap((cell) => {
             const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
             const found = [];
             for (let node = walker.nextNode(); node; node = walker.nextNode()) {
               for (const match of node.data.matchAll(/\\S+/g)) {
                 const range = document.createRange();
                 range.setStart(node, match.index);
                 range.setEnd(node, match.index + match[0].length);
                 const lines = new Set([...range.getClientRects()]
                   .filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                 if (lines.size > 1) found.push(match[0]);
               }
             }
             return found;
           })"""
    )
    assert broken == []
    expect(table).to_contain_text("Northwind Telecom")
    save_screenshot(page, f"review-{viewport['width']}")
    assert axe_violations(page) == []
    assert supervisor_session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_stored_copy_fits_and_has_no_axe_violation(supervisor_session, viewport):
    skip_without_axe()
    snapshot = InteractionSnapshot.objects.get(interaction_id=LEADING_ZERO_UNIQUE_ID)
    page = supervisor_session.new_page()
    page.set_viewport_size(viewport)
    page.goto(supervisor_session.url(f"/review/snapshots/{snapshot.pk}/"))
    wait_for_photos(page)
    expect(page.locator(".glance")).to_contain_text("Outcome then")
    _fits(page)
    assert axe_violations(page) == []
    assert supervisor_session.problems.messages == []


# --- the checker itself -----------------------------------------------------------


def test_axe_reports_what_it_finds(agent_session):
    # The zero-violation tests above mean something only if axe runs.
    skip_without_axe()
    page = _interaction(agent_session, DESKTOP)
    page.evaluate(
        """() => {
             const img = document.createElement("img");
             img.id = "no-alt";
             document.querySelector("main").append(img);
           }"""
    )
    violations = axe_violations(page)
    assert any(
        v.startswith("image-alt (critical)") and "#no-alt" in v for v in violations
    )
    assert agent_session.problems.messages == []
