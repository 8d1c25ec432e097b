"""Read-side queries: the supervisor history, access logs and snapshots."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404

from interactions import selectors
from interactions.models import (
    AccountAssignment,
    InteractionAccess,
    InteractionSnapshot,
    SnapshotPhoto,
)
from tests.review.conftest import access_row, set_created_at
from tests.support.console import make_user

UTC = ZoneInfo("UTC")


def _ids(rows) -> list[str]:
    return [row.interaction_id for row in rows]


def test_history_holds_only_the_supervisors_accounts(supervisor, acme, globex):
    access_row(acme, interaction_id="1")
    access_row(globex, interaction_id="2")
    access_row(None, interaction_id="3", account_slug="nosuch")
    assert _ids(selectors.access_log_list(user=supervisor, filters={})) == ["1"]


def test_history_is_empty_without_the_permission(agent, acme):
    access_row(acme, interaction_id="1")
    assert not selectors.access_log_list(user=agent, filters={}).exists()


def test_account_filter_outside_the_scope_gives_nothing(supervisor, acme, globex):
    access_row(globex, interaction_id="2")
    rows = selectors.access_log_list(user=supervisor, filters={"account": globex})
    assert not rows.exists()


def test_date_range_uses_the_server_time_zone(supervisor, acme, settings):
    settings.TIME_ZONE = "America/New_York"
    late = access_row(acme, interaction_id="late-on-the-9th")
    early = access_row(acme, interaction_id="early-on-the-10th")
    # 04:30 UTC on 10 January is 23:30 on the 9th in New York (EST).
    set_created_at(
        InteractionAccess, [late.pk], datetime(2026, 1, 10, 4, 30, tzinfo=UTC)
    )
    set_created_at(
        InteractionAccess, [early.pk], datetime(2026, 1, 10, 5, 30, tzinfo=UTC)
    )

    def between(start: date | None, end: date | None) -> list[str]:
        filters = {"date_from": start, "date_to": end}
        return _ids(selectors.access_log_list(user=supervisor, filters=filters))

    assert between(date(2026, 1, 9), date(2026, 1, 9)) == ["late-on-the-9th"]
    assert between(date(2026, 1, 10), date(2026, 1, 10)) == ["early-on-the-10th"]
    assert between(date(2026, 1, 9), date(2026, 1, 10)) == [
        "early-on-the-10th",
        "late-on-the-9th",
    ]
    assert between(date(2026, 1, 11), None) == []


def test_oldest_first_sorts_by_time_then_insertion(supervisor, acme):
    for name in ("a", "b", "c"):
        access_row(acme, interaction_id=name)
    rows = selectors.access_log_list(user=supervisor, filters={"sort": "oldest"})
    assert _ids(rows) == ["a", "b", "c"]
    assert _ids(selectors.access_log_list(user=supervisor)) == ["c", "b", "a"]


def test_access_log_for_interaction_needs_the_access_log_permission(
    supervisor, agent, acme
):
    access_row(acme, interaction_id="7")
    scope = {"account": acme, "interaction_id": "7"}
    assert _ids(selectors.access_log_for_interaction(user=supervisor, **scope)) == ["7"]
    assert not selectors.access_log_for_interaction(user=agent, **scope).exists()


def _snapshot(account, uid: str = "7") -> InteractionSnapshot:
    return InteractionSnapshot.objects.create(
        account=account, interaction_id=uid, content_hash=uid.ljust(64, "a"),
        data={"photos": [{"key": "k" * 20, "label": "Step 1: Photo"}]},
    )  # fmt: skip


def test_snapshot_get_refuses_other_accounts(supervisor, acme, globex):
    mine, theirs = _snapshot(acme), _snapshot(globex)
    assert selectors.snapshot_get(user=supervisor, snapshot_id=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.snapshot_get(user=supervisor, snapshot_id=theirs.pk)
    with pytest.raises(Http404):
        selectors.snapshot_get(user=supervisor, snapshot_id=theirs.pk + 100)


def test_snapshot_get_refuses_agents(agent, acme):
    snapshot = _snapshot(acme)
    with pytest.raises(Http404):
        selectors.snapshot_get(user=agent, snapshot_id=snapshot.pk)


def test_snapshot_list_counts_thumbnails_newest_first(supervisor, acme):
    older = _snapshot(acme)
    newer = InteractionSnapshot.objects.create(
        account=acme, interaction_id="7", content_hash="b" * 64, data={}
    )
    SnapshotPhoto.objects.create(snapshot=older, key="k" * 20, thumbnail=b"x")
    listed = list(
        selectors.snapshot_list_for_interaction(
            user=supervisor, account=acme, interaction_id="7"
        )
    )
    assert listed == [newer, older]
    # photo_count comes from the selector's .annotate(), which the stubs cannot see.
    assert [s.photo_count for s in listed] == [0, 1]  # type: ignore[attr-defined]


def test_recent_lookups_leave_out_snapshot_views(agent, acme):
    access_row(acme, interaction_id="7", source="snapshot", user=agent)
    access_row(acme, interaction_id="8", user=agent)
    assert [r.unique_id for r in selectors.recent_lookups(user=agent)] == ["8"]


def test_recent_lookups_follow_the_agents_accounts_today(agent, acme):
    access_row(
        acme,
        interaction_id="seen-before",
        user=agent,
        action=InteractionAccess.Action.VIEW,
        outcome=InteractionAccess.Outcome.FOUND,
    )
    assert [r.unique_id for r in selectors.recent_lookups(user=agent)] == [
        "seen-before"
    ]
    AccountAssignment.objects.filter(user=agent, account=acme).delete()
    assert selectors.recent_lookups(user=agent) == []


def test_an_admin_manages_only_users_held_solely_in_their_accounts(
    admin_user, agent, supervisor, outsider, away, db
):
    shared = make_user(
        "shared", "agent", [admin_user.account_assignments.get().account, away]
    )
    boss = make_user("boss", None, [])
    boss.is_superuser = True
    boss.save()
    unassigned = make_user("unassigned", "agent", [])
    managed = set(
        selectors.users_managed_by(admin_user).values_list("username", flat=True)
    )
    assert managed == {"ada", "agnes", "sam"}
    assert {
        shared.username,
        boss.username,
        unassigned.username,
        outsider.username,
    }.isdisjoint(managed)
    everyone = set(selectors.users_managed_by(boss).values_list("username", flat=True))
    assert {"ada", "agnes", "sam", "oscar", "shared", "boss", "unassigned"} <= everyone
