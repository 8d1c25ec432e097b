"""Read-side queries for pages: recent lookups, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from interactions.models import InteractionAccess


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
