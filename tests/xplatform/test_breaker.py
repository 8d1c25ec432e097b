"""The circuit breaker of ``breaker.py`` (docs/security.md R-HTTP-04).

Real calls to the scripted loopback upstream of ``tests/xplatform/upstream.py``
open, skip and close the breaker of an account and method group.
"""

from __future__ import annotations

import pytest

from interactions.xplatform import breaker as breaker_module
from interactions.xplatform.client import ConnectionOutcome
from interactions.xplatform.config import CallPolicy
from interactions.xplatform.errors import (
    XPlatformError,
    XPlatformTimeout,
    XPlatformUnavailable,
)
from tests.xplatform.upstream import (
    POLICY,
    READ_TIMEOUT,
    json_answer,
    make_client,
    no_retry_policy,
    raw_answer,
    sleepy,
    timed,
)

pytestmark = pytest.mark.usefixtures("fresh_registry")


# --- R-HTTP-04: circuit breaker ---------------------------------------------------


def test_breaker_opens_after_five_failures_and_sends_nothing(upstream):
    upstream.default = raw_answer(503)
    client = make_client(upstream, policy=no_retry_policy())
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable) as info:
            client.full_flow("040100713")
        assert info.value.status == 503
    assert len(upstream.hits) == 5
    elapsed, exc = timed(lambda: client.full_flow("040100713"))
    assert isinstance(exc, XPlatformUnavailable)
    assert exc.message == (
        "The X-Platform server failed several times in a row; the console "
        "calls it again in about 30 s."
    )
    assert "retrying" not in exc.message
    assert len(upstream.hits) == 5
    assert elapsed < READ_TIMEOUT  # nor waited for


def test_breaker_is_per_account_and_shared_by_its_clients(upstream):
    upstream.default = raw_answer(503)
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable):
            make_client(upstream, policy=no_retry_policy()).summary("040100713")
    # Another client of the same account meets the open breaker...
    with pytest.raises(XPlatformUnavailable, match="calls it again in about 30 s"):
        make_client(upstream).summary("040100713")
    assert len(upstream.hits) == 5
    # ...another account on the same base URL does not.
    other_account = make_client(upstream, policy=no_retry_policy(), account_id="other")
    with pytest.raises(XPlatformUnavailable) as info:
        other_account.summary("040100713")
    assert info.value.status == 503
    assert len(upstream.hits) == 6


def test_breaker_closes_after_reset_timeout_and_a_success(upstream):
    now = [1000.0]
    breaker_module.set_store(breaker_module.MemoryStore(clock=lambda: now[0]))
    try:
        upstream.default = raw_answer(503)
        client = make_client(upstream, policy=no_retry_policy())
        for _ in range(5):
            with pytest.raises(XPlatformUnavailable):
                client.full_flow("040100713")
        key = next(iter(breaker_module.breaker_states()))
        assert breaker_module.breaker_states()[key] == "open"
        now[0] += 31
        assert breaker_module.breaker_states()[key] == "half-open"
        upstream.default = json_answer([])
        assert client.full_flow("040100713").pages == ()
        assert breaker_module.breaker_states()[key] == "closed"
        assert len(upstream.hits) == 6
    finally:
        breaker_module.set_store(None)


@pytest.mark.parametrize(
    "behaviour", [raw_answer(404), raw_answer(401), raw_answer(429)]
)
def test_4xx_do_not_open_the_breaker(upstream, behaviour):
    upstream.default = behaviour
    client = make_client(upstream, policy=no_retry_policy())
    for _ in range(7):
        with pytest.raises(XPlatformError):
            client.full_flow("040100713")
    assert len(upstream.hits) == 7


def test_timeouts_count_for_the_breaker(upstream):
    policy = CallPolicy(**{**POLICY.__dict__, "retries": 0, "read_timeout": 0.1})
    upstream.default = sleepy(0.3)
    client = make_client(upstream, policy=policy)
    for _ in range(5):
        with pytest.raises(XPlatformTimeout):
            client.full_flow("040100713")
    with pytest.raises(XPlatformUnavailable, match="calls it again"):
        client.full_flow("040100713")
    assert len(upstream.hits) == 5


def test_connection_check_bypasses_an_open_breaker(upstream):
    upstream.default = raw_answer(503)
    client = make_client(upstream, policy=no_retry_policy())
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable):
            client.full_flow("040100713")
    upstream.default = raw_answer(404)
    assert client.check_connection().outcome is ConnectionOutcome.OK
    assert len(upstream.hits) == 6
