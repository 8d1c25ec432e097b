"""Themes and print in a real browser (issue 14): every console, error and
admin page state with no axe-core violation in light and dark, chosen by the
system (Playwright's color_scheme, the person on Auto) or by the toggle, and
in Hebrew, at 1280 and 420 px; the choice follows the person to another
browser; the focus ring keeps 3:1 in dark; the interaction page prints as
one document with no controls and every folded part open."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from interactions import ratelimit, services
from interactions.models import AccountAssignment, InteractionSnapshot
from interactions.simulator.data import (
    LEADING_ZERO_UNIQUE_ID,
    LIVE_UNIQUE_ID,
    SHARED_PHONE,
)
from tests.browser.admin_pages import (
    ACCOUNT_BULK_DELETES,
    IDENTITY_BULK_DELETES,
    BulkDelete,
    account_pages,
    admin_rows,
    identity_pages,
    superuser_pages,
)
from tests.browser.conftest import Session
from tests.browser.helpers import (
    NORTHWIND,
    WIDTHS,
    axe_violations,
    detail_path,
    save_screenshot,
    skip_without_browser,
    wait_for_photos,
)
from tests.browser.test_live_keyboard import RING, contrast
from tests.support.console import PASSWORD, logged_in_verified, sim_account

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

# The page's background in each theme (--bg of static/css/console.css).
LIGHT_BG = "rgb(244, 246, 249)"
DARK_BG = "rgb(15, 20, 26)"
# (system colour scheme, button pressed in the toggle or None for Auto,
# the background the page must have, the browser's language).
THEMES = [
    pytest.param(("light", None, LIGHT_BG, "en-US"), id="light"),
    pytest.param(("dark", None, DARK_BG, "en-US"), id="auto-dark"),
    pytest.param(("light", "dark", DARK_BG, "en-US"), id="chosen-dark"),
    pytest.param(("dark", "light", LIGHT_BG, "en-US"), id="chosen-light"),
]
# The same pages in Hebrew, right to left, in both colours (issue 14).
THEMES_AND_HEBREW = [
    *THEMES,
    pytest.param(("light", None, LIGHT_BG, "he-IL"), id="he-light"),
    pytest.param(("dark", None, DARK_BG, "he-IL"), id="he-auto-dark"),
]
BODY_BG = "() => getComputedStyle(document.body).backgroundColor"


def _themed(
    open_session: Callable[..., Session],
    user: Any,
    theme: tuple[str, str | None, str, str],
    viewport: dict[str, int],
) -> tuple[Session, Any]:
    """A session of ``user`` in ``theme``, its choice made with the toggle."""
    scheme, choice, _, locale = theme
    session = open_session(user, viewport=viewport, color_scheme=scheme, locale=locale)
    page = session.new_page()
    if choice is not None:
        page.goto(session.url("/"))
        _choose(page, choice)
    return session, page


def _choose(page: Any, value: str) -> None:
    """Press the toggle's button for ``value`` (light, dark, auto), in any
    language."""
    button = page.locator(f'.theme-choices button[name="theme"][value="{value}"]')
    button.click()
    expect(
        page.locator(f'.theme-choices button[name="theme"][value="{value}"]')
    ).to_have_attribute("aria-pressed", "true")


def _check(page: Any, theme: tuple[str, str | None, str, str], state: str) -> list[str]:
    """The page is in ``theme``'s colours; its axe-core violations, named."""
    assert page.evaluate(BODY_BG) == theme[2], state
    return [f"{state}: {line}" for line in axe_violations(page)]


