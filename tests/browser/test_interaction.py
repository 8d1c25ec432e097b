"""The interaction page's scripted parts in a real browser: photos, lightbox,
answers filter and the copy button."""

from __future__ import annotations

import re

import pytest

from interactions.simulator.data import LEADING_ZERO_UNIQUE_ID
from tests.browser.helpers import detail_path, skip_without_browser, wait_for_photos

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def page(agent_session):
    page = agent_session.new_page()
    page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    expect(page.locator("h1 code.uid")).to_have_text(LEADING_ZERO_UNIQUE_ID)
    return page


# --- photos and the lightbox --------------------------------------------------


def test_thumbnails_load(page, agent_session):
    thumbs = page.locator(".photo .thumb img")
    expect(thumbs).to_have_count(2)
    wait_for_photos(page)
    sizes = thumbs.evaluate_all(
        "(images) => images.map((img) => [img.naturalWidth, img.naturalHeight])"
    )
    assert all(width > 0 and height > 0 for width, height in sizes), sizes
    expect(page.locator(".photo.is-broken")).to_have_count(0)
    expect(page.locator(".photo-error")).to_have_count(2)
    for error in page.locator(".photo-error").all():
        expect(error).to_be_hidden()
    assert agent_session.problems.messages == []


def test_lightbox_opens_cycles_and_returns_focus(page, agent_session):
    wait_for_photos(page)
    thumbs = page.locator(".photo .thumb")
    labels = page.locator(".photo .photo-label")
    captions = [labels.nth(i).inner_text().strip() for i in range(2)]
    fulls = [thumbs.nth(i).get_attribute("data-full") for i in range(2)]
    assert all(captions)
    assert captions[0] != captions[1]  # the file names tell them apart
    assert fulls[0] != fulls[1]

    lightbox = page.locator("dialog#lightbox")
    expect(lightbox).to_be_hidden()
    thumbs.first.click()

    expect(lightbox).to_be_visible()
    assert lightbox.evaluate("(dialog) => dialog.open && dialog.matches(':modal')")
    image = page.locator("#lightbox-image")
    caption = page.locator("#lightbox-caption")
    position = page.locator("#lightbox-position")
    expect(image).to_have_attribute("src", fulls[0])
    page.wait_for_function(
        "() => { const img = document.getElementById('lightbox-image');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    expect(caption).to_have_text(captions[0])
    expect(position).to_have_text("1 of 2")

    page.keyboard.press("ArrowRight")
    expect(position).to_have_text("2 of 2")
    expect(caption).to_have_text(captions[1])
    expect(image).to_have_attribute("src", fulls[1])

    # Past the last photo it wraps to the first.
    page.keyboard.press("ArrowRight")
    expect(position).to_have_text("1 of 2")
    expect(caption).to_have_text(captions[0])
    expect(image).to_have_attribute("src", fulls[0])

    page.keyboard.press("ArrowLeft")
    expect(position).to_have_text("2 of 2")

    page.keyboard.press("Escape")
    expect(lightbox).to_be_hidden()
    assert not lightbox.evaluate("(dialog) => dialog.open")
    expect(thumbs.first).to_be_focused()
    assert agent_session.problems.messages == []


def test_broken_photo_shows_the_reason_and_retry_recovers(agent_session, simulator):
    simulator.faults.corrupt_image()
    page = agent_session.new_page()
    page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    first = page.locator(".photo").first
    reason = first.locator(".photo-error .reason")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("Photo unavailable")
    expect(reason).to_contain_text("damaged")
    expect(first).to_have_class(re.compile(r"\bis-broken\b"))
    retry = first.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()
    # The placeholder image itself is shown in place of the photo.
    assert first.locator(".thumb img").evaluate("(img) => img.naturalWidth > 0")

    simulator.faults.clear()
    retry.click()

    expect(reason).to_be_hidden()
    expect(first.locator(".photo-error")).to_be_hidden()
    expect(first).not_to_have_class(re.compile(r"\bis-broken\b"))
    page.wait_for_function(
        "(item) => { const img = item.querySelector('.thumb img');"
        " return img.complete && img.naturalWidth > 0; }",
        arg=first.element_handle(),
    )
    # The other photo was not retried and still says why it is missing.
    expect(
        page.locator(".photo").nth(1).locator(".photo-error .reason")
    ).to_contain_text("damaged")
    assert agent_session.problems.messages == []


# --- answers filter -------------------------------------------------------------


def test_answers_filter_hides_non_matching_answers(page, agent_session):
    answers = page.locator(".answers .answer")
    total = answers.count()
    assert total >= 2
    texts = answers.evaluate_all(
        "(rows) => rows.map((row) => row.getAttribute('data-filter-text'))"
    )
    # A question label that some answers carry and others do not.
    question = page.locator(".answers .answer .answer-q").first.inner_text().strip()
    needle = question.lower()
    expected = [needle in text for text in texts]
    assert 0 < sum(expected) < total, (needle, texts)

    box = page.get_by_label("Filter answers")
    box.fill(question.upper())
    visible = answers.evaluate_all("(rows) => rows.map((row) => !row.hidden)")
    assert visible == expected
    for index, shown in enumerate(expected):
        if shown:
            expect(answers.nth(index)).to_be_visible()
        else:
            expect(answers.nth(index)).to_be_hidden()
    empty = page.get_by_text("No answer matches the filter.")
    expect(empty).to_be_hidden()

    box.fill("zqxj-no-such-answer")
    expect(empty).to_be_visible()
    for row in answers.all():
        expect(row).to_be_hidden()

    box.fill("")
    expect(empty).to_be_hidden()
    expect(answers.filter(visible=True)).to_have_count(total)
    assert agent_session.problems.messages == []


# --- copy summary ---------------------------------------------------------------


def test_copy_summary_puts_the_text_on_the_clipboard(agent_session, live_server):
    agent_session.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page = agent_session.new_page()
    page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    expect(page.get_by_role("button", name="Copy summary as text")).to_be_visible()
    # By id: the accessible name changes with the label.
    button = page.locator("#copy-summary")
    page.evaluate("navigator.clipboard.writeText('stale clipboard')")

    button.click()

    expect(button).to_have_text("Copied")
    text = page.evaluate("navigator.clipboard.readText()")
    assert f"X-Platform interaction {LEADING_ZERO_UNIQUE_ID}" in text
    assert "Answers:" in text
    assert "Account: Acme Insurance" in text
    assert text == page.locator("#summary-text").input_value()
    # The label comes back for the next copy.
    expect(button).to_have_text("Copy summary as text", timeout=5_000)
    assert agent_session.problems.messages == []


# --- regressions found by these tests ------------------------------------------


def test_lightbox_caption_time_is_the_agents_local_time(agent, open_session):
    session = open_session(agent, timezone_id="America/New_York")
    page = session.new_page()
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    label = page.locator(".photo .photo-label").first.inner_text().strip()
    page.locator(".photo .thumb").first.click()
    expect(page.locator("dialog#lightbox")).to_be_visible()
    # Both read "Step 6: Photos of the damage · HH:MM:SS".
    expect(page.locator("#lightbox-caption")).to_have_text(label)


def test_broken_thumbnail_does_not_open_another_or_an_empty_photo(
    agent_session, simulator
):
    simulator.faults.corrupt_image()
    page = agent_session.new_page()
    page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    photos = page.locator(".photo")
    expect(photos.and_(page.locator(".is-broken"))).to_have_count(2)
    simulator.faults.clear()
    photos.nth(1).get_by_role("button", name="Retry").click()
    expect(photos.nth(1)).not_to_have_class(re.compile(r"\bis-broken\b"))
    expect(photos.nth(0)).to_have_class(re.compile(r"\bis-broken\b"))

    photos.nth(0).locator(".thumb").click()

    lightbox = page.locator("dialog#lightbox")
    if lightbox.evaluate("(dialog) => dialog.open"):
        expect(page.locator("#lightbox-image")).to_have_attribute(
            "src",
            photos.nth(0).locator(".thumb").get_attribute("data-full"),
        )


@pytest.mark.parametrize(
    ("browser_time", "expected"),
    [
        # The agent's clock 20 s behind the server's: not "in 20 seconds".
        ("2025-06-02T10:59:40Z", "now"),
        # Far ahead is not clock drift: said as it is.
        ("2025-06-02T10:30:00Z", "in 30 minutes"),
        ("2025-06-02T11:20:00Z", "20 minutes ago"),
    ],
)
def test_last_activity_is_never_in_the_near_future(
    agent_session, browser_time, expected
):
    page = agent_session.new_page()
    page.clock.set_fixed_time(browser_time)
    page.goto(agent_session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    # The seeded interaction's last activity: 2025-06-02 11:00:00 UTC.
    last = page.locator("[data-section=status] time[data-relative]")
    expect(last).to_have_text(expected)
