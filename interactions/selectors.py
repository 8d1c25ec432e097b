"""Read-side queries for pages: recent lookups, supervisor history, snapshots."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from interactions import roles
from interactions.models import (
    AccountAssignment,
    InteractionAccess,
    InteractionSnapshot,
    SnapshotPhoto,
    XPlatformAccount,
)


def users_managed_by(admin: Any) -> QuerySet[Any]:
    """The users an admin may see and edit in the admin (docs/security.md).

    A superuser manages everyone. Anyone else manages only users who are not
    superusers, hold at least one account, and hold no account outside the
    admin's own accounts: an agent shared with another tenant belongs to
    that tenant's admins too, so neither may take them over alone.
    """
    users = get_user_model().objects.all()
    if admin.is_superuser:
        return users
    mine = XPlatformAccount.objects.filter(assignments__user=admin)
    elsewhere = AccountAssignment.objects.exclude(account__in=mine).values("user")
    return (
        users.filter(is_superuser=False, account_assignments__account__in=mine)
        .exclude(pk__in=elsewhere)
        .distinct()
    )


@dataclass(frozen=True)
class RecentLookup:
    account_slug: str
    account_name: str
    unique_id: str
    flow_name: str
    viewed_at: datetime


def recent_lookups(*, user: Any, limit: int = 8) -> list[RecentLookup]:
    """This user's most recently opened interactions, newest first, no repeats."""
    rows = (
        InteractionAccess.objects.filter(
            user=user,
            action=InteractionAccess.Action.VIEW,
            outcome=InteractionAccess.Outcome.FOUND,
            # The agent's accounts now, not when they looked: someone removed
            # from an account no longer sees its lookups listed.
            account__in=XPlatformAccount.objects.for_user(user),
        )
        .exclude(source=InteractionAccess.Source.SNAPSHOT)
        .select_related("account")
        .order_by("-created_at", "-pk")[: limit * 5]
    )
    seen: set[tuple[int, str]] = set()
    recent: list[RecentLookup] = []
    for row in rows:
        assert row.account is not None  # noqa: S101  (filtered above)
        key = (row.account.pk, row.interaction_id)
        if key in seen:
            continue
        seen.add(key)
        recent.append(
            RecentLookup(
                account_slug=row.account.slug,
                account_name=row.account.name,
                unique_id=row.interaction_id,
                flow_name=row.flow_name,
                viewed_at=row.created_at,
            )
        )
        if len(recent) == limit:
            break
    return recent


# --------------------------------------------------------------------------
# Supervisor review: history, access log of one interaction, snapshots
# --------------------------------------------------------------------------


class AccessLogFilters(TypedDict, total=False):
    """What the history can be narrowed by; every key is optional.

    ``account`` is an XPlatformAccount (an account outside the user's scope
    gives an empty list); dates are inclusive days in TIME_ZONE.
    """

    agent: str
    account: XPlatformAccount | None
    date_from: date | None
    date_to: date | None
    outcome: str
    action: str
    flow: str
    has_photos: bool | None
    sort: str  # "newest" (default) or "oldest"


SORT_NEWEST = "newest"
SORT_OLDEST = "oldest"


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# How each history filter narrows the rows. A new filter is a line here and
# its field on review.forms.HistoryFilterForm; the page, the CSV export and
# the API (whose query parameters come from the form) follow.
HISTORY_FILTERS: dict[str, Callable[[Any], Q]] = {
    "agent": lambda name: Q(username=name),
    "account": lambda account: Q(account=account),
    "date_from": lambda day: Q(created_at__gte=_start_of_day(day)),
    "date_to": lambda day: Q(created_at__lt=_start_of_day(day + timedelta(days=1))),
    "outcome": lambda outcome: Q(outcome=outcome),
    "action": lambda action: Q(action=action),
    "flow": lambda text: Q(flow_name__icontains=text),
    "has_photos": lambda has: Q(has_photos=has),
}


def access_log_list(
    *, user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[InteractionAccess]:
    """Access-log rows of the user's accounts, filtered and sorted.

    Only rows of accounts the user is assigned to (all for superusers); an
    empty queryset without the history permission. See AccessLogFilters.
    """
    if not user.has_perm(roles.VIEW_TEAM_HISTORY):
        return InteractionAccess.objects.none()
    rows = InteractionAccess.objects.for_supervisor(user)
    for name, value in (filters or {}).items():
        if name in HISTORY_FILTERS and value not in (None, ""):
            rows = rows.filter(HISTORY_FILTERS[name](value))
    filters = filters or {}
    if filters.get("sort") == SORT_OLDEST:
        return rows.order_by("created_at", "pk")
    return rows.order_by("-created_at", "-pk")


def review_account(*, user: Any, slug: str) -> XPlatformAccount:
    """An account the user may review; Http404 otherwise."""
    if not user.has_perm(roles.VIEW_TEAM_HISTORY):
        raise Http404("No such page.")
    account = XPlatformAccount.objects.for_user(user).filter(slug=slug).first()
    if account is None:
        raise Http404("No such account.")
    return account


def access_log_for_interaction(
    *, user: Any, account: XPlatformAccount, interaction_id: str
) -> QuerySet[InteractionAccess]:
    """Who looked up, opened or viewed photos of one interaction, newest first."""
    if not user.has_perm(roles.VIEW_ACCESS_LOG):
        return InteractionAccess.objects.none()
    return (
        InteractionAccess.objects.for_supervisor(user)
        .filter(account=account, interaction_id=interaction_id)
        .order_by("-created_at", "-pk")
    )


def snapshot_list_for_interaction(
    *, user: Any, account: XPlatformAccount, interaction_id: str
) -> QuerySet[InteractionSnapshot]:
    """The stored copies of one interaction, newest first (without their JSON)."""
    if not user.has_perm(roles.VIEW_TEAM_HISTORY):
        return InteractionSnapshot.objects.none()
    return (
        InteractionSnapshot.objects.for_supervisor(user)
        .filter(account=account, interaction_id=interaction_id)
        .defer("data")
        .select_related("first_viewed_by")
        .annotate(photo_count=Count("photos"))
        .order_by("-created_at", "-pk")
    )


def snapshot_get(*, user: Any, snapshot_id: int) -> InteractionSnapshot:
    """A snapshot of one of the user's accounts; Http404 for anything else."""
    if not user.has_perm(roles.VIEW_TEAM_HISTORY):
        raise Http404("No such snapshot.")
    snapshot = (
        InteractionSnapshot.objects.for_supervisor(user)
        .select_related("account", "first_viewed_by")
        .filter(pk=snapshot_id)
        .first()
    )
    if snapshot is None:
        raise Http404("No such snapshot.")
    return snapshot


def snapshot_photo_get(*, snapshot: InteractionSnapshot, key: str) -> SnapshotPhoto:
    """The stored thumbnail of a snapshot's photo; Http404 when not stored."""
    photo = SnapshotPhoto.objects.filter(snapshot=snapshot, key=key).first()
    if photo is None:
        raise Http404("This photo was not stored with the snapshot.")
    return photo


def snapshot_photo_keys(*, snapshot: InteractionSnapshot) -> set[str]:
    """The keys of the photos whose thumbnails were stored with a snapshot."""
    return set(
        SnapshotPhoto.objects.filter(snapshot=snapshot).values_list("key", flat=True)
    )
