"""The API tests: the suite's cast (tests/conftest.py) on the simulator's
Acme (home) and Northwind (away) accounts, signed in by session or by token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from interactions.identity.models import ApiToken
from interactions.models import XPlatformAccount


@pytest.fixture(autouse=True)
def _no_retries(settings: Settings) -> None:
    # One upstream call per request keeps the hit counts of these tests exact.
    settings.XPC_UPSTREAM_RETRIES = 0


@pytest.fixture
def home(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["acme"]


@pytest.fixture
def away(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["northwind"]


@pytest.fixture
def api(agent_client: Client) -> Client:
    """The agent (of Acme only), signed in with a session."""
    return agent_client


@pytest.fixture
def agent_token(agent: User) -> str:
    _, token = ApiToken.objects.issue(user=agent, name="CTI test")
    return token


@pytest.fixture
def token_api(agent_token: str) -> Client:
    """The agent, authenticated by token only (no session)."""
    return Client(HTTP_AUTHORIZATION=f"Token {agent_token}")
