"""Password sign-in beside single sign-on, and XPC_LOCAL_LOGIN=admins."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.support.console import PASSWORD

pytestmark = pytest.mark.django_db

ADMINS_ONLY = "Password sign-in is for administrators only"


def _post_login(username: str, password: str = PASSWORD) -> tuple[Client, Any]:
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": password}
    )
    return client, response


def test_login_page_has_no_sso_button_when_sso_is_off(client):
    body = client.get(reverse("login")).content.decode()
    assert "Sign in with" not in body
    assert 'name="password"' in body
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


def test_login_page_offers_the_provider_and_passwords_by_default(client, sso_on):
    body = client.get(reverse("login") + "?next=/review/").content.decode()
    assert "Sign in with Test IdP" in body
    assert reverse("oidc_authentication_init") + "?next=/review/" in body
    assert 'name="password"' in body
    assert "Administrator sign-in" not in body


def test_everyone_signs_in_with_a_password_by_default(sso_on, agent):
    client, response = _post_login(agent.username)
    assert response.status_code == 302
    assert SESSION_KEY in client.session


def test_admins_only_keeps_password_sign_in_for_admins(sso_on, settings, admin_user):
    settings.XPC_LOCAL_LOGIN = "admins"
    client, response = _post_login(admin_user.username)
    assert response.status_code == 302
    assert SESSION_KEY in client.session


def test_admins_only_refuses_others_with_the_wrong_password_answer(
    sso_on, settings, agent
):
    settings.XPC_LOCAL_LOGIN = "admins"
    client, right = _post_login(agent.username)
    assert right.status_code == 200
    assert SESSION_KEY not in client.session
    _, wrong = _post_login(agent.username, "not-the-password")
    # No oracle: a right password of a non-admin reads like a wrong one.
    assert ADMINS_ONLY in right.content.decode()
    assert right.context["form"].non_field_errors() == (
        wrong.context["form"].non_field_errors()
    )


def test_admins_only_login_page_leads_with_the_provider(client, sso_on, settings):
    settings.XPC_LOCAL_LOGIN = "admins"
    body = client.get(reverse("login")).content.decode()
    assert "Sign in with Test IdP" in body
    assert "Administrator sign-in with a password" in body
    assert body.index("Sign in with Test IdP") < body.index('name="password"')