def _mark_new(page: Any) -> None:
    """What console.js's markNew leaves after a live refresh: the flash and
    a New badge on the last step, an answer and a photo."""
    page.evaluate(
        """() => {
          for (const [item, title] of [[".timeline .step:last-child", ".step-title"],
                                       [".answer:last-child", ".answer-q"],
                                       [".photo:last-child", ".photo-label"]]) {
            const node = document.querySelector(item);
            if (!node) continue;
            node.classList.add("is-new");
            const badge = document.createElement("span");
            badge.className = "badge badge-new";
            badge.textContent = "New";
            node.querySelector(title).append(" ", badge);
          }
        }"""
    )


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("theme", THEMES_AND_HEBREW)
def test_agent_pages_have_no_axe_violation(agent, home, open_session, theme, viewport):
    session, page = _themed(open_session, agent, theme, viewport)
    found: list[str] = []

    page.goto(session.url("/"))
    found += _check(page, theme, "lookup")

    page.locator("#id_query").fill("0000000")
    page.locator(".lookup-form button[type=submit]").click()
    expect(page.locator(".alert").first).to_be_visible()
    found += _check(page, theme, "nothing found")

    page.locator("#id_query").fill(SHARED_PHONE)
    page.locator(".lookup-form button[type=submit]").click()
    expect(page.locator("#candidates-heading")).to_contain_text("2")
    found += _check(page, theme, "candidates")

    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    _mark_new(page)
    page.keyboard.press("Tab")
    found += _check(page, theme, "interaction")
    name = f"{theme[3]}-{theme[0]}-{theme[1] or 'auto'}-{viewport['width']}"
    save_screenshot(page, f"theme-interaction-{name}")

    page.locator(".photo .thumb").first.click()
    expect(page.locator("dialog#lightbox")).to_be_visible()
    page.wait_for_function(
        "() => { const img = document.getElementById('lightbox-image');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    found += _check(page, theme, "photo viewer")
    page.keyboard.press("Escape")

    page.locator("[data-shortcuts-open]").click()
    expect(page.locator("dialog.shortcuts")).to_be_visible()
    found += _check(page, theme, "shortcuts")
    assert found == [], "\n".join(found)
    assert session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("theme", THEMES_AND_HEBREW)
def test_review_pages_have_no_axe_violation(
    agent, supervisor, home, open_session, theme, viewport
):
    AccountAssignment.objects.get_or_create(user=supervisor, account=home)
    viewer = open_session(agent)
    page = viewer.new_page()
    page.goto(viewer.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    viewer.context.close()
    snapshot = InteractionSnapshot.objects.get(interaction_id=LEADING_ZERO_UNIQUE_ID)

    session, page = _themed(open_session, supervisor, theme, viewport)
    found: list[str] = []
    page.goto(session.url(reverse("interactions:review")))
    found += _check(page, theme, "history")
    page.goto(
        session.url(
            reverse(
                "interactions:review-access-log",
                args=[home.slug, LEADING_ZERO_UNIQUE_ID],
            )
        )
    )
    found += _check(page, theme, "access log")
    page.goto(session.url(reverse("interactions:review-snapshot", args=[snapshot.pk])))
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    found += _check(page, theme, "stored copy")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["en-US", "he-IL"])
def test_sign_in_pages_follow_the_system(open_session, roles, scheme, viewport, locale):
    session = open_session(viewport=viewport, color_scheme=scheme, locale=locale)
    page = session.new_page()
    background = DARK_BG if scheme == "dark" else LIGHT_BG
    # The admin sign-in's body: Django's --darkened-bg of each theme.
    admin_background = "rgb(33, 33, 33)" if scheme == "dark" else "rgb(248, 248, 248)"
    direction = "rtl" if locale == "he-IL" else "ltr"
    found: list[str] = []
    page.goto(session.url(reverse("login")))
    found += _check(page, ("", None, background, locale), "console sign-in")
    page.goto(session.url(reverse("admin:login")))
    assert page.evaluate("document.documentElement.dataset.theme") == "auto"
    assert page.evaluate("document.documentElement.dir") == direction
    assert page.evaluate(BODY_BG) == admin_background
    found += [f"admin sign-in: {line}" for line in axe_violations(page)]
    assert found == [], "\n".join(found)
    assert session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("theme", THEMES_AND_HEBREW)
def test_error_pages_have_no_axe_violation(
    agent, home, open_session, settings, monkeypatch, theme, viewport
):
    """Each error page as an agent meets it: a missing page and interaction,
    a stale form, the rate limit, a server error, an account whose key the
    console cannot use."""
    session, page = _themed(open_session, agent, theme, viewport)
    found: list[str] = []

    def check(state: str, status: int, response: Any) -> None:
        assert response.status == status, state
        found.extend(_check(page, theme, state))

    check("not found", 404, page.goto(session.url("/no-such-page")))
    check("no such interaction", 404, page.goto(session.url(detail_path("9999999"))))

    page.goto(session.url("/"))
    page.locator("#id_query").fill("959595")
    # Signed in again in another tab: the form's token is no longer the one.
    session.context.add_cookies(
        [{"name": "csrftoken", "value": "x" * 32, "url": session.base_url}]
    )
    with page.expect_response(lambda r: r.url.endswith("/lookup")) as answer:
        page.locator(".lookup-form button[type=submit]").click()
    check("stale form", 403, answer.value)

    settings.XPC_RATE_LIMIT_INTERACTION = 1
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    check("rate limited", 429, page.goto(session.url(detail_path("9999999"))))
    settings.XPC_RATE_LIMIT_INTERACTION = 120
    cache.clear()
    ratelimit.reset_local_counters()

    def fails(**_: Any) -> None:
        raise RuntimeError("a bug")

    with monkeypatch.context() as patch:
        patch.setattr(services, "interaction_open", fails)
        response = page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    # The 500 page stands alone (no session, no theme): axe only.
    assert response.status == 500
    found += [f"server error: {line}" for line in axe_violations(page)]

    # As an admin changes it (a save, so the kept accounts are renewed).
    home.application_key = "acme\u00a0key"
    home.save(update_fields=["application_key"])
    check("unavailable", 503, page.goto(session.url(detail_path("040100714"))))
    assert found == [], "\n".join(found)
    # Only the browser's notes of the error statuses themselves.
    assert [m for m in session.problems.messages if "status of" not in m] == []


def _admin_session(
    open_session: Callable[..., Session], admin_user: Any, **options: Any
) -> Session:
    """Ada in a browser, her session past the second factor as the admin asks."""
    session = open_session(**options)
    client = logged_in_verified(admin_user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    session.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": session.base_url,
            }
        ]
    )
    return session


