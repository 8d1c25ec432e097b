"""Single sign-on fixtures: the real provider, the console pointed at it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from interactions.identity.models import SsoGroupMapping
from interactions.identity.sso import BACKEND_PATH
from interactions.models import XPlatformAccount
from tests.support.oidc import (
    CONSOLE,
    OidcProvider,
    authorize_at_provider,
    oidc_provider,
)

__all__ = ["oidc_provider"]

ALICE = {
    "preferred_username": "alice",
    "email": "alice@example.com",
    "given_name": "Alice",
    "family_name": "Arden",
    "groups": ["acme-agents"],
}


@pytest.fixture
def idp(oidc_provider: OidcProvider) -> OidcProvider:
    """The provider with this test's people: Alice, an agent of Acme at first."""
    oidc_provider.set_users({"alice": dict(ALICE)})
    return oidc_provider


@pytest.fixture
def sso_on(settings: Settings, idp: OidcProvider) -> Callable[..., None]:
    """Point the console at the provider (as client "console" unless told)."""

    def configure(client_id: str = "console", **overrides: Any) -> None:
        for name, value in {**idp.settings(client_id), **overrides}.items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = [
            "django.contrib.auth.backends.ModelBackend",
            BACKEND_PATH,
        ]

    configure()
    return configure


@pytest.fixture
def mappings(home: XPlatformAccount, away: XPlatformAccount) -> None:
    """acme-agents: agent of home; away-supervisors: supervisor of away;
    acme-admins: admin of home; unmapped groups grant nothing."""
    for value, role, account in [
        ("acme-agents", "agent", home),
        ("away-supervisors", "supervisor", away),
        ("acme-admins", "admin", home),
    ]:
        SsoGroupMapping.objects.create(claim_value=value, role=role).accounts.add(
            account
        )


def start_sign_in(client: Client, next_url: str = "") -> str:
    """The console's redirect to the provider (the authorization URL)."""
    url = reverse("oidc_authentication_init")
    response = client.get(url, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content
    return str(response["Location"])


def callback_path(location: str) -> str:
    assert location.startswith(CONSOLE), location
    return location.removeprefix(CONSOLE)


def sign_in(client: Client, subject: str = "alice") -> Any:
    """The whole round trip; returns the console's answer to the callback."""
    location = authorize_at_provider(start_sign_in(client), subject)
    return client.get(callback_path(location))
