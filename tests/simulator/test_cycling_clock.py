"""The demo's cycling clock restarts the live interaction every cycle."""

from __future__ import annotations

import pytest

from interactions.simulator import clock as clock_module
from interactions.simulator.clock import CyclingClock
from interactions.simulator.data import (
    LIVE_UNIQUE_ID,
    NORTHWIND_ACCOUNT_ID,
    build_dataset,
)


def test_start_moves_on_by_whole_cycles(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(clock_module.time, "time", lambda: now[0])
    clock = CyclingClock(120)
    assert clock.started_at == 1_000_000.0
    now[0] += 119
    assert clock.started_at == 1_000_000.0
    now[0] += 2
    assert clock.started_at == 1_000_120.0
    assert clock.now() == now[0]


def test_live_interaction_is_live_again_in_the_next_cycle(monkeypatch):
    now = [2_000_000.0]
    monkeypatch.setattr(clock_module.time, "time", lambda: now[0])
    clock = CyclingClock(120)
    live = build_dataset().instance(NORTHWIND_ACCOUNT_ID, LIVE_UNIQUE_ID)
    now[0] += 100
    assert live.snapshot(clock.started_at, clock.now()).live is False
    now[0] += 25  # into the next cycle
    assert live.snapshot(clock.started_at, clock.now()).live is True


def test_cycle_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        CyclingClock(0)
