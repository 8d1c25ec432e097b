"""The README's screenshots, taken again: `make screenshots`.

Not part of the test suite (the file name does not start with ``test_``):
pytest runs it only when named, with the browser tests' fixtures, so the
pages are the console's own, in the system Chromium, on the simulator's
demo data. Each PNG is written to docs/screenshots/ as one screen (not the
full page) and reduced to a 256-colour palette, which keeps the set to a few
hundred kilobytes.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from interactions.models import AccountAssignment, InteractionSnapshot
from interactions.simulator.clock import ManualClock
from interactions.simulator.data import (
    ACME_BILLING_UNIQUE_ID,
    HEBREW_UNIQUE_ID,
    LEADING_ZERO_UNIQUE_ID,
    LIVE_PAGE_INTERVAL,
    LIVE_UNIQUE_ID,
)
from tests.browser.helpers import (
    NORTHWIND,
    detail_path,
    skip_without_browser,
    wait_for_photos,
)
from tests.support.console import make_user, sim_account
from tests.support.simulator import running_simulator

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDE = {"width": 1280, "height": 800}
PANEL = {"width": 420, "height": 800}
SHARED = "+1 (212) 555-0100"


def save(page: Any, name: str) -> None:
    """One screen of ``page`` as docs/screenshots/<name>.png, palette PNG."""
    OUT.mkdir(parents=True, exist_ok=True)
    # The caret and the relative times would differ on every run otherwise.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    shot = Image.open(io.BytesIO(page.screenshot(animations="disabled")))
    small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(OUT / f"{name}.png", optimize=True)


def test_agent_pages(agent, home, open_session):
    session = open_session(agent, viewport=WIDE)
    page = session.new_page()

    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    expect(page.locator("h1 code.uid")).to_have_text(LEADING_ZERO_UNIQUE_ID)
    wait_for_photos(page)
    save(page, "interaction-1280")

    page.locator(".photo .thumb").first.click()
    expect(page.locator("dialog#lightbox")).to_be_visible()
    page.wait_for_function(
        "() => { const img = document.getElementById('lightbox-image');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    save(page, "lightbox")
    page.keyboard.press("Escape")

    page.goto(session.url("/"))
    page.get_by_label("Phone number or interaction ID").fill(SHARED)
    page.get_by_role("button", name="Look up").click()
    expect(
        page.get_by_role("heading", name=re.compile("2 interactions"))
    ).to_be_visible()
    save(page, "candidates")

    page.goto(session.url("/"))
    page.get_by_label("Phone number or interaction ID").fill("1-800-123-4567,040100713")
    save(page, "lookup")


def test_hebrew(agent, home, open_session):
    """The interaction page in Hebrew, right to left (the browser asks for he)."""
    session = open_session(agent, viewport=WIDE, locale="he-IL")
    page = session.new_page()
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    wait_for_photos(page)
    save(page, "interaction-he-1280")


def test_hebrew_customer(agent, home, open_session):
    """A customer who went through a Hebrew flow, in the English console: their
    text right to left and marked lang="he", the console's words in English."""
    session = open_session(agent, viewport=PANEL)
    page = session.new_page()
    page.goto(session.url(detail_path(HEBREW_UNIQUE_ID)))
    expect(page.locator(".glance-name")).to_have_attribute("lang", "he")
    save(page, "hebrew-customer-420")


def test_side_panel(agent, home, open_session):

    session = open_session(agent, viewport=PANEL)
    page = session.new_page()
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    expect(page.locator("h1 code.uid")).to_have_text(LEADING_ZERO_UNIQUE_ID)
    wait_for_photos(page)
    save(page, "interaction-420")


def test_live(roles, open_session):
    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = sim_account(NORTHWIND, sim.base_url)
        clock.advance(3 * LIVE_PAGE_INTERVAL)
        session = open_session(make_user("nina", "agent", [account]), viewport=WIDE)
        page = session.new_page()
        page.goto(session.url(detail_path(LIVE_UNIQUE_ID, account.slug)))
        expect(page.locator("#interaction")).to_have_attribute("data-live", "true")
        wait_for_photos(page)
        save(page, "live")
        session.context.close()


def test_review(agent, supervisor, home, open_session):
    AccountAssignment.objects.get_or_create(user=supervisor, account=home)
    session = open_session(agent, viewport=WIDE)
    page = session.new_page()
    for unique_id in (LEADING_ZERO_UNIQUE_ID, ACME_BILLING_UNIQUE_ID):
        page.goto(session.url(detail_path(unique_id)))
        expect(page.locator("h1 code.uid")).to_have_text(unique_id)
        page.wait_for_load_state("networkidle")
    page.context.close()

    review = open_session(supervisor, viewport=WIDE)
    page = review.new_page()
    page.goto(review.url(reverse("interactions:review")))
    expect(page.locator("table")).to_be_visible()
    save(page, "review")

    snapshot = InteractionSnapshot.objects.filter(
        interaction_id=LEADING_ZERO_UNIQUE_ID
    ).latest("pk")
    page.goto(review.url(reverse("interactions:review-snapshot", args=[snapshot.pk])))
    page.wait_for_load_state("networkidle")
    save(page, "snapshot")


def test_dark_and_print(agent, home, open_session):
    """The interaction page in the dark theme (the system's choice, the agent
    on Auto) at both widths, and its print view on one A4 sheet's width."""
    for viewport, name in (
        (WIDE, "interaction-dark-1280"),
        (PANEL, "interaction-dark-420"),
    ):
        session = open_session(agent, viewport=viewport, color_scheme="dark")
        page = session.new_page()
        page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
        expect(page.locator("h1 code.uid")).to_have_text(LEADING_ZERO_UNIQUE_ID)
        wait_for_photos(page)
        save(page, name)
        session.context.close()

    # A4 at 96 dpi is 794 x 1123 px: the first sheet as the printer gets it.
    session = open_session(agent, viewport={"width": 794, "height": 1123})
    page = session.new_page()
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    page.emulate_media(media="print")
    save(page, "print")
