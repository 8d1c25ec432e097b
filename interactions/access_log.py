"""The access log: who looked up, opened or viewed what, and when (append-only).

Rows are written by the use cases in `interactions.services` and by the
access checks, never updated or deleted by the application except by the
retention purge (docs/security.md R-PII-01, R-PII-03).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from interactions import roles
from interactions.errors import error_kind
from interactions.masking import mask_query
from interactions.models import InteractionAccess, XPlatformAccount

logger = logging.getLogger(__name__)


def _printable(text: str, limit: int) -> str:
    # What a user typed into a URL or a form may hold NUL and other control
    # characters, which PostgreSQL text refuses; the log keeps a readable copy.
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text[:limit])


def interaction_access_record(
    *,
    user: Any,
    account: XPlatformAccount | None,
    account_slug: str = "",
    action: str,
    outcome: str,
    request: HttpRequest | None = None,
    started: float | None = None,
    interaction_id: str = "",
    query: str = "",
    search_kind: str = "",
    error: BaseException | None = None,
    flow_name: str = "",
    has_photos: bool | None = None,
    source: str = "page",
) -> InteractionAccess:
    """Write one append-only access-log row (security.md, R-PII-01)."""
    duration = int((time.monotonic() - started) * 1000) if started is not None else 0
    row = InteractionAccess.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        role=roles.role_label(user),
        account=account,
        account_slug=account.slug if account else _printable(account_slug, 50),
        action=action,
        outcome=outcome,
        error_kind=error_kind(error) if error is not None else "",
        search_kind=_printable(search_kind, 20),
        query_masked=_printable(mask_query(query), 120) if query else "",
        interaction_id=_printable(interaction_id, 64),
        flow_name=_printable(flow_name, 200),
        has_photos=has_photos,
        source=source,
        duration_ms=max(0, duration),
        client_ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
    logger.info(
        "access user=%s account=%s action=%s outcome=%s id=%s query=%s ms=%s",
        row.username,
        row.account_slug,
        action,
        outcome,
        row.interaction_id,
        row.query_masked,
        row.duration_ms,
    )
    return row


def access_log_purge(*, batch_size: int = 1000) -> int:
    """Delete access-log rows past XPC_ACCESS_LOG_RETENTION_DAYS (R-PII-03)."""
    cutoff = timezone.now() - timedelta(days=settings.XPC_ACCESS_LOG_RETENTION_DAYS)
    return InteractionAccess.objects.purge_before(cutoff, batch_size=batch_size)
