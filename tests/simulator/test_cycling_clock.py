"""The demo's cycling clock restarts the live interaction every cycle."""

from __future__ import annotations

import time

import pytest

from interactions.simulator.clock import CyclingClock
from interactions.simulator.data import (
    LIVE_UNIQUE_ID,
    NORTHWIND_ACCOUNT_ID,
    build_dataset,
)


def test_start_moves_on_by_whole_cycles(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])  # the clock reads time.time()
    clock = CyclingClock(120)
    assert clock.started_at == 1_000_000.0
    now[0] += 119
    assert clock.started_at == 1_000_000.0
    now[0] += 2
    assert clock.started_at == 1_000_120.0
    assert clock.now() == now[0]


def test_live_interaction_is_live_again_in_the_next_cycle(monkeypatch):
    now = [2_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])  # the clock reads time.time()
    clock = CyclingClock(120)
    live = build_dataset().instance(NORTHWIND_ACCOUNT_ID, LIVE_UNIQUE_ID)
    assert live is not None
    now[0] += 100
    before = live.snapshot(clock.started_at, clock.now())
    assert before is not None
    assert before.live is False
    now[0] += 25  # into the next cycle
    after = live.snapshot(clock.started_at, clock.now())
    assert after is not None
    assert after.live is True


def test_cycle_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        CyclingClock(0)
