"""Supervisor pages: history, CSV export, stored snapshots, one interaction's log.

Thin function views as in `interactions.views`. Every page answers 404, never
403, to users without the history permission, and shows only the accounts
the supervisor is assigned to (security.md, R-AC-02). Nothing here calls the
X-Platform: snapshots are read from the database only.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interactions import access_log, roles, selectors
from interactions.models import InteractionAccess, InteractionSnapshot, XPlatformAccount
from interactions.xplatform.validators import InvalidValue, validate_unique_id

Outcome = InteractionAccess.Outcome
Action = InteractionAccess.Action

PAGE_SIZE = 50
LOG_PAGE_SIZE = 100
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


class HistoryFilterForm(forms.Form):
    """The history filters, read from the query string (GET)."""

    agent = forms.CharField(label="Agent", required=False, max_length=150, strip=True)
    account = forms.ModelChoiceField(
        label="Account",
        queryset=XPlatformAccount.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All my accounts",
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any outcome"), *Outcome.choices],
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *Action.choices],
    )
    flow = forms.CharField(
        label="Flow name contains", required=False, max_length=200, strip=True
    )
    has_photos = forms.TypedChoiceField(
        label="Photos",
        required=False,
        choices=[("", "Any"), ("yes", "With photos"), ("no", "Without photos")],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    sort = forms.ChoiceField(
        label="Sort",
        required=False,
        choices=[
            (selectors.SORT_NEWEST, "Newest first"),
            (selectors.SORT_OLDEST, "Oldest first"),
        ],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["agent"].widget.attrs.update(
            {"list": "review-agent-names", "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["flow"].widget.attrs.update({"autocomplete": "off"})
        accounts = XPlatformAccount.objects.for_user(user)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        self.agent_names = list(
            get_user_model()
            .objects.filter(account_assignments__account__in=accounts)
            .order_by("username")
            .values_list("username", flat=True)
            .distinct()
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid field is left out (and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)

    def describe(self) -> str:
        """The filters in a few words, for the access log of an export."""
        parts = []
        for name, value in self.filters().items():
            if value in (None, "") or (name == "sort"):
                continue
            if isinstance(value, XPlatformAccount):
                value = value.slug
            parts.append(f"{name}={value}")
        return "; ".join(parts) or "all"


# --------------------------------------------------------------------------
# Access checks
# --------------------------------------------------------------------------


def _require_reviewer(request: HttpRequest) -> None:
    """404 (not 403) for anyone without the history permission."""
    if not request.user.has_perm(roles.VIEW_TEAM_HISTORY):
        raise Http404("No such page.")


def _snapshot_for(
    request: HttpRequest, snapshot_id: int, *, action: str
) -> InteractionSnapshot:
    """A snapshot of one of the user's accounts; else 404 and a 'denied' row."""
    try:
        return selectors.snapshot_get(user=request.user, snapshot_id=snapshot_id)
    except Http404:
        other = InteractionSnapshot.objects.filter(pk=snapshot_id).defer("data")
        found = other.select_related("account").first()
        if found is not None:
            access_log.interaction_access_record(
                user=request.user, account=found.account, action=action,
                outcome=Outcome.DENIED, request=request,
                interaction_id=found.interaction_id,
                source=selectors.SNAPSHOT_SOURCE,
            )  # fmt: skip
        raise


def _retention() -> dict[str, int]:
    return {
        "access_log_days": settings.XPC_ACCESS_LOG_RETENTION_DAYS,
        "snapshot_days": settings.XPC_SNAPSHOT_RETENTION_DAYS,
    }


# --------------------------------------------------------------------------
# History and export
# --------------------------------------------------------------------------


