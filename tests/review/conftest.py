"""The supervisor's cast: Sam reviews both simulator accounts, Agnes works on
Acme only, Petra supervises Northwind only; plus helpers to make and age
access-log rows."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from interactions.models import InteractionAccess, XPlatformAccount
from interactions.simulator import data
from tests.support.console import make_user, sim_account

ACME = data.DEMO_ACCOUNTS[0]
NORTHWIND = data.DEMO_ACCOUNTS[1]


make_account = sim_account


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sim_accounts(simulator, db):
    return {
        "acme": make_account(ACME, simulator.base_url),
        "northwind": make_account(NORTHWIND, simulator.base_url),
    }


@pytest.fixture
def agnes(sim_accounts) -> User:
    return make_user("agnes", "agent", [sim_accounts["acme"]])


@pytest.fixture
def agent_web(agnes) -> Client:
    """Agnes, an agent of the simulator's Acme account only."""
    return logged_in(agnes)


@pytest.fixture
def sam(sim_accounts) -> User:
    return make_user("sam", "supervisor", list(sim_accounts.values()))


@pytest.fixture
def review(sam) -> Client:
    """Sam, supervisor of both simulator accounts."""
    return logged_in(sam)


@pytest.fixture
def petra(sim_accounts) -> User:
    return make_user("petra", "supervisor", [sim_accounts["northwind"]])


@pytest.fixture
def petra_web(petra) -> Client:
    """Petra, supervisor of Northwind only."""
    return logged_in(petra)


def lookup(web: Client, query: str, kind: str = "auto", account: str = "sim-acme"):
    return web.post(
        reverse("interactions:lookup"),
        {"query": query, "kind": kind, "account": account},
    )


def detail_url(unique_id: str, slug: str = "sim-acme") -> str:
    return reverse("interactions:detail", args=[slug, unique_id])


def access_row(account: XPlatformAccount | None, **fields) -> InteractionAccess:
    """An access-log row written directly (as the service would)."""
    values = {
        "username": "agnes",
        "role": "Agent",
        "action": InteractionAccess.Action.VIEW,
        "outcome": InteractionAccess.Outcome.FOUND,
        "account": account,
        "account_slug": account.slug if account else "",
    }
    values.update(fields)
    return InteractionAccess.objects.create(**values)


def set_created_at(model, pks, moment: datetime) -> None:
    """Move rows back in time with raw SQL: the access log refuses updates,
    and auto_now_add overrides any value given on insert."""
    pks = list(pks)
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET created_at = %s WHERE id IN ({placeholders})",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(moment), *pks],
        )
