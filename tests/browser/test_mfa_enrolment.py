"""An admin's first sign-in in a real browser: enrolment of the second factor
with no CSP violation (the QR code is inline SVG), then the admin opens
(docs/security.md, R-AC-08, R-DJ-08)."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.helpers import skip_without_browser
from tests.support.console import PASSWORD

skip_without_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def test_first_admin_sign_in_enrols_without_csp_violations(admin_user, open_session):
    session = open_session()
    page = session.new_page()
    page.goto(session.url("/admin/"))
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(
        page.get_by_role("heading", name="Set up your second factor")
    ).to_be_visible()
    expect(page.locator("figure.mfa-qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    page.get_by_label("The six-digit code the app shows").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Accounts, users and roles")
    ).to_be_visible()
    assert session.problems.csp() == []
    # Django's admin pages name no icon, so the browser asks for /favicon.ico.
    others = [m for m in session.problems.messages if "/favicon.ico" not in m]
    assert others == []
