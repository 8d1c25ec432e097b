"""Supervisor pages: history, CSV export, stored snapshots, one interaction's log.

Thin function views as in `interactions.views`. Every page answers 404, never
403, to users without the history permission, and shows only the accounts
the supervisor is assigned to (docs/security.md R-AC-02). Nothing here calls
the X-Platform: snapshots are read from the database only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interactions import roles, selectors, services
from interactions.access_log import Actor
from interactions.models import InteractionAccess, InteractionSnapshot
from interactions.permissions import snapshot_for
from interactions.presenters import InteractionPage, Photo
from interactions.review.export import history_export as export_lines
from interactions.review.forms import HistoryFilterForm
from interactions.review.rows import history_rows
from interactions.views import page_sections
from interactions.xplatform.validators import InvalidValue, validate_unique_id

Action = InteractionAccess.Action
PAGE_SIZE = 50
LOG_PAGE_SIZE = 100


def _require_reviewer(request: HttpRequest) -> None:
    """404 (not 403) for anyone without the history permission."""
    if not request.user.has_perm(roles.VIEW_TEAM_HISTORY):
        raise Http404("No such page.")


def _context(**values: Any) -> dict[str, Any]:
    retention = {
        "access_log_days": settings.XPC_ACCESS_LOG_RETENTION_DAYS,
        "snapshot_days": settings.XPC_SNAPSHOT_RETENTION_DAYS,
    }
    return {"retention": retention, "nav": "review", **values}


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
    rows_shown = history_rows(page, with_log_links=with_log_links)
    context = _context(form=form, page=page, rows=rows_shown)
    return render(request, "interactions/review/history.html", context)


@never_cache
@require_GET
def history_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered history as CSV, streamed; the export itself is logged."""
    _require_reviewer(request)
    form = HistoryFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "Correct the filters before exporting.", content_type="text/plain"
        )
    lines = export_lines(actor=Actor.from_request(request), form=form)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="xpc-history-{stamp}.csv"'
    return response


def _stored_photo_urls(
    page: InteractionPage, snapshot: InteractionSnapshot
) -> InteractionPage:
    stored = selectors.snapshot_photo_keys(snapshot=snapshot)

    def url(photo: Photo, size: str) -> str:
        if photo.rejected or photo.key not in stored:
            return ""
        return reverse(
            "interactions:review-snapshot-photo", args=[snapshot.pk, photo.key]
        )

    return page.with_photo_urls(url)


def _stored_page(
    request: HttpRequest, page: InteractionPage, snapshot: InteractionSnapshot
) -> InteractionPage:
    """The stored page with its photos; its summary links to the live page,
    as the agent's copy did."""
    path = reverse("interactions:detail", args=[snapshot.account.slug, page.unique_id])
    page = _stored_photo_urls(page, snapshot)
    return page.with_console_url(request.build_absolute_uri(path))


@never_cache
@require_GET
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored copy of an interaction page, exactly as the agent saw it."""
    actor = Actor.from_request(request)
    stored = snapshot_for(actor, pk, action=Action.VIEW)
    page = _stored_page(
        request, services.snapshot_open(actor=actor, snapshot=stored), stored
    )
    context = _context(page=page, snapshot=stored, account=stored.account, stored=True)
    context["sections"], context["digests"] = page_sections(request, context)
    return render(request, "interactions/review/snapshot.html", context)


@never_cache
@require_GET
def snapshot_photo(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """A stored thumbnail of a snapshot; 404 when it was never stored."""
    actor = Actor.from_request(request)
    stored = snapshot_for(actor, pk, action=Action.PHOTO)
    photo = selectors.snapshot_photo_get(snapshot=stored, key=key)
    services.snapshot_photo_open(actor=actor, photo=photo)
    response = HttpResponse(
        bytes(photo.thumbnail), content_type=photo.safe_content_type
    )
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
    user = request.user
    rows = selectors.access_log_for_interaction(
        user=user, account=account, interaction_id=unique_id
    )
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    snapshots = selectors.snapshot_list_for_interaction(
        user=user, account=account, interaction_id=unique_id
    )
    context = _context(
        account=account, unique_id=unique_id, page=page, snapshots=snapshots
    )
    return render(request, "interactions/review/access_log.html", context)