@never_cache
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """Every lookup and view of the supervisor's accounts, filtered and paged."""
    _require_reviewer(request)
    form = HistoryFilterForm(request.GET, user=request.user)
    rows = selectors.access_log_list(user=request.user, filters=form.filters())
    page = Paginator(rows.select_related("account"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    with_log_links = request.user.has_perm(roles.VIEW_ACCESS_LOG)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.history_rows(page, with_log_links=with_log_links),
        "retention": _retention(),
        "nav": "review",
    }
    return render(request, "interactions/review/history.html", context)


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


def _csv_lines(rows: Iterable[tuple[object, ...]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read the file as UTF-8
    yield writer.writerow(CSV_HEADER)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def _export_rows(rows: QuerySet[InteractionAccess]) -> Iterator[tuple[Any, ...]]:
    # Tuples, not model instances, streamed from the database in chunks: a
    # year of history never sits in memory at once.
    yield from rows.values_list(*_CSV_FIELDS).iterator(chunk_size=EXPORT_CHUNK_SIZE)


@never_cache
@require_GET
def history_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered history as CSV, streamed; the export itself is logged."""
    _require_reviewer(request)
    started = time.monotonic()
    form = HistoryFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "Correct the filters before exporting.", content_type="text/plain"
        )
    filters = form.filters()
    rows = selectors.access_log_list(user=request.user, filters=filters)
    # The list as it is now: rows written while the file streams stay out.
    newest = InteractionAccess.objects.order_by("-pk").values_list("pk", flat=True)
    rows = rows.filter(pk__lte=newest.first() or 0)
    accounts = (
        [filters["account"]]
        if filters.get("account")
        else XPlatformAccount.objects.for_user(request.user)
    )
    for account in accounts:
        access_log.interaction_access_record(
            user=request.user, account=account, action=Action.EXPORT,
            outcome=Outcome.FOUND, request=request, started=started,
            query=form.describe(), source="review",
        )  # fmt: skip
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        _csv_lines(_export_rows(rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="xpc-history-{stamp}.csv"'
    return response


# --------------------------------------------------------------------------
# Snapshots and the access log of one interaction
# --------------------------------------------------------------------------


@never_cache
@require_GET
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored copy of an interaction page, exactly as the agent saw it."""
    stored = _snapshot_for(request, pk, action=Action.VIEW)
    access_log.interaction_access_record(
        user=request.user, account=stored.account, action=Action.VIEW,
        outcome=Outcome.FOUND, request=request,
        interaction_id=stored.interaction_id, flow_name=stored.flow_name,
        has_photos=stored.has_photos, source=selectors.SNAPSHOT_SOURCE,
    )  # fmt: skip
    context = {
        "page": selectors.snapshot_page(stored),
        "snapshot": stored,
        "account": stored.account,
        "retention": _retention(),
        "nav": "review",
    }
    return render(request, "interactions/review/snapshot.html", context)


@never_cache
@require_GET
def snapshot_photo(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """A stored thumbnail of a snapshot; 404 when it was never stored."""
    stored = _snapshot_for(request, pk, action=Action.PHOTO)
    photo = selectors.snapshot_photo_get(snapshot=stored, key=key)
    access_log.interaction_access_record(
        user=request.user, account=stored.account, action=Action.PHOTO,
        outcome=Outcome.FOUND, request=request,
        interaction_id=stored.interaction_id, source=selectors.SNAPSHOT_SOURCE,
    )  # fmt: skip
    content_type = photo.content_type
    if content_type not in ("image/jpeg", "image/png"):
        content_type = "image/jpeg"
    response = HttpResponse(bytes(photo.thumbnail), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def interaction_log(request: HttpRequest, slug: str, unique_id: str) -> HttpResponse:
    """Who opened one interaction and its photos, when, and its stored copies."""
    if not request.user.has_perm(roles.VIEW_ACCESS_LOG):
        raise Http404("No such page.")
    account = selectors.review_account(user=request.user, slug=slug)
    try:
        unique_id = validate_unique_id(unique_id)
    except InvalidValue:
        raise Http404("No such interaction.") from None
    rows = selectors.access_log_for_interaction(
        user=request.user, account=account, interaction_id=unique_id
    )
    snapshots = selectors.snapshot_list_for_interaction(
        user=request.user, account=account, interaction_id=unique_id
    )
    context = {
        "account": account,
        "unique_id": unique_id,
        "page": Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page")),
        "snapshots": snapshots,
        "retention": _retention(),
        "nav": "review",
    }
    return render(request, "interactions/review/access_log.html", context)
