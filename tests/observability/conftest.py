"""Observability tests: the cast on the simulator's accounts, the console's
own log handler captured, and the lines it printed read back as JSON."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from interactions.log_redaction import RedactSecretsFilter
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


class ConsoleLog:
    """What the console's log handler printed, with its filters applied."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        """Every printed line, each parsed as one JSON object."""
        return [json.loads(line) for line in self.text.splitlines() if line]

    def events(self, event: str) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line.get("event") == event]


@pytest.fixture
def console_log() -> Iterator[ConsoleLog]:
    root = logging.getLogger()
    handler = next(
        h
        for h in root.handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield ConsoleLog(stream)
    finally:
        handler.setStream(previous)


def detail_url(unique_id: str, slug: str = "sim-acme") -> str:
    return reverse("interactions:detail", args=[slug, unique_id])


def page_lookup(client: Client, query: str, kind: str = "auto") -> Any:
    return client.post(
        reverse("interactions:lookup"),
        {"query": query, "kind": kind, "account": "sim-acme"},
    )
