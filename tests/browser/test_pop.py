"""The screen pop (issue 13, docs/embedding.md) in a real Chromium at 1280
and 420 px: a CTI opens /pop#number=...; the caller's number never appears
in a URL the browser requests or keeps (its address, its history), in a log
line or unmasked in an access-log row, and every state of the page has no
axe-core violation.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from django.contrib.auth.models import User

from interactions.models import InteractionAccess
from interactions.simulator.data import SHARED_PHONE_UNIQUE_IDS
from tests.browser.helpers import axe_violations, save_screenshot, skip_without_browser
from tests.support.console import PASSWORD

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

SHARED = "+1 (212) 555-0100"  # two Acme interactions
# The caller's number, whole, in any form: typed, parsed or percent-encoded.
WHOLE_NUMBER = re.compile(r"212(\D|%[0-9A-F]{2}){0,6}555(\D|%[0-9A-F]{2}){0,3}0100")
FRAGMENT = f"#number={quote(SHARED)}&account=sim-acme"
WIDTHS = {
    "wide": {"width": 1280, "height": 720},
    "panel": {"width": 420, "height": 800},
}
CANDIDATES = re.compile("2 interactions match")


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def viewport(request: pytest.FixtureRequest) -> tuple[str, dict[str, int]]:
    return request.param, WIDTHS[request.param]


class Seen:
    """Every URL the page requested, navigated to or showed."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.navigations: list[str] = []

    def urls(self) -> list[str]:
        return self.requests + self.navigations


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def open_page(open_session, viewport, seen):
    def _open(user: User | None) -> tuple[Any, Any]:
        session = open_session(user, viewport=viewport[1])
        page = session.new_page()
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on(
            "framenavigated",
            lambda frame: (
                seen.navigations.append(frame.url) if frame == page.main_frame else None
            ),
        )
        return session, page

    return _open


def shot(page: Any, name: str, viewport: tuple[str, dict[str, int]]) -> None:
    save_screenshot(page, f"pop-{name}-{viewport[1]['width']}")


def history_urls(page: Any) -> list[str]:
    """The page's address after each step Back, until Back goes nowhere."""
    urls = [page.url]
    while page.go_back() is not None:
        urls.append(page.url)
    return urls


def assert_number_nowhere(seen: Seen, console_log: Any, page: Any) -> None:
    # The address the desktop set is the only place the fragment ever was:
    # Playwright reports the navigation it was asked for, then the address
    # without it; no request carried it.
    assert seen.requests
    assert [url for url in seen.requests if WHOLE_NUMBER.search(url)] == []
    assert [url for url in seen.requests if "#" in url] == []
    assert [url for url in seen.navigations[1:] if WHOLE_NUMBER.search(url)] == []
    assert not WHOLE_NUMBER.search(page.url)
    assert [url for url in history_urls(page) if WHOLE_NUMBER.search(url)] == []
    assert not WHOLE_NUMBER.search(console_log.text)
    # The search row holds the number masked; opening a page holds none.
    queries = set(InteractionAccess.objects.values_list("query_masked", flat=True))
    assert queries - {""} == {"+1 (•••) •••-0100"}


def test_a_popped_number_is_looked_up_and_never_in_a_url(
    agent, home, open_page, seen, console_log, viewport
):
    session, page = open_page(agent)
    posted: list[tuple[str, str]] = []

    def on_lookup(route: Any) -> None:
        # Where the page stands when it posts: the fragment is already gone.
        posted.append((page.url, route.request.post_data or ""))
        route.continue_()

    page.route("**/lookup", on_lookup)

    page.goto(session.url("/pop") + FRAGMENT)

    expect(page.get_by_role("heading", name=CANDIDATES)).to_be_visible()
    expect(page.locator("table.candidates")).to_contain_text("Zoë Ångström")
    assert len(posted) == 1
    assert posted[0][0] == session.url("/pop")
    assert f"query={quote_plus(SHARED)}" in posted[0][1]
    assert "csrfmiddlewaretoken=" in posted[0][1]
    assert re.fullmatch(r".*/lookup/r/[A-Za-z0-9_-]{16}", page.url)
    shot(page, "candidates", viewport)
    assert session.problems.messages == []
    assert_number_nowhere(seen, console_log, page)


