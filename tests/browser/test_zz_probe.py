import pytest
from interactions.models import InteractionSnapshot, AccountAssignment
from interactions.simulator.data import LEADING_ZERO_UNIQUE_ID, SHARED_PHONE, NORTHWIND_BILLING_UNIQUE_ID
from tests.browser.helpers import detail_path, skip_without_browser, axe_violations, wait_for_photos, NORTHWIND
from tests.support.console import sim_account
skip_without_browser()
pytestmark = pytest.mark.browser

def test_probe(open_session, supervisor, home, simulator):
    nw = sim_account(NORTHWIND, simulator.base_url)
    AccountAssignment.objects.create(user=supervisor, account=nw)
    s = open_session(supervisor)
    page = s.new_page()
    page.goto(s.url(detail_path(LEADING_ZERO_UNIQUE_ID)))
    wait_for_photos(page)
    page.goto(s.url(detail_path(NORTHWIND_BILLING_UNIQUE_ID, nw.slug)))
    for w in (1280, 420):
        page.set_viewport_size({"width": w, "height": 720})
        page.goto(s.url("/review/"))
        print(w, "review", axe_violations(page), page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]"))
        page.screenshot(path=f"/tmp/r-{w}.png", full_page=True)
        print(page.evaluate('() => [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > innerWidth + 1).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).slice(0, 15)'))
        snap = InteractionSnapshot.objects.order_by("pk").first()
        page.goto(s.url(f"/review/snapshots/{snap.pk}/"))
        wait_for_photos(page)
        print(w, "snap", axe_violations(page), page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]"))
        page.screenshot(path=f"/tmp/s-{w}.png")
    print(s.problems.messages)