# Django's admin, dark: its own body background (admin/css/dark_mode.css).
ADMIN_DARK_BG = "rgb(18, 18, 18)"
ADMIN_LIGHT_BG = "rgb(255, 255, 255)"
# Admin states saved as screenshots with XPC_BROWSER_SCREENSHOTS=1, to be
# looked at (helpers.save_screenshot).
ADMIN_SCREENSHOTS = {
    "delete assignment",
    "delete selected sso mappings",
    "superuser delete account",
    "reset second factor",
    "api tokens",
    "api token",
    "api token created",
    "new assignment, user picker open",
}


class AdminAudit:
    """One admin's browser in one theme, and what axe found on each page
    state it was shown: one signed-in session visits every page of a case."""

    def __init__(
        self,
        open_session: Callable[..., Session],
        user: Any,
        theme: tuple[str, str | None, str, str],
        viewport: dict[str, int],
    ) -> None:
        scheme, choice, background, locale = theme
        self.session = _admin_session(
            open_session, user, viewport=viewport, color_scheme=scheme, locale=locale
        )
        self.page = self.session.new_page()
        self.page.goto(self.session.url(reverse("admin:index")))
        if choice is not None:
            _choose(self.page, choice)
        self.background = ADMIN_DARK_BG if background == DARK_BG else ADMIN_LIGHT_BG
        self.language = locale.split("-")[0]
        self.case = f"{locale}-{scheme}-{choice or 'auto'}-{viewport['width']}"
        self.found: list[str] = []

    def check(self, state: str) -> None:
        """The page as it stands: in the theme and the language, its axe
        violations noted."""
        page = self.page
        assert page.evaluate(BODY_BG) == self.background, state
        assert page.evaluate("document.documentElement.lang") == self.language, state
        if self.language != "en":
            # Django's yes/no icons say True and False; admin-a11y.js translates.
            english = page.locator('img[alt="True"], img[alt="False"], img[alt="None"]')
            assert english.count() == 0, state
        self.found += [f"{state}: {line}" for line in axe_violations(page)]
        if state in ADMIN_SCREENSHOTS:
            save_screenshot(page, f"admin-{state.replace(' ', '-')}-{self.case}")

    def visit(self, states: list[tuple[str, str]]) -> None:
        for state, path in states:
            response = self.page.goto(self.session.url(path))
            assert response.status == 200, state
            self.check(state)

    def bulk_delete(self, bulk: BulkDelete) -> None:
        """What the "delete selected" action answers for one row."""
        page = self.page
        page.goto(self.session.url(reverse(f"admin:{bulk.changelist}")))
        rows = page.locator("#result_list tbody tr")
        if bulk.row is not None:
            rows = rows.filter(has_text=bulk.row)
        rows.first.locator("input.action-select").check()
        page.locator("select[name=action]").select_option("delete_selected")
        page.locator("button[name=index]").click()
        expect(page.locator("body.delete-confirmation")).to_be_attached()
        confirm = page.locator('input[name="post"][value="yes"]')
        expect(confirm).to_have_count(0 if bulk.refused else 1)
        self.check(bulk.state)

    def assert_clean(self) -> None:
        assert self.found == [], "\n".join(self.found)
        # Not one Content Security Policy report, console error or script error.
        assert self.session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("theme", THEMES_AND_HEBREW)
