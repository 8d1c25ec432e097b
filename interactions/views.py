"""HTML views of the console. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import hashlib
import time
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from interactions import (
    access_log,
    errors,
    images,
    presenters,
    roles,
    selectors,
    snapshots,
    upstream,
)
from interactions.forms import LookupForm
from interactions.interaction import Interaction
from interactions.models import InteractionAccess, XPlatformAccount
from interactions.permissions import account_for
from interactions.ratelimit import rate_limited
from interactions.xplatform.errors import XPlatformError
from interactions.xplatform.validators import InvalidValue

Outcome = InteractionAccess.Outcome
Action = InteractionAccess.Action


def _account_for(request: HttpRequest, slug: str, *, action: str) -> XPlatformAccount:
    return account_for(request, slug, action=action, source="page")


def _home_context(
    request: HttpRequest, form: LookupForm | None = None
) -> dict[str, Any]:
    user = request.user
    can_view = user.has_perm(roles.VIEW_INTERACTION)
    return {
        "form": form or (LookupForm(user=user) if can_view else None),
        "accounts": XPlatformAccount.objects.for_user(user),
        "recent": selectors.recent_lookups(user=user) if can_view else [],
        "role": roles.role_label(user),
        "can_view_interactions": can_view,
        "can_review": user.has_perm(roles.VIEW_TEAM_HISTORY),
        "can_manage": user.has_perm(roles.MANAGE_PLATFORM_ACCOUNT),
    }


@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the search box for agents, links for the other roles."""
    return render(request, "interactions/home.html", _home_context(request))


@never_cache
@require_POST
@rate_limited("search", "XPC_RATE_LIMIT_SEARCH")
def lookup(request: HttpRequest) -> HttpResponse:
    """Resolve a phone number or ID; one match opens the interaction page."""
    if not request.user.has_perm(roles.VIEW_INTERACTION):
        raise Http404("No such page.")
    started = time.monotonic()
    form = LookupForm(request.POST, user=request.user)
    if not form.is_valid():
        return _lookup_failed(request, form, started, None)
    account = form.cleaned_data["account"]
    query, kind = form.cleaned_data["query"], form.cleaned_data["kind"]
    record = partial(
        access_log.interaction_access_record,
        user=request.user, account=account, action=Action.SEARCH,
        request=request, started=started, query=query, search_kind=kind,
    )  # fmt: skip
    try:
        result = upstream.interaction_lookup(account=account, query=query, kind=kind)
    except InvalidValue as exc:
        form.add_error("query", exc.message)
        return _lookup_failed(request, form, started, account)
    except (XPlatformError, errors.AccountUnavailable) as exc:
        record(outcome=Outcome.UPSTREAM_ERROR, error=exc)
        context = _home_context(request, form)
        context["lookup_error"] = errors.agent_message(exc)
        return render(request, "interactions/home.html", context, status=502)
    if result.match:
        # Fetch now, in parallel, so the page after the redirect is a cache hit.
        upstream.interaction_fetch(account=account, unique_id=result.match)
        record(outcome=Outcome.FOUND, interaction_id=result.match)
        return redirect("interactions:detail", account.slug, result.match)
    context = _home_context(request, form)
    if result.candidates:
        record(outcome=Outcome.CANDIDATES)
        context["candidates"] = result.candidates
        context["candidate_account"] = account
    else:
        record(outcome=Outcome.NOT_FOUND)
        context["not_found"] = result.not_found_sentence()
        if result.errors:
            context["partial_error"] = errors.agent_message(result.errors[0])
    return render(request, "interactions/home.html", context)


def _lookup_failed(
    request: HttpRequest,
    form: LookupForm,
    started: float,
    account: XPlatformAccount | None,
) -> HttpResponse:
    query = str(request.POST.get("query", ""))
    if query:
        access_log.interaction_access_record(
            user=request.user, account=account, action=Action.SEARCH,
            outcome=Outcome.INVALID, request=request, started=started, query=query,
            search_kind=str(request.POST.get("kind", ""))[:20],
        )  # fmt: skip
    return render(
        request, "interactions/home.html", _home_context(request, form), status=400
    )


def _page_context(interaction: Interaction) -> dict[str, Any]:
    return {
        "account": interaction.account,
        "interaction": interaction,
        "steps": presenters.timeline(interaction),
        "answers": presenters.answers(interaction),
        "variable_sets": presenters.variable_sets(interaction),
        "photos": presenters.photo_views(interaction),
        "summary_error": presenters.part_error(interaction, "summary"),
        "flow_error": presenters.part_error(interaction, "flow"),
        "summary_text": presenters.summary_text(interaction),
        "as_of": interaction.fetched_at,
        "account_tz": interaction.account.tz(),
    }


LIVE_SECTIONS = ("status", "answers", "timeline", "variables", "photos")


