"""The access log: who looked up, opened or viewed what, and when (append-only).

Rows are written by the use cases in `interactions.services` and by the
access checks, never updated or deleted by the application except by the
retention purge (docs/security.md R-PII-01, R-PII-03).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.request import Request

from interactions import roles, row_insert
from interactions.client_address import client_ip
from interactions.errors import error_kind
from interactions.masking import mask_query
from interactions.models import InteractionAccess, XPlatformAccount

Source = InteractionAccess.Source

logger = logging.getLogger(__name__)


def _printable(text: str, limit: int) -> str:
    # What a user typed into a URL or a form may hold NUL and other control
    # characters, which PostgreSQL text refuses; the log keeps a readable copy.
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text[:limit])


@dataclass(frozen=True)
class Actor:
    """Who is asking, built once per request: the user, their address, and
    the interface (page or API) the request came through."""

    user: Any
    client_ip: str | None = None
    source: str = Source.PAGE

    @classmethod
    def from_request(
        cls, request: HttpRequest | Request, *, source: str = Source.PAGE
    ) -> Actor:
        return cls(request.user, client_ip(request), source)

    @property
    def username(self) -> str:
        return str(getattr(self.user, "username", "") or "")


@dataclass
class Access:
    """One access being recorded: what was asked, by whom, since when.

    Made when the request starts; ``record()`` writes the append-only row
    once the outcome is known (docs/security.md R-PII-01). ``source``
    overrides the actor's (a thumbnail, a stored snapshot, a review export).
    """

    actor: Actor
    action: str
    account: XPlatformAccount | None = None
    account_slug: str = ""
    interaction_id: str = ""
    query: str = ""
    search_kind: str = ""
    source: str = ""
    started: float = field(default_factory=time.monotonic)

    def record(
        self,
        outcome: str,
        *,
        error: BaseException | None = None,
        interaction_id: str | None = None,
        flow_name: str = "",
        has_photos: bool | None = None,
    ) -> InteractionAccess:
        user = self.actor.user
        account = self.account
        row = InteractionAccess(
            user=user if getattr(user, "pk", None) else None,
            username=self.actor.username,
            role=roles.role_label(user),
            account=account,
            account_slug=account.slug if account else _printable(self.account_slug, 50),
            action=self.action,
            outcome=outcome,
            error_kind=error_kind(error) if error is not None else "",
            search_kind=_printable(self.search_kind, 20),
            query_masked=_printable(mask_query(self.query), 120) if self.query else "",
            interaction_id=_printable(
                self.interaction_id if interaction_id is None else interaction_id, 64
            ),
            flow_name=_printable(flow_name, 200),
            has_photos=has_photos,
            source=self.source or self.actor.source,
            duration_ms=max(0, int((time.monotonic() - self.started) * 1000)),
            client_ip=self.actor.client_ip,
        )
        row_insert.insert(row)
        logger.info(
            "access user=%s account=%s action=%s outcome=%s error=%s id=%s "
            "query=%s ms=%s",
            row.username,
            row.account_slug,
            row.action,
            row.outcome,
            row.error_kind or "-",
            row.interaction_id,
            row.query_masked,
            row.duration_ms,
            # The same as fields of their own in JSON lines (R-PII-02: the
            # query is the masked one; the log filter masks these again).
            extra={
                "event": "access",
                "user": row.username,
                "account": row.account_slug,
                "action": row.action,
                "outcome": row.outcome,
                "error_kind": row.error_kind,
                "interaction_id": row.interaction_id,
                "query": row.query_masked,
                "source": row.source,
                "ms": row.duration_ms,
            },
        )
        return row


def access_log_purge(*, batch_size: int = 1000) -> int:
    """Delete access-log rows past XPC_ACCESS_LOG_RETENTION_DAYS (R-PII-03)."""
    cutoff = timezone.now() - timedelta(days=settings.XPC_ACCESS_LOG_RETENTION_DAYS)
    return InteractionAccess.objects.purge_before(cutoff, batch_size=batch_size)