def test_admin_pages_have_no_axe_violation(
    admin_user, agent, home, open_session, theme, viewport
):
    """Accounts, assignments, users, roles and the logs, as a tenant admin
    meets them, the pickers of an assignment empty, open and refused."""
    rows = admin_rows(admin_user, home, agent)
    audit = AdminAudit(open_session, admin_user, theme, viewport)
    audit.visit(account_pages(rows))
    for bulk in ACCOUNT_BULK_DELETES:
        audit.bulk_delete(bulk)
    page = audit.page

    page.goto(audit.session.url(reverse("admin:interactions_accountassignment_add")))
    page.locator("#id_user + .select2-container .select2-selection").click()
    expect(page.locator("#select2-id_user-results [role=option]").first).to_be_visible()
    audit.check("new assignment, user picker open")
    page.keyboard.press("Escape")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()
    audit.check("new assignment, refused")

    # A row added to an inline table: its picker starts empty.
    for state, path in [
        (
            "account, assigned user added",
            reverse("admin:interactions_xplatformaccount_change", args=[home.pk]),
        ),
        ("user, account added", reverse("admin:auth_user_change", args=[agent.pk])),
    ]:
        page.goto(audit.session.url(path))
        page.locator(".add-row a").click()
        expect(page.locator(".inline-group tr[class*='dynamic-']").last).to_be_visible()
        audit.check(state)
    audit.assert_clean()