def _sections(
    request: HttpRequest, context: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """The page's changing sections and a digest of each.

    The page and the live refresh render them the same way; the script
    compares digests, not HTML as the browser re-serialises it, so an
    unchanged section is never redrawn.
    """
    sections: dict[str, str] = {
        name: render_to_string(f"interactions/includes/{name}.html", context, request)
        for name in LIVE_SECTIONS
    }
    digests = {
        name: hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
        for name, html in sections.items()
    }
    return sections, digests


@never_cache
@require_GET
@rate_limited("interaction", "XPC_RATE_LIMIT_INTERACTION")
def detail(request: HttpRequest, slug: str, unique_id: str) -> HttpResponse:
    """The interaction page: header, answers, timeline, variables, photos."""
    started = time.monotonic()
    account = _account_for(request, slug, action=Action.VIEW)
    record = partial(
        access_log.interaction_access_record,
        user=request.user, account=account, action=Action.VIEW,
        request=request, started=started, interaction_id=unique_id,
    )  # fmt: skip
    try:
        interaction = upstream.interaction_fetch(account=account, unique_id=unique_id)
    except InvalidValue:
        record(outcome=Outcome.INVALID)
        raise Http404("No such interaction.") from None
    except errors.AccountUnavailable as exc:
        record(outcome=Outcome.UPSTREAM_ERROR, error=exc)
        context = {"account": account, "unique_id": unique_id, "error": exc.message}
        return render(request, "interactions/unavailable.html", context, status=503)
    if not interaction.found:
        record(outcome=Outcome.NOT_FOUND)
        context = {"account": account, "unique_id": unique_id}
        return render(request, "interactions/not_found.html", context, status=404)
    failed = not interaction.summary.ok and not interaction.flow.ok
    first_error = interaction.summary.error or interaction.flow.error
    record(
        outcome=Outcome.UPSTREAM_ERROR if failed else Outcome.FOUND,
        error=first_error if failed else None,
        flow_name=interaction.flow_name,
        has_photos=bool(interaction.photos),
    )
    context = _page_context(interaction)
    context["sections"], context["digests"] = _sections(request, context)
    response = render(request, "interactions/detail.html", context)
    if not failed:
        snapshots.interaction_snapshot_store(user=request.user, interaction=interaction)
    return response


@never_cache
@require_GET
@rate_limited("interaction", "XPC_RATE_LIMIT_INTERACTION")
def live(request: HttpRequest, slug: str, unique_id: str) -> JsonResponse:
    """The changing parts of the page, for live refresh and section retries."""
    account = _account_for(request, slug, action=Action.REFRESH)
    fresh = request.GET.get("fresh") == "1"
    try:
        interaction = upstream.interaction_fetch(
            account=account, unique_id=unique_id, fresh=fresh
        )
    except InvalidValue:
        raise Http404("No such interaction.") from None
    except errors.AccountUnavailable as exc:
        return JsonResponse({"error": exc.message}, status=503)
    context = _page_context(interaction)
    if interaction.found and (interaction.summary.ok or interaction.flow.ok):
        # What a live refresh shows is kept too, once per change.
        snapshots.interaction_snapshot_store(user=request.user, interaction=interaction)
    sections, digests = _sections(request, context)
    return JsonResponse(
        {
            "live": interaction.is_live,
            "as_of": interaction.fetched_at.isoformat(),
            "steps": len(context["steps"]),
            "summary_text": context["summary_text"],
            "sections": sections,
            "digests": digests,
        }
    )


@never_cache
@require_GET
@rate_limited("photo", "XPC_RATE_LIMIT_PHOTO")
def photo(
    request: HttpRequest, slug: str, unique_id: str, key: str, size: str
) -> HttpResponse:
    """A photo as a re-encoded JPEG; a placeholder with the reason on failure."""
    started = time.monotonic()
    account = _account_for(request, slug, action=Action.PHOTO)
    record = partial(
        access_log.interaction_access_record,
        user=request.user, account=account, action=Action.PHOTO,
        request=request, started=started, interaction_id=unique_id, source=size,
    )  # fmt: skip
    try:
        rendered = upstream.photo_render(
            account=account, unique_id=unique_id, key=key, size=size
        )
    except InvalidValue:
        record(outcome=Outcome.INVALID)
        raise Http404("No such photo.") from None
    except (errors.PhotoUnavailable, errors.AccountUnavailable) as exc:
        reason = getattr(exc, "reason", None) or errors.agent_message(exc)
        outcome = (
            Outcome.NOT_FOUND
            if getattr(exc, "kind", "") == "not_found"
            else Outcome.UPSTREAM_ERROR
        )
        record(outcome=outcome, error=exc)
        placeholder_size = 512 if size == "thumb" else 1024
        response = _image_response(
            images.placeholder_image(reason, size=placeholder_size)
        )
        response["X-Photo-Error"] = reason.encode("ascii", "replace").decode()
        return response
    record(outcome=Outcome.FOUND)
    if size == "thumb":
        snapshots.snapshot_photo_store(
            account=account, unique_id=unique_id, key=key, image=rendered
        )
    return _image_response(rendered)


def _image_response(image: images.RenderedImage) -> HttpResponse:
    response = HttpResponse(image.content, content_type=image.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, without calling the upstream."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "degraded", "database": database}
    return JsonResponse(body, status=status)
