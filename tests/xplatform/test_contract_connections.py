"""The real client and the real simulator share connections, safely.

The simulator keeps connections open like the real X-Platform behind its
load balancers; the client's pool reuses them (docs/security.md R-HTTP-03).
Connections are counted where they are accepted, on the simulator's side.
A fault that breaks an answer must never leave anything on the pool that
the next call could read. The ``simulator`` fixture comes from
``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from interactions.simulator.data import (
    ACME_BILLING_UNIQUE_ID,
    DEMO_ACCOUNTS,
    LEADING_ZERO_UNIQUE_ID,
)
from interactions.simulator.faults import Faults
from interactions.xplatform.client import XPlatformClient, clear_clients
from interactions.xplatform.config import AccountConfig, CallPolicy
from interactions.xplatform.errors import XPlatformError, XPlatformNotFound

ACME = next(a for a in DEMO_ACCOUNTS if a.account_id == "12345678")
# Short timeouts for the hang and trickle faults; generous enough otherwise.
POLICY = CallPolicy(
    connect_timeout=5.0,
    read_timeout=0.5,
    deadline=1.5,
    retries=0,
    allowed_hosts=("127.0.0.1",),
)


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    clear_clients()
    yield
    clear_clients()


def client_for(simulator) -> XPlatformClient:
    config = AccountConfig(
        base_url=simulator.base_url,
        account_id=ACME.account_id,
        application_key=ACME.application_key,
    )
    return XPlatformClient(config, policy=POLICY)


def variable_set(client: XPlatformClient, unique_id: str, set_id: str) -> object:
    # Not every interaction has every set: a 404 is an answer like another.
    try:
        return client.variable_set(unique_id, set_id)
    except XPlatformNotFound:
        return None


def page_calls(client: XPlatformClient, unique_id: str) -> list[Callable[[], object]]:
    """The six calls of a cold interaction page."""
    calls: list[Callable[[], object]] = [
        lambda: client.summary(unique_id),
        lambda: client.full_flow(unique_id),
    ]
    calls += [partial(variable_set, client, unique_id, s) for s in ACME.variable_sets]
    return calls


def test_one_page_after_another_on_one_connection(simulator):
    client = client_for(simulator)
    for unique_id in (LEADING_ZERO_UNIQUE_ID, ACME_BILLING_UNIQUE_ID):
        for call in page_calls(client, unique_id):
            call()
    assert len(simulator.hits) == 12
    assert simulator.server.connections_accepted == 1


def test_parallel_calls_open_at_most_one_connection_each(simulator):
    client = client_for(simulator)
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(3):
            calls = page_calls(client, LEADING_ZERO_UNIQUE_ID)
            for future in [pool.submit(call) for call in calls]:
                future.result()
    assert len(simulator.hits) == 18
    # Six at a time at most; the later pages reuse them.
    assert simulator.server.connections_accepted <= 6


# A fault on the first summary call, and how many connections the calls
# after it need in all: 1 when the faulty answer was complete (the
# connection is kept), 2 when it was cut or abandoned (it is dropped).
FAULTS: list[tuple[str, Callable[[Faults], object], int]] = [
    ("fail_503", lambda f: f.fail("summary", status=503), 1),
    ("fail_401", lambda f: f.fail("summary", status=401), 1),
    ("fail_404", lambda f: f.fail("summary", status=404), 1),
    ("html", lambda f: f.html("summary", status=502, times=1), 1),
    ("invalid_json", lambda f: f.invalid_json("summary", times=1), 1),
    ("redirect", lambda f: f.redirect("summary", times=1), 1),
    ("reset", lambda f: f.reset("summary", times=1), 2),
    ("reset_mid_body", lambda f: f.reset("summary", after_bytes=10, times=1), 2),
    ("oversized", lambda f: f.oversized("summary", times=1), 2),
    (
        "false_length",
        lambda f: f.oversized(
            "summary", bytes=64 * 1024, declared_length=10 * 1024**3, times=1
        ),
        2,
    ),
    ("endless", lambda f: f.endless("summary", times=1), 2),
    ("hang", lambda f: f.hang("summary", seconds=1.0, times=1), 2),
    ("trickle", lambda f: f.trickle("summary", interval=0.05, times=1), 2),
]


@pytest.mark.parametrize(
    ("switch", "connections"),
    [(switch, connections) for _, switch, connections in FAULTS],
    ids=[name for name, _, _ in FAULTS],
)
def test_a_faulty_answer_never_poisons_the_next_call(simulator, switch, connections):
    client = client_for(simulator)
    switch(simulator.faults)
    with pytest.raises(XPlatformError):
        client.summary(LEADING_ZERO_UNIQUE_ID)
    # Right away, while the simulator may still be sending the faulty
    # answer: each call gets its own interaction's answer, whole (summary()
    # refuses the summary of another interaction).
    for unique_id in (
        ACME_BILLING_UNIQUE_ID,
        LEADING_ZERO_UNIQUE_ID,
        ACME_BILLING_UNIQUE_ID,
    ):
        assert client.summary(unique_id).unique_id == unique_id
        assert client.full_flow(unique_id).pages
    assert simulator.server.connections_accepted == connections


def test_a_gzip_bomb_never_poisons_the_next_call(simulator):
    # Whether the small compressed body was read to its end before the cap
    # stopped the inflating decides whether its connection is kept; either
    # way the next answers are right.
    client = client_for(simulator)
    simulator.faults.gzip_bomb("summary", times=1)
    with pytest.raises(XPlatformError):
        client.summary(LEADING_ZERO_UNIQUE_ID)
    for unique_id in (ACME_BILLING_UNIQUE_ID, LEADING_ZERO_UNIQUE_ID):
        assert client.summary(unique_id).unique_id == unique_id
    assert simulator.server.connections_accepted <= 2
