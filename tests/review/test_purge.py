"""purge_expired: deletes exactly what is past its retention period, in
batches, and nothing on a second run (docs/security.md, R-PII-03)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interactions.models import InteractionAccess, InteractionSnapshot, SnapshotPhoto
from tests.review.conftest import access_row, set_created_at


def _snapshot(account, name: str, *, photos: int = 1) -> InteractionSnapshot:
    snapshot = InteractionSnapshot.objects.create(
        account=account, interaction_id=name, content_hash=name.ljust(64, "0"),
        data={"photos": []},
    )  # fmt: skip
    for n in range(photos):
        SnapshotPhoto.objects.create(snapshot=snapshot, key=f"{n:020d}", thumbnail=b"x")
    return snapshot


def _age_snapshot(snapshot: InteractionSnapshot, days: float) -> None:
    # Snapshots are not append-only: a plain update moves them back in time.
    InteractionSnapshot.objects.filter(pk=snapshot.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


@pytest.fixture
def aged(sim_accounts, settings):
    """Rows on both sides of the 365- and 90-day limits."""
    settings.XPC_ACCESS_LOG_RETENTION_DAYS = 365
    settings.XPC_SNAPSHOT_RETENTION_DAYS = 90
    acme = sim_accounts["acme"]
    now = timezone.now()
    for name, days in [("fresh", 1), ("old", 364), ("expired", 366), ("ancient", 900)]:
        row = access_row(acme, interaction_id=name)
        set_created_at(InteractionAccess, [row.pk], now - timedelta(days=days))
    for name, days in [("s-fresh", 1), ("s-old", 89), ("s-exp", 91), ("s-anc", 400)]:
        _age_snapshot(_snapshot(acme, name, photos=2), days)


def _run(**options) -> str:
    out = StringIO()
    call_command("purge_expired", stdout=out, **options)
    return out.getvalue()


def test_deletes_exactly_the_expired_rows(aged):
    output = _run()
    assert output.strip() == (
        "Deleted 2 snapshot(s) with 4 thumbnail(s) and 2 access-log row(s)."
    )
    kept = set(InteractionAccess.objects.values_list("interaction_id", flat=True))
    assert kept == {"fresh", "old"}
    names = InteractionSnapshot.objects.values_list("interaction_id", flat=True)
    assert set(names) == {"s-fresh", "s-old"}
    assert SnapshotPhoto.objects.count() == 4
    owners = SnapshotPhoto.objects.values_list("snapshot__interaction_id", flat=True)
    assert set(owners) == {"s-fresh", "s-old"}


def test_second_run_deletes_nothing(aged):
    _run()
    assert _run().strip() == (
        "Deleted 0 snapshot(s) with 0 thumbnail(s) and 0 access-log row(s)."
    )
    assert InteractionAccess.objects.count() == 2
    assert InteractionSnapshot.objects.count() == 2


def test_deletes_in_batches_of_the_given_size(aged):
    with CaptureQueriesContext(connection) as queries:
        _run(batch_size=1)
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    snapshot_table = InteractionSnapshot._meta.db_table
    access_table = InteractionAccess._meta.db_table
    assert sum(f'FROM "{snapshot_table}"' in sql for sql in deletes) == 2
    assert sum(f'FROM "{access_table}"' in sql for sql in deletes) == 2


def test_retention_comes_from_the_settings(aged, settings):
    settings.XPC_ACCESS_LOG_RETENTION_DAYS = 30
    settings.XPC_SNAPSHOT_RETENTION_DAYS = 30
    assert _run().strip() == (
        "Deleted 3 snapshot(s) with 6 thumbnail(s) and 3 access-log row(s)."
    )
    assert list(InteractionAccess.objects.values_list("interaction_id", flat=True)) == [
        "fresh"
    ]


@pytest.mark.parametrize("value", ["0", "-5", "many", "100000"])
def test_bad_batch_size_is_refused(db, value):
    with pytest.raises(CommandError, match="batch-size"):
        call_command("purge_expired", f"--batch-size={value}")


def test_access_log_still_refuses_ordinary_deletes(aged):
    from interactions.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        InteractionAccess.objects.all().delete()
