"""Sign-in lockout per user name and address, and the per-address limit on
password checks (docs/security.md, R-AC-03).

The lockout keys on user name *and* address: 30 wrong passwords for Agnes
from one address lock Agnes there only; Sam on the same address (the same
NAT) and Agnes elsewhere still sign in. The per-address limit answers 429
before any password hash is computed.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver, reverse
from freezegun import freeze_time

from tests.support.console import PASSWORD, logged_in_verified, make_user
from tests.support.hashers import PATH as COUNTING_HASHER
from tests.support.hashers import CountingHasher

FLOOR = "203.0.113.7"  # one NAT address for a whole floor
ELSEWHERE = "198.51.100.20"
LOCKED = "Too many failed sign-ins for this user name from your address."
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _counting_hasher(settings):
    settings.PASSWORD_HASHERS = [COUNTING_HASHER]


@pytest.fixture(autouse=True)
def _loaded_before_the_clock_stops(db):
    """Import the URLconf (and what it imports) with the real clock: modules
    first imported under freezegun keep its fake datetime class for good."""
    get_resolver().url_patterns  # noqa: B018


@pytest.fixture
def hashes():
    """Hashes computed from here on (fixtures' user creation excluded)."""
    start = CountingHasher.hashes
    return lambda: CountingHasher.hashes - start


def sign_in(
    username: str,
    password: str,
    *,
    address: str = FLOOR,
    url: str = LOGIN,
    client: Client | None = None,
) -> Any:
    client = client or Client()
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_thirty_wrong_passwords_lock_that_name_for_that_address_only(
    agent, supervisor, hashes
):
    """The issue's "must show", with the default settings (limit 10, 15 min,
    30 failed checks per address and minute)."""
    with freeze_time("2026-12-01 09:00:00"):
        statuses = [sign_in("agnes", f"wrong-{n}").status_code for n in range(30)]
        # Nine plain failures; the tenth locks; the rest are refused.
        assert statuses == [200] * 9 + [429] * 21
        # Only the ten allowed attempts were hashed; twenty were refused first.
        assert hashes() == 10

        locked = sign_in("agnes", PASSWORD)  # the right password
        assert locked.status_code == 429
        text = locked.content.decode()
        assert f"{LOCKED} Try again in 15 minutes." in text
        assert 'name="password"' in text  # the sign-in page, re-rendered
        assert "_auth_user_id" not in locked.wsgi_request.session

        # Sam on the same floor address, and Agnes from elsewhere, sign in.
        assert sign_in("sam", PASSWORD).status_code == 302
        assert sign_in("agnes", PASSWORD, address=ELSEWHERE).status_code == 302

    with freeze_time("2026-12-01 09:14:00"):
        early = sign_in("agnes", PASSWORD)
        assert early.status_code == 429
        assert f"{LOCKED} Try again in 1 minute." in early.content.decode()

    # The cool-off runs from the lockout, whatever was tried meanwhile.
    with freeze_time("2026-12-01 09:15:01"):
        after = sign_in("agnes", PASSWORD)
        assert after.status_code == 302
        assert after["Location"] == reverse("interactions:home")


def test_limit_and_cool_off_come_from_the_settings(agent, settings):
    settings.XPC_LOGIN_FAILURE_LIMIT = 3
    settings.XPC_LOGIN_LOCKOUT_MINUTES = 2
    with freeze_time("2026-12-01 09:00:00"):
        statuses = [sign_in("agnes", "wrong").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert "Try again in 2 minutes." in sign_in("agnes", PASSWORD).content.decode()
    with freeze_time("2026-12-01 09:02:01"):
        assert sign_in("agnes", PASSWORD).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(agent, settings):
    settings.XPC_LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        sign_in("agnes", "wrong")
    assert sign_in("agnes", PASSWORD).status_code == 302
    for _ in range(2):
        assert sign_in("agnes", "wrong").status_code == 200


def test_admin_sign_in_page_locks_out_too(admin_user, agent, hashes):
    for n in range(10):
        response = sign_in("ada", f"wrong-{n}", url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert hashes() == 10
    locked = sign_in("ada", PASSWORD, url=ADMIN_LOGIN)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert f"{LOCKED} Try again in 15 minutes." in text
    assert "id_password" in text  # the admin's own sign-in page
    assert hashes() == 10
    # The lockout is per name and address across both pages.
    assert sign_in("ada", PASSWORD).status_code == 429
    assert sign_in("agnes", PASSWORD, url=LOGIN).status_code == 302


def test_lockouts_are_logged_as_warnings_without_the_password(agent, caplog):
    with caplog.at_level(logging.WARNING):
        for _ in range(15):
            sign_in("agnes", "hunter2-secret")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    locked = [line for line in lines if line.startswith("Sign-in locked out")]
    # Once, when the name locks; the five refused attempts after it add none.
    assert locked == [
        "Sign-in locked out: user name 'agnes' from 203.0.113.7 "
        "for 15 minutes after 10 failures."
    ]
    assert all("hunter2-secret" not in line for line in lines)
    # And in the database the admin reads: every failure, the last one
    # marked as locked out; the stored form data never holds the password.
    failures = AccessFailureLog.objects.filter(username="agnes", ip_address=FLOOR)
    assert failures.count() == 10
    assert failures.filter(locked_out=True).count() == 1
    attempt = AccessAttempt.objects.get(username="agnes", ip_address=FLOOR)
    assert attempt.failures_since_start == 10
    assert "hunter2-secret" not in attempt.post_data


# --- the per-address limit ---------------------------------------------------------


def test_an_address_past_its_limit_gets_429_before_any_hash(
    agent, settings, hashes, caplog
):
    settings.XPC_LOGIN_IP_RATE = 5
    with freeze_time("2026-12-01 09:00:10"):
        # A spray over five user names (some unknown) from one address.
        for name in ["agnes", "sam", "ghost1", "ghost2", "ghost3"]:
            assert sign_in(name, "Winter2026!").status_code == 200
        assert hashes() == 5

        refused = sign_in("ghost4", "Winter2026!")
        assert refused.status_code == 429
        assert "Too many sign-in attempts" in refused.content.decode()
        assert refused["Retry-After"] == "51"
        # Even the right password: refused before authenticate() runs.
        assert sign_in("agnes", PASSWORD).status_code == 429
        assert sign_in("ada", "x", url=ADMIN_LOGIN).status_code == 429
        assert hashes() == 5
        assert not AccessAttempt.objects.filter(username="ghost4").exists()
        refusals = [r for r in caplog.records if "Sign-in refused" in r.getMessage()]
        assert len(refusals) == 1  # once a minute, not once per POST

        # Another address is not affected.
        assert sign_in("agnes", PASSWORD, address=ELSEWHERE).status_code == 302

    # A sliding minute: at 09:01:00 the five still count, a little later
    # most of them have slid out of the window.
    with freeze_time("2026-12-01 09:01:00"):
        assert sign_in("agnes", PASSWORD).status_code == 429
    with freeze_time("2026-12-01 09:01:15"):
        assert sign_in("agnes", PASSWORD).status_code == 302


def test_a_burst_across_a_minute_boundary_does_not_get_twice_the_limit(
    db, settings, hashes
):
    settings.XPC_LOGIN_IP_RATE = 5
    with freeze_time("2026-12-01 09:00:50"):
        for n in range(5):
            sign_in(f"ghost{n}", "x")
    with freeze_time("2026-12-01 09:01:05"):
        statuses = [sign_in(f"next{n}", "x").status_code for n in range(5)]
    assert statuses == [200, 429, 429, 429, 429]
    assert hashes() == 6


def test_successful_sign_ins_never_use_up_the_address_limit(db, settings):
    """A floor signing in at shift start behind one address is never refused."""
    settings.XPC_LOGIN_IP_RATE = 3
    for n in range(8):
        make_user(f"floor{n}", "agent")
    with freeze_time("2026-12-01 09:00:00"):
        statuses = [sign_in(f"floor{n}", PASSWORD).status_code for n in range(8)]
    assert statuses == [302] * 8


def test_a_get_of_the_sign_in_page_is_never_limited(agent, settings):
    settings.XPC_LOGIN_IP_RATE = 1
    sign_in("agnes", "wrong")
    client = Client()
    assert client.get(LOGIN, REMOTE_ADDR=FLOOR).status_code == 200
    assert sign_in("agnes", "wrong").status_code == 429


# --- unlocking -------------------------------------------------------------------


def _lock(username: str, address: str = FLOOR) -> None:
    for _ in range(10):
        sign_in(username, "wrong", address=address)
    assert sign_in(username, PASSWORD, address=address).status_code == 429


def test_an_admin_unlocks_a_user_they_manage(agent, admin_user, caplog):
    _lock("agnes")
    attempt = AccessAttempt.objects.get(username="agnes")
    admin = logged_in_verified(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin.get(changelist)
    assert page.status_code == 200
    assert "agnes" in page.content.decode()

    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    with caplog.at_level(logging.WARNING):
        response = admin.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert "Sign-in unlocked by ada: user name 'agnes' from 203.0.113.7." in caplog.text
    assert sign_in("agnes", PASSWORD).status_code == 302
    # The failure log stays: the audit trail of the lockout.
    assert AccessFailureLog.objects.filter(username="agnes", locked_out=True).exists()


def test_an_admin_cannot_see_or_unlock_another_tenants_user(outsider, admin_user):
    _lock("oscar")
    attempt = AccessAttempt.objects.get(username="oscar")
    admin = logged_in_verified(admin_user)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert "oscar" not in page.content.decode()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302  # "not found"
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    failures = admin.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert "oscar" not in failures.content.decode()


def test_a_superuser_sees_every_lockout(outsider, db):
    _lock("oscar")
    root = make_user("root", None, [], staff=True)
    root.is_superuser = True
    root.save()
    page = logged_in_verified(root).get(reverse("admin:axes_accessattempt_changelist"))
    assert "oscar" in page.content.decode()


def test_agents_see_no_lockout_pages(agent_client):
    response = agent_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302


def test_axes_reset_username_command_unlocks(agent):
    _lock("agnes")
    call_command("axes_reset_username", "agnes")
    assert sign_in("agnes", PASSWORD).status_code == 302


def test_sign_ins_without_a_user_name_never_lock_an_address(agent, rf):
    """Single sign-on callbacks call authenticate() with no user name: keyed
    on (no name, address), their failures would lock every SSO user behind
    one address. They are not counted."""
    request = rf.post("/accounts/oidc/callback/", REMOTE_ADDR=FLOOR)
    for _ in range(20):
        assert authenticate(request, nonce="n", code_verifier="v") is None
    assert not AccessAttempt.objects.exists()
    assert sign_in("agnes", PASSWORD).status_code == 302