def test_back_from_the_result_looks_nothing_up_again(agent, home, open_page, viewport):
    session, page = open_page(agent)
    page.goto(session.url("/pop") + FRAGMENT)
    expect(page.get_by_role("heading", name=CANDIDATES)).to_be_visible()

    page.go_back()

    # Chromium skips the pop's own entry (it left without a click); either
    # way the number is not in the address and nothing is looked up again.
    page.wait_for_timeout(500)
    assert not WHOLE_NUMBER.search(page.url)
    assert InteractionAccess.objects.count() == 1


def test_the_next_caller_popped_into_the_same_frame_is_looked_up(
    agent, home, open_page, viewport
):
    session, page = open_page(agent)
    page.goto(session.url("/pop"))
    expect(page.get_by_label("Phone number or interaction ID")).to_be_focused()
    assert axe_violations(page) == []
    shot(page, "form", viewport)

    # Only the fragment changes: the desktop's frame is not loaded again.
    # The caller as a desktop gives it: a tel: URI.
    page.evaluate(
        "(fragment) => { window.location.hash = fragment; }",
        f"#number={quote('tel:+12125550100;ext=1')}",
    )

    expect(page.get_by_role("heading", name=CANDIDATES)).to_be_visible()
    assert not WHOLE_NUMBER.search(page.url)


def test_a_pop_without_a_number_asks_for_one(agent, home, open_page, viewport):
    session, page = open_page(agent)

    page.goto(session.url("/pop") + "#account=sim-acme")

    expect(page.get_by_text("Your phone system sent no caller number")).to_be_visible()
    expect(page.get_by_label("Phone number or interaction ID")).to_be_focused()
    assert page.url == session.url("/pop")
    assert InteractionAccess.objects.count() == 0
    assert axe_violations(page) == []
    shot(page, "no-number", viewport)


def test_an_account_the_agent_lacks_is_ignored_not_searched(
    agent, home, open_page, viewport
):
    session, page = open_page(agent)

    page.goto(session.url("/pop") + f"#number={quote(SHARED)}&account=northwind")

    expect(page.get_by_role("heading", name=CANDIDATES)).to_be_visible()
    accounts = set(InteractionAccess.objects.values_list("account__slug", flat=True))
    assert accounts == {"sim-acme"}


def test_signed_out_the_pop_survives_the_sign_in_and_never_shows_the_number(
    agent, home, open_page, seen, console_log, viewport
):
    session, page = open_page(None)

    page.goto(session.url("/pop") + FRAGMENT)

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.url == session.url("/accounts/login/?next=/pop")
    shot(page, "sign-in", viewport)
    page.get_by_label("User name").fill(agent.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name=CANDIDATES)).to_be_visible()
    page.get_by_role("link", name="Zoë Ångström").first.click()
    expect(page.locator("h1 code.uid")).to_have_text(SHARED_PHONE_UNIQUE_IDS[0])
    # Taken once: the kept pop is gone from the tab.
    assert page.evaluate("sessionStorage.getItem('xpc-pop')") is None
    assert_number_nowhere(seen, console_log, page)


def test_the_signed_out_page_without_javascript_links_to_the_sign_in(
    open_session, home, viewport
):
    session = open_session(None, viewport=viewport[1], java_script_enabled=False)
    page = session.new_page()

    page.goto(session.url("/pop") + FRAGMENT)

    link = page.get_by_role("link", name="Sign in")
    expect(link).to_have_attribute("href", "/accounts/login/?next=/pop")
    expect(
        page.get_by_role("heading", name="Sign in to see the caller's journey")
    ).to_be_visible()
    shot(page, "signed-out", viewport)


def test_the_signed_out_page_has_no_axe_violations(open_session, home, viewport):
    session = open_session(None, viewport=viewport[1])
    page = session.new_page()
    page.goto(session.url("/pop"))  # nothing popped: the page stays

    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert axe_violations(page) == []


def test_without_javascript_the_pop_is_the_search_box(
    agent, open_session, home, viewport
):
    session = open_session(agent, viewport=viewport[1], java_script_enabled=False)
    page = session.new_page()
    page.goto(session.url("/pop") + FRAGMENT)

    page.get_by_label("Phone number or interaction ID").fill(SHARED)
    page.get_by_role("button", name="Look up").click()

    expect(page.get_by_role("heading", name=CANDIDATES)).to_be_visible()
