"""Reading the X-Platform: parallel fan-out, caching, collapsing, degradation."""

from __future__ import annotations

import threading
import time

import pytest

from interactions import errors, upstream
from interactions.models import XPlatformAccount
from interactions.simulator import data
from interactions.xplatform.errors import XPlatformUnavailable
from interactions.xplatform.validators import InvalidValue

ACME = data.DEMO_ACCOUNTS[0]


@pytest.fixture
def account(simulator, db):
    return XPlatformAccount.objects.create(
        name=ACME.name,
        slug="sim-acme",
        base_url=simulator.base_url,
        account_id=ACME.account_id,
        application_key=ACME.application_key,
        variable_sets=",".join(ACME.variable_sets),
        time_zone=ACME.time_zone,
    )


def _parts(account) -> int:
    return 2 + len(account.variable_set_ids())


def test_parts_are_fetched_in_parallel(account, simulator):
    simulator.faults.latency(0.3)
    started = time.monotonic()
    interaction = upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    elapsed = time.monotonic() - started
    assert interaction.summary.ok
    assert interaction.flow.ok
    assert len(simulator.hits) == _parts(account)
    # Six calls of 0.3 s each: sequential would take 1.8 s.
    assert elapsed < 0.3 * 3


def test_concurrent_identical_fetches_collapse_into_one(account, simulator):
    simulator.faults.latency(0.3)
    results = []

    def fetch():
        results.append(
            upstream.interaction_fetch(
                account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
            )
        )

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert len(simulator.hits) == _parts(account)


def test_second_fetch_is_served_from_the_cache_including_not_found_sets(
    account, simulator
):
    first = upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    assert any(part.not_found for _, part in first.variable_sets)
    simulator.clear_hits()
    second = upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    assert simulator.hits == []
    assert [p.not_found for _, p in second.variable_sets] == [
        p.not_found for _, p in first.variable_sets
    ]


def test_failures_are_not_cached(account, simulator):
    simulator.faults.fail("summary", status=500, times=1)
    first = upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    assert first.summary.error is not None
    assert first.flow.ok
    simulator.clear_hits()
    second = upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    assert second.summary.ok
    assert [h.api_method for h in simulator.hits] == ["summary"]


def test_fresh_bypasses_the_cache(account, simulator):
    upstream.interaction_fetch(account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID)
    simulator.clear_hits()
    upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID, fresh=True
    )
    assert len(simulator.hits) == _parts(account)


def test_invalid_unique_id_makes_no_call(account, simulator):
    with pytest.raises(InvalidValue):
        upstream.interaction_fetch(account=account, unique_id="../../admin")
    assert simulator.hits == []


def test_undecryptable_key_fails_closed_without_a_call(account, simulator, settings):
    from cryptography.fernet import Fernet

    settings.XPC_FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    reloaded = XPlatformAccount.objects.get(pk=account.pk)
    with pytest.raises(errors.AccountUnavailable):
        upstream.interaction_fetch(
            account=reloaded, unique_id=data.LEADING_ZERO_UNIQUE_ID
        )
    assert simulator.hits == []


def test_lookup_by_shared_phone_returns_candidates_newest_first(account):
    result = upstream.interaction_lookup(
        account=account, query="2125550100", kind="phone"
    )
    assert result.match is None
    assert [c.unique_id for c in result.candidates] == list(
        data.SHARED_PHONE_UNIQUE_IDS
    )


def test_lookup_when_every_attempt_fails_raises(account, simulator):
    simulator.faults.fail("uniqueId", status=500, times=None)
    with pytest.raises(errors.LookupFailed) as failed:
        upstream.interaction_lookup(account=account, query="0407013", kind="dtmf")
    assert isinstance(failed.value.error, XPlatformUnavailable)
    assert errors.failure_of(failed.value) == errors.UNAVAILABLE


def test_not_found_interaction_is_asked_again_after_a_few_seconds(
    account, simulator, settings
):
    from freezegun import freeze_time

    # Local memory: frozen time cannot move a Redis server's expiry clock.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }

    with freeze_time("2026-11-23 10:00:00") as frozen:
        first = upstream.interaction_fetch(account=account, unique_id="000999000")
        assert first.found is False
        simulator.clear_hits()
        upstream.interaction_fetch(account=account, unique_id="000999000")
        assert simulator.hits == []  # cached for a moment
        frozen.tick(upstream.live_ttl() + 1)
        upstream.interaction_fetch(account=account, unique_id="000999000")
        assert len(simulator.hits) == _parts(account)