def test_autocomplete_pickers_are_named_by_their_labels(
    admin_user, agent, home, open_session
):
    """Django's select2 pickers (admin/js/autocomplete.js) as admin-a11y.js
    mends them: each combobox is named by its field's label, with or
    without a value; its open list and search box by the same label, inside
    the page's main landmark; the label moves focus to the combobox."""
    session = _admin_session(open_session, admin_user)
    page = session.new_page()
    page.goto(session.url(reverse("admin:interactions_accountassignment_add")))
    user = page.get_by_role("combobox", name="User:", exact=True)
    expect(user).to_be_visible()
    expect(page.get_by_role("combobox", name="Account:", exact=True)).to_be_visible()
    page.locator("label[for=id_user]").click()
    expect(user).to_be_focused()
    page.keyboard.press("Enter")
    results = page.get_by_role("listbox", name="User:")
    expect(results.get_by_role("option", name=agent.username)).to_be_visible()
    assert user.get_attribute("aria-controls") == "select2-id_user-results"
    expect(page.locator("main .select2-dropdown")).to_be_visible()
    expect(page.get_by_role("searchbox", name="User:")).to_be_focused()
    results.get_by_role("option", name=agent.username).click()
    expect(user).to_have_text(re.compile(agent.username))
    assert user.get_attribute("aria-controls") is None
    # A row added to an account's inline table: named by its column.
    page.goto(session.url(reverse("admin:auth_user_change", args=[agent.pk])))
    page.locator(".add-row a").click()
    expect(
        page.get_by_role("combobox", name="Account", exact=True).last
    ).to_be_visible()
    assert session.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("theme", THEMES_AND_HEBREW)
def test_admin_identity_pages_have_no_axe_violation(
    admin_user, agent, home, open_session, theme, viewport
):
    """Single sign-on, API tokens, second factors and lockouts, as a tenant
    admin meets them: a new token shown once, tokens revoked."""
    rows = admin_rows(admin_user, home, agent)
    audit = AdminAudit(open_session, admin_user, theme, viewport)
    audit.visit(identity_pages(rows))
    for bulk in IDENTITY_BULK_DELETES:
        audit.bulk_delete(bulk)
    page = audit.page

    page.goto(audit.session.url(reverse("admin:identity_apitoken_add")))
    page.locator("#id_user").select_option(str(agent.pk))
    page.locator("#id_name").fill("CTI Genesys staging")
    page.locator("input[name=_save]").click()
    expect(page.locator("#api-token")).to_be_visible()
    audit.check("api token created")

    page.goto(audit.session.url(reverse("admin:identity_apitoken_changelist")))
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("revoke")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    audit.check("api tokens, one revoked")
    audit.assert_clean()


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("theme", THEMES_AND_HEBREW)
def test_superuser_admin_pages_have_no_axe_violation(
    admin_user, agent, home, open_session, theme, viewport
):
    """The pages a superuser's admin differs in: roles and their permission
    pickers, users with permissions and the superuser flag, the deletes
    only a superuser may make."""
    rows = admin_rows(admin_user, home, agent)
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    audit = AdminAudit(open_session, root, theme, viewport)
    audit.visit(superuser_pages(rows, root))
    audit.assert_clean()


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("theme", THEMES_AND_HEBREW)
def test_second_factor_pages_have_no_axe_violation(
    admin_user, home, open_session, theme, viewport
):
    """The console's own second-factor pages an admin meets on the way into
    the admin (identity/mfa_views.py): enrolment, a wrong code, the recovery
    codes; then, in another browser, the code asked for and refused."""
    enrolling, page = _themed(open_session, admin_user, theme, viewport)
    found: list[str] = []
    setup = enrolling.url(reverse("mfa-setup") + "?next=/admin/")
    page.goto(setup)
    expect(page.locator("figure.mfa-qr svg")).to_be_visible()
    found += _check(page, theme, "enrolment")
    page.locator("#id_code").fill("000000")
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator(".alert-error")).to_be_visible()
    found += _check(page, theme, "enrolment, wrong code")
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    device.throttle_reset()  # as if the admin waited for the app's next code
    page.locator("#id_code").fill(f"{totp(device.bin_key):06d}")
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    found += _check(page, theme, "recovery codes")

    # Another browser, signed in with the password only: the code is asked.
    scheme, _, _, locale = theme
    verifying = open_session(
        admin_user, viewport=viewport, color_scheme=scheme, locale=locale
    )
    page = verifying.new_page()
    page.goto(verifying.url(reverse("admin:index")))
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa-verify"))))
    found += _check(page, theme, "code asked")
    page.locator("#id_code").fill("000000")
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator(".alert-error")).to_be_visible()
    found += _check(page, theme, "code refused")
    assert found == [], "\n".join(found)
    assert enrolling.problems.messages == []
    assert verifying.problems.messages == []


