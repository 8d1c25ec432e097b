"""The admins' second factor (docs/security.md, R-AC-08).

An admin whose session has not passed a second factor opens no admin page
(every URL pattern the admin site has, walked), never sees an account key,
and is sent to enrol or verify. Enrolment is confirmed with a real TOTP code
computed here; recovery codes work once; agents and supervisors are never
asked.
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from interactions.identity import mfa
from interactions.models import AccountAssignment
from tests.conftest import KEY_ACME
from tests.support.console import (
    PASSWORD,
    logged_in,
    logged_in_verified,
    make_user,
)

SETUP = "/accounts/mfa/setup/"
VERIFY = "/accounts/mfa/verify/"


def code_for(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _admin_urls(home, admin_user) -> list[str]:
    """Every admin URL pattern, with real objects for the ones that name one."""
    someone = make_user("enrolled", "admin", [home], staff=True)
    device = TOTPDevice.objects.create(user=someone, name="app", confirmed=True)
    objects = {
        "interactions_xplatformaccount": home.pk,
        "auth_user": admin_user.pk,
        "interactions_accountassignment": AccountAssignment.objects.get(
            user=admin_user
        ).pk,
        "otp_totp_totpdevice": device.pk,
    }
    urls = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            name = pattern.name or ""
            key = next((k for k in objects if name.startswith(k)), None)
            for placeholder in ("<path:object_id>", "<id>", "<int:pk>"):
                if placeholder in route and key is not None:
                    route = route.replace(placeholder, str(objects[key]))
            if "<" in route or route.startswith("^"):
                continue  # catch-alls and app-label regexes, covered below
            urls.append("/admin/" + route)

    walk(admin.site.get_urls(), "")
    account_type = ContentType.objects.get_for_model(home)
    urls += [
        "/admin/interactions/",
        "/admin/auth/",
        "/admin/identity/",
        f"/admin/r/{account_type.pk}/{home.pk}/",  # "view on site"
    ]
    return sorted(set(urls) - {"/admin/login/", "/admin/logout/"})


def test_an_admin_without_a_second_factor_opens_no_admin_page(
    unverified_admin_client, home, admin_user
):
    urls = _admin_urls(home, admin_user)
    assert "/admin/" in urls
    assert f"/admin/interactions/xplatformaccount/{home.pk}/change/" in urls
    assert "/admin/interactions/xplatformaccount/add/" in urls
    assert "/admin/interactions/interactionaccess/" in urls
    assert "/admin/otp_totp/totpdevice/" in urls
    assert "/admin/axes/accessattempt/" in urls
    assert len(urls) > 30
    for url in urls:
        response = unverified_admin_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
        assert KEY_ACME.encode() not in response.content
        assert b"application_key" not in response.content
    # The admin's sign-in page sends her to enrol, keeping where she was going.
    response = unverified_admin_client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_an_unverified_admin_cannot_run_the_connection_test_or_save(
    unverified_admin_client, home
):
    changelist = reverse("admin:interactions_xplatformaccount_changelist")
    action = unverified_admin_client.post(
        changelist, {"action": "test_connection", "_selected_action": [home.pk]}
    )
    assert action.status_code == 302
    assert action["Location"].startswith("/admin/login/")
    change = reverse("admin:interactions_xplatformaccount_change", args=[home.pk])
    saved = unverified_admin_client.post(
        change, {"name": "Renamed", "new_application_key": "stolen-key-123456"}
    )
    assert saved.status_code == 302
    home.refresh_from_db()
    assert home.name == "Acme Insurance"
    assert home.application_key.reveal() == KEY_ACME


def test_a_verified_admin_opens_the_admin(console_admin_client, home):
    change = reverse("admin:interactions_xplatformaccount_change", args=[home.pk])
    assert console_admin_client.get(change).status_code == 200


def test_password_sign_in_sends_an_admin_to_enrol(admin_user):
    client = Client()
    response = client.post(
        "/accounts/login/?next=/admin/", {"username": "ada", "password": PASSWORD}
    )
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == SETUP
    assert parse_qs(location.query)["next"] == ["/admin/"]
    admin_page = client.post(
        "/admin/login/", {"username": "ada", "password": PASSWORD, "next": "/admin/"}
    )
    assert admin_page["Location"].startswith(SETUP)


def test_enrolment_with_a_real_code(unverified_admin_client, admin_user):
    client = unverified_admin_client
    page = client.get(SETUP + "?next=/admin/")
    assert page.status_code == 200
    text = page.content.decode()
    svg = re.search(r"<svg.*?</svg>", text, re.S)
    assert svg is not None
    assert "style=" not in svg.group(0)  # the strict CSP allows it
    assert "<script" not in svg.group(0)
    device = TOTPDevice.objects.get(user=admin_user)
    assert device.confirmed is False
    assert mfa.secret_text(device) in text
    # A reload shows the same secret until it is confirmed.
    assert mfa.secret_text(device) in client.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1

    done = client.post(SETUP, {"code": code_for(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/admin/").status_code == 200
    # Shown once: the setup page no longer opens for a verified admin.
    assert client.get(SETUP).status_code == 302


def test_a_wrong_code_is_refused_with_a_message(unverified_admin_client, admin_user):
    client = unverified_admin_client
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin_user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for bad in [wrong, "not a code", ""]:
        response = client.post(SETUP, {"code": bad})
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
    assert (
        "That code is not right."
        in client.post(SETUP, {"code": wrong}).content.decode()
    )
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/admin/").status_code == 302


@pytest.fixture
def enrolled_admin(admin_user: User) -> tuple[User, TOTPDevice, list[str]]:
    """Ada with a confirmed authenticator and recovery codes."""
    device = TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    return admin_user, device, mfa.new_recovery_codes(admin_user)


def test_verify_with_the_authenticator(enrolled_admin):
    user, device, _ = enrolled_admin
    client = logged_in(user)
    to_login = client.get("/admin/")
    sent = client.get(to_login["Location"])
    assert sent["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_verify_refuses_a_wrong_code_and_an_outside_next(enrolled_admin):
    user, device, _ = enrolled_admin
    client = logged_in(user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right, or was used already." in response.content.decode()
    assert client.get("/admin/").status_code == 302
    device.throttle_reset()
    evil = client.post(
        VERIFY, {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert evil["Location"] == "/admin/"


def test_a_recovery_code_works_once(enrolled_admin):
    user, _, codes = enrolled_admin
    first = logged_in(user)
    response = first.post(VERIFY, {"code": codes[0].upper(), "next": "/admin/"})
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(token=codes[0]).exists() is False

    second = logged_in(user)
    again = second.post(VERIFY, {"code": codes[0], "next": "/admin/"})
    assert again.status_code == 200
    assert second.get("/admin/").status_code == 302


@pytest.mark.parametrize("fixture", ["agent_client", "supervisor_client"])
def test_agents_and_supervisors_are_not_asked(db, request, fixture):
    client = request.getfixturevalue(fixture)
    assert client.get("/").status_code == 200
    assert client.get(SETUP)["Location"] == reverse("interactions:home")
    assert client.get(VERIFY)["Location"] == reverse("interactions:home")


def test_an_agent_signs_in_straight_to_the_console(agent):
    response = Client().post(
        "/accounts/login/", {"username": "agnes", "password": PASSWORD}
    )
    assert response["Location"] == reverse("interactions:home")
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_who_needs_a_second_factor(agent, supervisor, admin_user, db):
    root = make_user("root", None)
    root.is_superuser = True
    assert [mfa.mfa_required(u) for u in (agent, supervisor, admin_user, root)] == [
        False,
        False,
        True,
        True,
    ]
    # The admin permission without the staff flag counts too.
    admin_user.is_staff = False
    assert mfa.mfa_required(admin_user) is True


# --- reset -----------------------------------------------------------------------


def test_reset_with_the_command(enrolled_admin):
    user, _, _ = enrolled_admin
    client = logged_in_verified(user)
    assert client.get("/admin/").status_code == 200
    out = io.StringIO()
    call_command("xpc_user", "ada", "--reset-second-factor", stdout=out)
    assert "Reset the second factor of ada" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    # The verified session no longer opens the admin; she enrols again.
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/")["Location"].startswith(SETUP)


def test_reset_in_the_admin_for_a_user_in_scope(enrolled_admin, home, away):
    user, device, _ = enrolled_admin
    other = make_user("isolde", "admin", [away], staff=True)
    other_device = TOTPDevice.objects.create(user=other, name="app", confirmed=True)
    colleague = logged_in_verified(make_user("cole", "admin", [home], staff=True))
    changelist = colleague.get(reverse("admin:otp_totp_totpdevice_changelist"))
    text = changelist.content.decode()
    assert "ada" in text
    assert "isolde" not in text
    assert device.key not in text

    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert colleague.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    outside = reverse("admin:otp_totp_totpdevice_delete", args=[other_device.pk])
    colleague.post(outside, {"post": "yes"})
    assert TOTPDevice.objects.filter(pk=other_device.pk).exists()


def test_no_admin_page_shows_a_secret_or_a_recovery_code(enrolled_admin):
    user, device, codes = enrolled_admin
    client = logged_in_verified(user)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    assert codes[1] not in client.get("/admin/").content.decode()
