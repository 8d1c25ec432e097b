"""Login, landing pages per role, health endpoint, error pages and headers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.support.console import verify_second_factor


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders_for_anonymous(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b"Sign in" in response.content


def test_user_logs_in_with_a_password_and_lands_on_home(agent):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {
            "username": agent.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_login_without_csrf_token_is_refused(agent):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": agent.username, "password": PASSWORD}
    )
    assert response.status_code == 403


def test_wrong_password_shows_a_plain_message(agent, client):
    response = client.post(
        reverse("login"), {"username": agent.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_agent_home_lists_only_their_accounts(agent_client, globex):
    body = agent_client.get("/").content.decode()
    assert "Signed in as <strong>Agent</strong>" in body
    assert "Acme Insurance" in body
    assert "Globex Telecom" not in body
    assert "Administration" not in body


def test_outsider_home_lists_only_the_other_account(outsider_client, acme):
    body = outsider_client.get("/").content.decode()
    assert "Globex Telecom" in body
    assert "Acme Insurance" not in body


def test_supervisor_home_shows_supervisor_role(supervisor_client):
    body = supervisor_client.get("/").content.decode()
    assert "Signed in as <strong>Supervisor</strong>" in body
    assert "Administration" not in body


def test_admin_home_links_to_administration(console_admin_client):
    body = console_admin_client.get("/").content.decode()
    assert "Signed in as <strong>Admin</strong>" in body
    assert reverse("admin:interactions_xplatformaccount_changelist") in body


def test_user_without_role_is_told_what_to_do(norole):
    client = Client()
    client.force_login(norole)
    body = client.get("/").content.decode()
    assert "No role yet" in body


@pytest.mark.django_db  # the client fixture is looked up late, by name
@pytest.mark.parametrize("fixture", ["agent_client", "supervisor_client"])
def test_non_admins_cannot_open_django_admin(request, fixture):
    client = request.getfixturevalue(fixture)
    response = client.get(reverse("admin:interactions_xplatformaccount_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_flag_without_admin_permissions_sees_no_accounts_in_admin(agent):
    agent.is_staff = True
    agent.save()
    client = Client()
    client.force_login(agent)
    verify_second_factor(client, agent)  # staff need one (R-AC-08)
    response = client.get(reverse("admin:interactions_xplatformaccount_changelist"))
    assert response.status_code == 403


def test_role_permissions_come_from_groups(db):
    agent = Group.objects.get(name="agent")
    supervisor = Group.objects.get(name="supervisor")
    admin = Group.objects.get(name="admin")
    names = {
        g.name: {p.codename for p in g.permissions.all()}
        for g in (agent, supervisor, admin)
    }
    assert "view_interaction" in names["agent"]
    assert "view_team_history" not in names["agent"]
    assert {"view_team_history", "view_access_log"} <= names["supervisor"]
    assert "manage_platform_account" not in names["supervisor"]
    assert {"manage_platform_account", "change_xplatformaccount"} <= names["admin"]


def test_unknown_page_is_a_friendly_404(agent_client):
    response = agent_client.get("/no/such/page")
    assert response.status_code == 404
    assert b"There is nothing here" in response.content


def test_security_headers_on_pages(agent_client):
    response = agent_client.get("/", secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert (
        "no-store" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )


def test_framing_allow_list_drops_x_frame_options(agent_client, settings):
    settings.FRAME_ANCESTORS = ["https://desktop.example.com"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "frame-ancestors": ["https://desktop.example.com"],
        }
    }
    response = agent_client.get("/")
    assert "X-Frame-Options" not in response
    assert (
        "frame-ancestors https://desktop.example.com"
        in response["Content-Security-Policy"]
    )


def test_idle_session_is_logged_out(agent_client, settings):
    from freezegun import freeze_time

    with freeze_time("2026-11-23 09:00:00"):
        assert agent_client.get("/").status_code == 200
    with freeze_time("2026-11-23 09:30:00"):
        assert agent_client.get("/").status_code == 200
    with freeze_time("2026-11-23 10:31:00"):
        response = agent_client.get("/")
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_deactivated_user_loses_access_on_next_request(agent, agent_client):
    User.objects.filter(pk=agent.pk).update(is_active=False)
    response = agent_client.get("/")
    assert response.status_code == 302
