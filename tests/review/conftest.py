"""The review tests: the suite's cast (tests/conftest.py) on the simulator's
Acme (home) and Northwind (away) accounts, where Sam, the supervisor, reviews
both; plus helpers to make and age access-log rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from interactions.models import AccountAssignment, InteractionAccess, XPlatformAccount


@pytest.fixture
def home(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["acme"]


@pytest.fixture
def away(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["northwind"]


@pytest.fixture
def supervisor(supervisor: User, away: XPlatformAccount) -> User:
    """Sam, the cast's supervisor, reviews both simulator accounts here."""
    AccountAssignment.objects.create(user=supervisor, account=away)
    return supervisor


def lookup(
    web: Client, query: str, kind: str = "auto", account: str = "sim-acme"
) -> Any:
    return web.post(
        reverse("interactions:lookup"),
        {"query": query, "kind": kind, "account": account},
    )


def detail_url(unique_id: str, slug: str = "sim-acme") -> str:
    return reverse("interactions:detail", args=[slug, unique_id])


def viewed_page(response: Any) -> Any:
    """The page an interaction page's view rendered (its shared sections
    are rendered from a copy without the time of the view)."""
    for template, context in zip(response.templates, response.context, strict=True):
        if template.name == "interactions/detail.html":
            return context["page"]
    raise AssertionError("not an interaction page")


def access_row(account: XPlatformAccount | None, **fields: Any) -> InteractionAccess:
    """An access-log row written directly (as the service would)."""
    values: dict[str, Any] = {
        "username": "agnes",
        "role": "Agent",
        "action": InteractionAccess.Action.VIEW,
        "outcome": InteractionAccess.Outcome.FOUND,
        "account": account,
        "account_slug": account.slug if account else "",
    }
    values.update(fields)
    return InteractionAccess.objects.create(**values)


def set_created_at(model: type[Model], pks: Iterable[Any], moment: datetime) -> None:
    """Move rows back in time with raw SQL: the access log refuses updates,
    and auto_now_add overrides any value given on insert."""
    ids = list(pks)
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET created_at = %s WHERE id IN ({placeholders})",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(moment), *ids],
        )
