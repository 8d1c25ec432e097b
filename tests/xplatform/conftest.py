"""Fixtures of the client tests: the scripted upstream and a fresh registry."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from interactions.xplatform.client import clear_clients
from tests.xplatform.upstream import Server


@pytest.fixture
def upstream() -> Iterator[Server]:
    server = Server()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    clear_clients()
    yield
    clear_clients()
