"""History rows with the links a supervisor can follow from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from interactions.caller_query import SearchKind
from interactions.models import InteractionAccess
from interactions.xplatform.validators import InvalidValue, validate_unique_id


@dataclass(frozen=True)
class HistoryRow:
    """An access-log row with its links (empty when there is nothing to open)."""

    row: InteractionAccess
    detail_url: str
    log_url: str

    @property
    def search_kind_label(self) -> str:
        """What the agent searched by, in the reader's language (the row
        keeps the code)."""
        kind = self.row.search_kind
        return str(SearchKind(kind).label) if kind in SearchKind.values else kind


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
