"""The colour theme toggle (interactions.views.theme): per user, on the
server, rendered as data-theme on <html> in the console and the admin."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from interactions.preferences import Theme, UserPreference
from tests.support.console import logged_in

THEME = reverse("interactions:theme")


def _theme_of_page(client: Client, path: str = "/") -> str:
    body = client.get(path).content.decode()
    found = re.search(r'<html lang="[^"]*"(?: dir="[a-z]+")? data-theme="(\w+)"', body)
    assert found, body[:300]
    return found.group(1)


def test_a_new_user_gets_auto(agent_client):
    assert _theme_of_page(agent_client) == "auto"


@pytest.mark.parametrize("choice", ["light", "dark", "auto"])
def test_the_choice_is_rendered_on_html_by_the_server(agent_client, choice):
    response = agent_client.post(THEME, {"theme": choice, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _theme_of_page(agent_client) == choice


def test_the_choice_follows_the_user_to_another_browser(agent, agent_client):
    agent_client.post(THEME, {"theme": "dark"})
    assert _theme_of_page(logged_in(agent)) == "dark"


def test_the_toggle_marks_the_current_choice_pressed(agent_client):
    agent_client.post(THEME, {"theme": "light"})
    body = agent_client.get("/").content.decode()
    pressed = re.findall(
        r'value="(\w+)" class="theme-choice" aria-pressed="true"', body
    )
    assert pressed == ["light"]


def test_a_choice_changes_only_the_chooser(agent_client, supervisor, supervisor_client):
    agent_client.post(THEME, {"theme": "dark", "user": supervisor.pk})
    assert _theme_of_page(supervisor_client) == "auto"
    assert not UserPreference.objects.filter(user=supervisor).exists()


def test_the_form_needs_the_csrf_token(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(THEME, {"theme": "dark"})
    assert response.status_code == 403
    assert not UserPreference.objects.filter(user=agent).exists()


def test_an_unknown_theme_is_refused(agent, agent_client):
    response = agent_client.post(THEME, {"theme": "neon"})
    assert response.status_code == 400
    assert not UserPreference.objects.filter(user=agent).exists()


def test_a_get_does_not_change_anything(agent, agent_client):
    assert agent_client.get(THEME, {"theme": "dark"}).status_code == 405
    assert not UserPreference.objects.filter(user=agent).exists()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_it_goes_back_only_to_a_page_of_the_console(agent_client, target):
    response = agent_client.post(THEME, {"theme": "dark", "next": target})
    assert response["Location"] == reverse("interactions:home")


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.post(THEME, {"theme": "dark"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not UserPreference.objects.exists()


def test_a_page_shown_for_a_post_sends_the_toggle_home(agent_client):
    body = agent_client.post(reverse("interactions:lookup"), {"query": ""}).content
    assert b'name="next" value=""' in body


def test_the_admin_carries_the_theme_to_its_html(console_admin_client):
    console_admin_client.post(THEME, {"theme": "dark"})
    body = console_admin_client.get(reverse("admin:index")).content.decode()
    assert 'src="/static/js/admin-theme.js" data-theme="dark"' in body
    # Django's own theme.js (a per-browser choice in localStorage) is gone.
    assert "admin/js/theme.js" not in body
    assert 'class="theme-choice" aria-pressed="true">Dark<' in body


def test_the_sign_in_page_follows_the_system(client, db):
    assert _theme_of_page(client, reverse("login")) == Theme.AUTO


def test_with_the_shared_cache_a_choice_reaches_an_open_browser_at_once(
    agent, agent_client, settings
):
    """The theme is kept with the permissions (interactions/preferences.py)."""
    settings.XPC_PERMISSION_CACHE_SECONDS = 300
    other = logged_in(agent)
    assert _theme_of_page(agent_client) == _theme_of_page(other) == "auto"
    agent_client.post(THEME, {"theme": "dark"})
    assert _theme_of_page(other) == _theme_of_page(agent_client) == "dark"
