"""Observability tests: the cast on the simulator's accounts, the console's
own log handler captured, and the lines it printed read back as JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from interactions.models import XPlatformAccount


@pytest.fixture(autouse=True)
def _no_retries(settings: Settings) -> None:
    # One upstream call per part keeps the counts of these tests exact.
    settings.XPC_UPSTREAM_RETRIES = 0


@pytest.fixture
def home(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["acme"]


@pytest.fixture
def away(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["northwind"]


def detail_url(unique_id: str, slug: str = "sim-acme") -> str:
    return reverse("interactions:detail", args=[slug, unique_id])


def page_lookup(client: Client, query: str, kind: str = "auto") -> Any:
    return client.post(
        reverse("interactions:lookup"),
        {"query": query, "kind": kind, "account": "sim-acme"},
    )
