"""No dead ends around a lookup (issue 13), in a real Chromium at 1280 and
420 px: an idle sign-out keeps the search through the sign-in, a stale form
gets the console's page, Back from a picked candidate shows the candidates,
and the Look up button is busy while the X-Platform answers. The caller's
number never appears whole in a URL, a log line or an access-log row.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore

from interactions.models import AccountAssignment, InteractionAccess
from interactions.simulator.data import LEADING_ZERO_UNIQUE_ID, SHARED_PHONE_UNIQUE_IDS
from tests.browser.helpers import (
    ACME,
    NORTHWIND,
    axe_violations,
    save_screenshot,
    skip_without_browser,
)
from tests.support.console import PASSWORD, sim_account

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

SHARED = "+1 (212) 555-0100"
WHOLE_NUMBER = re.compile(r"212\D{0,3}555\D{0,2}0100")
WIDTHS = {
    "wide": {"width": 1280, "height": 720},
    "panel": {"width": 420, "height": 800},
}


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def viewport(request: pytest.FixtureRequest) -> tuple[str, dict[str, int]]:
    return request.param, WIDTHS[request.param]


@pytest.fixture
def both(supervisor: User, home, simulator) -> User:
    """Sam, the supervisor, of Acme and Northwind."""
    northwind = sim_account(NORTHWIND, simulator.base_url)
    AccountAssignment.objects.create(user=supervisor, account=northwind)
    return supervisor


@pytest.fixture
def requests_seen() -> list[str]:
    return []


@pytest.fixture
def open_page(open_session, viewport, requests_seen):
    """A page of ``user``'s browser at this test's width; every URL it
    requests is collected."""

    def _open(user: User) -> tuple[Any, Any]:
        session = open_session(user, viewport=viewport[1])
        page = session.new_page()
        page.on("request", lambda request: requests_seen.append(request.url))
        page.on("framenavigated", lambda frame: requests_seen.append(frame.url))
        return session, page

    return _open


RECORD_BUTTON_STATES = """() => {
  const button = document.querySelector(".lookup-form button[type=submit]");
  const status = document.querySelector("[data-busy-status]");
  new MutationObserver(() => {
    const states = JSON.parse(sessionStorage.getItem("busy") || "[]");
    states.push({busy: button.getAttribute("aria-busy"), disabled: button.disabled,
                 label: button.textContent, status: status.textContent});
    sessionStorage.setItem("busy", JSON.stringify(states));
  }).observe(button, {attributes: true, childList: true, characterData: true,
                      subtree: true});
  // Impatient: the form again and a click on the button, while it waits.
  const form = button.form;
  form.addEventListener("submit", () => {
    window.setTimeout(() => { form.requestSubmit(); button.click(); }, 200);
  }, {once: true});
}"""


# Busy as after a submit, without leaving the page.
BUSY_WITHOUT_LEAVING = """() => {
  window.addEventListener("submit", (event) => event.preventDefault(),
                          {capture: true, once: true});
  document.querySelector(".lookup-form").requestSubmit();
}"""
RESTORED_FROM_CACHE = """() => {
  window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true}));
}"""


def go_idle(session: Any, settings: Any) -> None:
    """The browser's session was last seen longer ago than the idle timeout."""
    cookie = next(c for c in session.context.cookies() if c["name"] == "sessionid")
    store = SessionStore(session_key=cookie["value"])
    store["xpc_last_seen"] = time.time() - settings.XPC_SESSION_IDLE_TIMEOUT - 60
    store.save()


def shot(page: Any, name: str, viewport: tuple[str, dict[str, int]]) -> None:
    """Each state the agent meets: kept as a screenshot, and free of axe-core
    violations at this width."""
    save_screenshot(page, f"dead-ends-{name}-{viewport[1]['width']}")
    assert axe_violations(page) == [], name


