"""The API cast: Acme and Northwind accounts on the simulator, an agent of Acme
only, and clients signed in by session or by token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from interactions.models import XPlatformAccount
from interactions.simulator import data
from interactions.xplatform import client as xplatform
from tests.api.support import make_user

ACME = data.DEMO_ACCOUNTS[0]
NORTHWIND = data.DEMO_ACCOUNTS[1]


@pytest.fixture(autouse=True)
def _fresh_state(settings):
    # Throttle counters and interaction parts live in the cache; pooled
    # clients keep their policy and breaker. Start each test clean.
    cache.clear()
    xplatform.clear_clients()
    settings.XPC_UPSTREAM_RETRIES = 0
    yield
    xplatform.clear_clients()


def _account(demo, base_url: str) -> XPlatformAccount:
    return XPlatformAccount.objects.create(
        name=demo.name,
        slug=f"sim-{demo.slug}",
        base_url=base_url,
        account_id=demo.account_id,
        application_key=demo.application_key,
        environment_name=demo.environment_name or "",
        variable_sets=",".join(demo.variable_sets),
        time_zone=demo.time_zone,
    )


@pytest.fixture
def sim_accounts(simulator, db) -> dict[str, XPlatformAccount]:
    return {
        "acme": _account(ACME, simulator.base_url),
        "northwind": _account(NORTHWIND, simulator.base_url),
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
