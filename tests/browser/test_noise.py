"""Less noise in a real browser, at a desktop's 1280 px and a side panel's
420 px: the changed answer marked with what it was before, "not set" rows
and sets folded behind a disclosure that opens without JavaScript, readable
variable labels, and no axe-core violation, folded or open."""

from __future__ import annotations

from typing import Any

import pytest

from interactions.models import AccountAssignment
from interactions.simulator.data import BACK_NAVIGATION_UNIQUE_ID, LIVE_UNIQUE_ID
from tests.browser.helpers import (
    NORTHWIND,
    WIDTHS,
    axe_violations,
    detail_path,
    save_screenshot,
    skip_without_browser,
)
from tests.support.console import sim_account

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def _open(session: Any, viewport: dict[str, int], path: str) -> Any:
    page = session.new_page()
    page.set_viewport_size(viewport)
    page.goto(session.url(path))
    # Every panel open, as an agent who has read down the page.
    page.evaluate(
        "document.querySelectorAll('details.panel').forEach(d => d.open = true)"
    )
    return page


@pytest.mark.parametrize("viewport", WIDTHS)
def test_changed_answer_shows_what_it_was_before(agent_session, viewport):
    page = _open(agent_session, viewport, detail_path(BACK_NAVIGATION_UNIQUE_ID))
    answer = page.locator("#panel-answers .answer").filter(
        has_text="Which parts of the car are damaged?"
    )
    expect(answer).to_have_count(1)
    expect(answer.locator(".answer-a")).to_have_text("Rear bumper, Left door")
    expect(answer.locator(".changed")).to_be_visible()
    expect(answer.locator(".changed")).to_have_text("Changed — before: Rear bumper")
    step7 = page.locator("#step-7")
    expect(step7.locator(".changed")).to_have_text("Changed — before: Rear bumper")
    expect(page.locator("#step-5 .changed-later")).to_have_text(
        "Changed later, at step 7"
    )
    answer.scroll_into_view_if_needed()
    save_screenshot(page, f"noise-changed-{viewport['width']}")
    assert axe_violations(page) == []
    assert agent_session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_not_set_rows_are_folded_and_open_with_labels(
    agent_session, agent, simulator, viewport
):
    northwind = sim_account(NORTHWIND, simulator.base_url)
    northwind.variable_labels = "lightsStatus = Lights on the router"
    northwind.save()
    AccountAssignment.objects.create(user=agent, account=northwind)
    page = _open(agent_session, viewport, detail_path(LIVE_UNIQUE_ID, northwind.slug))
    routing = page.locator("section.variable-set[aria-labelledby=set-routingDataSet]")
    fold = routing.locator("details.fold")
    assert fold.locator("summary").inner_text() == "5 variables not set — show"
    expect(routing.locator("table")).to_be_hidden()
    device = page.locator("section.variable-set[aria-labelledby=set-deviceInfoSet]")
    expect(device.locator("table").first).to_be_visible()
    expect(device.locator(".var-label").first).to_have_text("Router model")
    expect(device.get_by_text("Lights on the router")).to_be_visible()
    expect(device.get_by_text("Firmware version")).to_be_hidden()
    # A failed set keeps its error in view.
    billing = page.locator("section.variable-set[aria-labelledby=set-billingDataSet]")
    expect(billing.locator(".section-error")).to_be_visible()
    device.scroll_into_view_if_needed()
    save_screenshot(page, f"noise-folded-{viewport['width']}")
    assert axe_violations(page) == []
    # Opened with the keyboard, the rows show and the summary says "hide".
    device.locator("details.fold summary").focus()
    page.keyboard.press("Enter")
    expect(device.get_by_text("Firmware version")).to_be_visible()
    summary = device.locator("details.fold summary")
    assert summary.inner_text() == "3 variables not set — hide"
    save_screenshot(page, f"noise-unfolded-{viewport['width']}")
    assert axe_violations(page) == []
    assert agent_session.problems.messages == []


def test_folds_open_without_javascript(open_session, agent, simulator):
    northwind = sim_account(NORTHWIND, simulator.base_url)
    AccountAssignment.objects.create(user=agent, account=northwind)
    session = open_session(agent, java_script_enabled=False)
    page = session.new_page()
    page.goto(session.url(detail_path(LIVE_UNIQUE_ID, northwind.slug)))
    device = page.locator("section.variable-set[aria-labelledby=set-deviceInfoSet]")
    expect(device.get_by_text("Firmware version")).to_be_hidden()
    device.locator("details.fold summary").click()
    expect(device.get_by_text("Firmware version")).to_be_visible()