def test_idle_sign_out_then_sign_in_lands_on_the_lookup_with_the_query_kept(
    both, open_page, settings, viewport, requests_seen, console_log
):
    session, page = open_page(both)
    page.goto(session.url("/"))
    page.get_by_label("Phone number or interaction ID").fill(SHARED)
    page.get_by_label("Account").select_option(label="Acme Insurance")
    go_idle(session, settings)

    page.get_by_role("button", name="Look up").click()

    # The sign-in page, saying why; not a 405.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "You were signed out after 60 minutes without activity"
    )
    shot(page, "signed-out", viewport)
    page.get_by_label("User name").fill(both.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    box = page.get_by_label("Phone number or interaction ID")
    expect(box).to_have_value(SHARED)
    expect(page.get_by_label("Account")).to_have_value("sim-acme")
    expect(page.get_by_text("Your search is back in the box")).to_be_visible()
    assert page.url == session.url("/")
    shot(page, "resumed", viewport)

    page.get_by_role("button", name="Look up").click()
    expect(
        page.get_by_role("heading", name=re.compile("2 interactions match"))
    ).to_be_visible()
    assert session.problems.messages == []
    # Along the whole path: no URL, log line or access-log row holds the number.
    assert requests_seen
    assert [url for url in requests_seen if WHOLE_NUMBER.search(url)] == []
    assert not WHOLE_NUMBER.search(console_log.text)
    queries = list(InteractionAccess.objects.values_list("query_masked", flat=True))
    assert queries == ["+1 (•••) •••-0100"]


def test_a_stale_form_gets_the_consoles_page_and_a_way_back(
    agent, home, open_page, live_server, viewport
):
    session, page = open_page(agent)
    page.goto(session.url("/"))
    page.get_by_label("Phone number or interaction ID").fill("959595")
    # Signed in again in another tab: the form's token is no longer the one.
    session.context.add_cookies(
        [{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}]
    )

    with page.expect_response(lambda r: r.url.endswith("/lookup")) as answer:
        page.get_by_role("button", name="Look up").click()

    assert answer.value.status == 403
    expect(
        page.get_by_role("heading", name="This form was open too long")
    ).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("CSRF")
    expect(page.locator(".topbar")).to_be_visible()
    shot(page, "stale-form", viewport)
    page.get_by_role("link", name="Open the lookup").click()
    expect(page.get_by_label("Phone number or interaction ID")).to_be_focused()
    # Only the browser's note of the 403 itself.
    assert [m for m in session.problems.messages if "403" not in m] == []


def test_back_after_a_candidate_shows_the_candidates(agent, home, open_page, viewport):
    session, page = open_page(agent)
    page.goto(session.url("/"))
    page.get_by_label("Phone number or interaction ID").fill(SHARED)
    page.get_by_role("button", name="Look up").click()
    heading = page.get_by_role("heading", name=re.compile("2 interactions match"))
    expect(heading).to_be_visible()
    candidates_url = page.url
    assert re.fullmatch(r".*/lookup/r/[A-Za-z0-9_-]{16}", candidates_url)
    table = page.locator("table.candidates")
    expect(table).to_contain_text("Zoë Ångström")
    expect(table).to_contain_text("Call Return Number")
    shot(page, "candidates", viewport)

    page.get_by_role("link", name="Zoë Ångström").first.click()
    expect(page.locator("h1 code.uid")).to_have_text(SHARED_PHONE_UNIQUE_IDS[0])

    page.go_back()

    expect(heading).to_be_visible()
    assert page.url == candidates_url
    expect(page.get_by_label("Phone number or interaction ID")).to_have_value(SHARED)
    page.get_by_role("link", name="Zoë Ångström").nth(1).click()
    expect(page.locator("h1 code.uid")).to_have_text(SHARED_PHONE_UNIQUE_IDS[1])
    assert session.problems.messages == []


def test_look_up_is_busy_while_the_upstream_answers_and_sent_once(
    agent, home, open_page, simulator, viewport
):
    simulator.control(ACME.account_id, latency_ms=2500)
    session, page = open_page(agent)
    posts: list[str] = []
    page.on(
        "request",
        lambda request: posts.append(request.url) if request.method == "POST" else None,
    )
    page.goto(session.url("/"))
    box = page.get_by_label("Phone number or interaction ID")
    box.fill(LEADING_ZERO_UNIQUE_ID)
    button = page.locator(".lookup-form button[type=submit]")
    expect(button).to_have_attribute("aria-busy", "false")

    # Playwright waits for a navigation in flight before it reads the page,
    # so the page itself writes down each state of the button while the
    # X-Platform takes its 2.5 s; sessionStorage outlives the navigation.
    page.evaluate(RECORD_BUTTON_STATES)
    box.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(
        re.compile(f"/a/sim-acme/i/{LEADING_ZERO_UNIQUE_ID}/$"), timeout=15_000
    )
    states = page.evaluate("JSON.parse(sessionStorage.getItem('busy') || '[]')")
    assert {
        "busy": "true",
        "disabled": True,
        "label": "Looking up…",
        "status": "Looking up… the X-Platform server can take a few seconds to answer.",
    } in states
    assert len(posts) == 1

    page.go_back()
    restored = page.locator(".lookup-form button[type=submit]")
    expect(restored).to_have_text("Look up")
    expect(restored).to_be_enabled()
    expect(restored).to_have_attribute("aria-busy", "false")
    # A page restored from the back-forward cache keeps its scripts' state:
    # the pageshow handler makes the button usable again.
    page.evaluate(BUSY_WITHOUT_LEAVING)
    expect(restored).to_have_attribute("aria-busy", "true")
    expect(restored).to_have_text("Looking up…")
    shot(page, "busy", viewport)
    page.evaluate(RESTORED_FROM_CACHE)
    expect(restored).to_have_text("Look up")
    expect(restored).to_be_enabled()
    expect(restored).to_have_attribute("aria-busy", "false")
    expect(page.locator("[data-busy-status]")).to_have_text("")
    assert session.problems.messages == []
