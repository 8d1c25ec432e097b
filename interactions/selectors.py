"""Read-side queries for pages: recent lookups, supervisor history, snapshots."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from interactions import roles
from interactions.models import (
    InteractionAccess,
    InteractionSnapshot,
    SnapshotPhoto,
    XPlatformAccount,
)
from interactions.xplatform.validators import InvalidValue, validate_unique_id

# The access log's `source` of views made from a stored snapshot.
SNAPSHOT_SOURCE = "snapshot"


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
            account__isnull=False,
            account__is_active=True,
        )
        .exclude(source=SNAPSHOT_SOURCE)
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


def access_log_list(
    *, user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[InteractionAccess]:
    """Access-log rows of the user's accounts, filtered and sorted.

    Only rows of accounts the user is assigned to (all for superusers); an
    empty queryset without the history permission. See AccessLogFilters.
    """
    if not user.has_perm(roles.VIEW_TEAM_HISTORY):
        return InteractionAccess.objects.none()
    filters = filters or {}
    rows = InteractionAccess.objects.for_supervisor(user)
    if filters.get("agent"):
        rows = rows.filter(username=filters["agent"])
    if filters.get("account") is not None:
        rows = rows.filter(account=filters["account"])
    if filters.get("date_from"):
        rows = rows.filter(created_at__gte=_start_of_day(filters["date_from"]))
    if filters.get("date_to"):
        next_day = filters["date_to"] + timedelta(days=1)
        rows = rows.filter(created_at__lt=_start_of_day(next_day))
    if filters.get("outcome"):
        rows = rows.filter(outcome=filters["outcome"])
    if filters.get("action"):
        rows = rows.filter(action=filters["action"])
    if filters.get("flow"):
        rows = rows.filter(flow_name__icontains=filters["flow"])
    if filters.get("has_photos") is not None:
        rows = rows.filter(has_photos=filters["has_photos"])
    if filters.get("sort") == SORT_OLDEST:
        return rows.order_by("created_at", "pk")
    return rows.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class HistoryRow:
    """An access-log row with its links (empty when there is nothing to open)."""

    row: InteractionAccess
    detail_url: str
    log_url: str


def history_rows(
    rows: Iterable[InteractionAccess], *, with_log_links: bool
) -> list[HistoryRow]:
    """Rows of a history page with links to the interaction and its access log.

    A row whose unique ID is not a valid one (an invalid request was logged
    as typed) gets no links.
    """
    views = []
    for row in rows:
        detail_url = log_url = ""
        if row.account is not None and row.interaction_id:
            try:
                unique_id = validate_unique_id(row.interaction_id)
            except InvalidValue:
                unique_id = ""
            if unique_id:
                args = [row.account.slug, unique_id]
                detail_url = reverse("interactions:detail", args=args)
                if with_log_links:
                    log_url = reverse("interactions:review-access-log", args=args)
        views.append(HistoryRow(row, detail_url, log_url))
    return views


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


# --- the snapshot page: stored JSON back into what the templates show -------


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class SnapshotPhotoView:
    key: str
    label: str
    step_number: int
    step_title: str
    file_name: str
    time: datetime | None
    rejected: bool
    stored: bool
    url: str


@dataclass(frozen=True)
class SnapshotPage:
    """A stored snapshot ready for the template: times as datetimes, photo URLs."""

    snapshot: InteractionSnapshot
    header: dict[str, Any]
    started_at: datetime | None
    last_activity: datetime | None
    data_as_of: datetime | None
    account_tz: ZoneInfo
    answers: list[dict[str, Any]]
    answers_error: str
    steps: list[dict[str, Any]]
    flow_error: str
    variable_sets: list[dict[str, Any]]
    photos: list[SnapshotPhotoView]
    summary_text: str


def snapshot_page(snapshot: InteractionSnapshot) -> SnapshotPage:
    """What the snapshot page shows, from the stored JSON only (no upstream)."""
    data: dict[str, Any] = snapshot.data if isinstance(snapshot.data, dict) else {}
    header = dict(data.get("header", {}))
    try:
        account_tz = ZoneInfo(str(header.get("time_zone") or "UTC"))
    except (ValueError, KeyError):
        account_tz = ZoneInfo("UTC")
    stored = set(
        SnapshotPhoto.objects.filter(snapshot=snapshot).values_list("key", flat=True)
    )
    photos = [
        SnapshotPhotoView(
            key=str(entry.get("key", "")),
            label=str(entry.get("label", "")),
            step_number=int(entry.get("step_number") or 0),
            step_title=str(entry.get("step_title", "")),
            file_name=str(entry.get("file_name", "")),
            time=_when(entry.get("time")),
            rejected=bool(entry.get("rejected")),
            stored=entry.get("key") in stored,
            url=reverse(
                "interactions:review-snapshot-photo",
                args=[snapshot.pk, str(entry.get("key", ""))],
            )
            if entry.get("key") in stored
            else "",
        )
        for entry in data.get("photos", [])
    ]
    answers = [
        {**row, "time": _when(row.get("time"))} for row in data.get("answers", [])
    ]
    steps = [
        {
            **step,
            "time": _when(step.get("time")),
            "spent": (
                timedelta(seconds=step["spent_seconds"])
                if isinstance(step.get("spent_seconds"), int)
                else None
            ),
        }
        for step in data.get("steps", [])
    ]
    return SnapshotPage(
        snapshot=snapshot,
        header=header,
        started_at=_when(header.get("started_at")),
        last_activity=_when(header.get("last_activity")),
        data_as_of=_when(header.get("data_as_of")),
        account_tz=account_tz,
        answers=answers,
        answers_error=str(data.get("answers_error", "")),
        steps=steps,
        flow_error=str(data.get("flow_error", "")),
        variable_sets=list(data.get("variable_sets", [])),
        photos=photos,
        summary_text=str(data.get("summary_text", "")),
    )
