"""The API cast: Acme and Northwind accounts on the simulator, an agent of Acme
only, and clients signed in by session or by token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from interactions.models import XPlatformAccount
from interactions.simulator import data
from tests.api.support import make_user
from tests.support.console import sim_account

ACME = data.DEMO_ACCOUNTS[0]
NORTHWIND = data.DEMO_ACCOUNTS[1]


@pytest.fixture(autouse=True)
def _no_retries(settings):
    # One upstream call per request keeps the hit counts of these tests exact.
    settings.XPC_UPSTREAM_RETRIES = 0


@pytest.fixture
def sim_accounts(simulator, db) -> dict[str, XPlatformAccount]:
    return {
        "acme": sim_account(ACME, simulator.base_url),
        "northwind": sim_account(NORTHWIND, simulator.base_url),
    }


@pytest.fixture
def api_agent(sim_accounts) -> User:
    """An agent of the Acme account only."""
    return make_user("agnes", "agent", [sim_accounts["acme"]])


@pytest.fixture
def api_supervisor(sim_accounts) -> User:
    return make_user("sven", "supervisor", [sim_accounts["acme"]])


@pytest.fixture
def api(api_agent) -> Client:
    """The agent, signed in with a session."""
    client = Client()
    client.force_login(api_agent)
    return client


@pytest.fixture
def agent_token(api_agent) -> str:
    token: str = Token.objects.create(user=api_agent).key
    return token


@pytest.fixture
def token_api(agent_token) -> Client:
    """The agent, authenticated by token only (no session)."""
    return Client(HTTP_AUTHORIZATION=f"Token {agent_token}")


@pytest.fixture
def supervisor_api(api_supervisor) -> Client:
    client = Client()
    client.force_login(api_supervisor)
    return client