def test_the_choice_follows_the_person_to_another_browser(agent, home, open_session):
    first = open_session(agent, color_scheme="light")
    page = first.new_page()
    page.goto(first.url("/"))
    assert page.evaluate(BODY_BG) == LIGHT_BG
    _choose(page, "dark")
    assert page.evaluate(BODY_BG) == DARK_BG
    first.context.close()

    # Another browser, signed in afresh, its system light: still dark, from
    # the first paint (the attribute comes with the HTML).
    second = open_session(agent, color_scheme="light")
    page = second.new_page()
    response = page.goto(second.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    assert 'data-theme="dark"' in response.text()
    assert page.evaluate(BODY_BG) == DARK_BG
    expect(
        page.get_by_role("group", name="Theme").get_by_role("button", name="Dark")
    ).to_have_attribute("aria-pressed", "true")
    assert second.problems.messages == []


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize(
    "selector", ["button.copy", "#answers-filter", ".photo .thumb", ".topbar a.brand"]
)
def test_focus_ring_stands_out_at_least_3_to_1_in_dark(
    agent, home, open_session, viewport, selector
):
    session = open_session(agent, viewport=viewport, color_scheme="dark")
    page = session.new_page()
    page.goto(session.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    page.keyboard.press("Tab")
    page.locator(selector).first.focus()
    ring = page.evaluate(RING)
    assert ring["visible"] is True
    assert contrast(ring["ring"], ring["halo"]) >= 3
    against = max(
        contrast(ring["ring"], ring["background"]),
        contrast(ring["halo"], ring["background"]),
    )
    assert against >= 3, ring


# --- print ---------------------------------------------------------------------

CONTROLS = [
    ".topnav",
    ".whoami",
    ".site-foot",
    "#copy-summary",
    "[data-shortcuts-open]",
    "#answers-filter",
    "button.copy",
]


def _northwind_page(open_session, agent, simulator, **options: Any) -> Any:
    northwind = sim_account(NORTHWIND, simulator.base_url)
    AccountAssignment.objects.create(user=agent, account=northwind)
    session = open_session(agent, **options)
    page = session.new_page()
    page.goto(session.url(detail_path(LIVE_UNIQUE_ID, northwind.slug)))
    expect(page.locator("details.fold").first).to_be_attached()
    return page


def test_print_shows_one_document_without_controls(
    agent, home, open_session, simulator
):
    page = _northwind_page(open_session, agent, simulator, color_scheme="dark")
    page.locator("#panel-variables > summary").click()  # the agent folded it
    fold_rows = page.locator("details.fold table")
    expect(fold_rows.first).to_be_hidden()
    page.emulate_media(media="print")
    for selector in CONTROLS:
        expect(page.locator(selector).first).to_be_hidden()
    assert page.locator("button:visible:not(.thumb)").count() == 0
    # The folded panel and the folded "not set" rows print.
    expect(page.locator("#panel-variables .variable-set").first).to_be_visible()
    expect(fold_rows.first).to_be_visible()
    # Paper is white, whatever the screen's theme.
    assert page.evaluate(BODY_BG) == "rgb(255, 255, 255)"
    # A step is never cut in two at a page break.
    assert page.locator(".timeline .step").first.evaluate(
        "(node) => getComputedStyle(node).breakInside"
    ) in ("avoid", "avoid-page")
    save_screenshot(page, "print")


def test_printing_opens_the_folded_parts_and_closes_them_again(
    agent, home, open_session, simulator
):
    page = _northwind_page(open_session, agent, simulator)
    page.locator("#panel-variables > summary").click()
    closed = "() => [...document.querySelectorAll('details:not([open])')].length"
    before = page.evaluate(closed)
    assert before >= 2  # the panel and at least one fold
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate(closed) == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate(closed) == before
    expect(page.locator("#panel-variables")).not_to_have_attribute("open", "")
