"""A new row in one statement (interactions/row_insert.py): the same row
``save()`` writes, no receiver left out, a failed insert rolls its
transaction back."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import signals

from interactions import row_insert
from interactions.models import InteractionAccess, InteractionSnapshot

Action, Outcome = InteractionAccess.Action, InteractionAccess.Outcome


def _access(agent, home, **fields) -> InteractionAccess:
    values = {
        "user": agent,
        "username": agent.username,
        "role": "agent",
        "account": home,
        "account_slug": home.slug,
        "action": Action.VIEW,
        "outcome": Outcome.FOUND,
        "interaction_id": "040100713",
        "flow_name": "Motor Claim FNOL · «ünïcode»",
        "has_photos": True,
        "duration_ms": 12,
        "client_ip": "192.0.2.7",
    }
    return InteractionAccess(**{**values, **fields})


def _stored(row: InteractionAccess) -> dict[str, object]:
    values = InteractionAccess.objects.filter(pk=row.pk).values().get()
    return {k: v for k, v in values.items() if k not in ("id", "created_at")}


def test_the_row_is_the_one_save_writes(agent, home):
    saved = _access(agent, home)
    saved.save()
    inserted = _access(agent, home)
    row_insert.insert(inserted)
    assert inserted.pk is not None
    assert inserted.pk != saved.pk
    assert not inserted._state.adding
    assert _stored(inserted) == _stored(saved)
    assert inserted.created_at is not None  # auto_now_add, as save() sets it
    kept = InteractionAccess.objects.get(pk=inserted.pk)
    assert kept.created_at == inserted.created_at
    assert kept.user == agent
    assert kept.client_ip == "192.0.2.7"


def test_no_receiver_listens_to_the_models_written_in_one_statement():
    """``row_insert`` sends no signal: a receiver added later for these
    models would never run, so this fails first."""
    for model in (InteractionAccess, InteractionSnapshot):
        for signal in (signals.pre_save, signals.post_save):
            assert not signal.has_listeners(model), (signal, model)


def test_a_failed_insert_marks_its_transaction_for_rollback(agent, home):
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            row_insert.insert(_access(agent, home, username=None))
        assert transaction.get_rollback()
    assert not InteractionAccess.objects.exists()
