"""The history as CSV: streamed in chunks, safe to open in a spreadsheet.

Exporting is itself an access: one row per account the file covers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from interactions import selectors
from interactions.access_log import Access, Actor
from interactions.models import InteractionAccess, XPlatformAccount
from interactions.review.forms import HistoryFilterForm

Action = InteractionAccess.Action
Outcome = InteractionAccess.Outcome

EXPORT_CHUNK_SIZE = 2000
# Spreadsheets run cells starting with these as formulas (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = [
    "time",
    "agent",
    "role",
    "account",
    "action",
    "source",
    "query (masked)",
    "search kind",
    "unique ID",
    "flow name",
    "has photos",
    "outcome",
    "error kind",
    "duration (ms)",
]
_CSV_FIELDS = [
    "created_at",
    "username",
    "role",
    "account_slug",
    "action",
    "source",
    "query_masked",
    "search_kind",
    "interaction_id",
    "flow_name",
    "has_photos",
    "outcome",
    "error_kind",
    "duration_ms",
]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[tuple[object, ...]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read the file as UTF-8
    yield writer.writerow(CSV_HEADER)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def _export_rows(rows: QuerySet[InteractionAccess]) -> Iterator[tuple[Any, ...]]:
    # Tuples, not model instances, streamed from the database in chunks: a
    # year of history never sits in memory at once.
    yield from rows.values_list(*_CSV_FIELDS).iterator(chunk_size=EXPORT_CHUNK_SIZE)


def history_export(*, actor: Actor, form: HistoryFilterForm) -> Iterator[str]:
    """The lines of the filtered history as CSV (the form must be valid).

    The list is taken as it is now: rows written while the file streams stay
    out. The export is recorded once per account it covers.
    """
    filters = form.filters()
    rows = selectors.access_log_list(user=actor.user, filters=filters)
    newest = InteractionAccess.objects.order_by("-pk").values_list("pk", flat=True)
    rows = rows.filter(pk__lte=newest.first() or 0)
    accounts = (
        [filters["account"]]
        if filters.get("account")
        else XPlatformAccount.objects.for_user(actor.user)
    )
    for account in accounts:
        Access(
            actor,
            Action.EXPORT,
            account,
            query=form.describe(),
            source=InteractionAccess.Source.REVIEW,
        ).record(Outcome.FOUND)
    return csv_lines(_export_rows(rows))
