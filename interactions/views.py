"""HTML views of the agent console. Thin: parse, call a use case, render.

Every use case records its own access-log row (interactions.services); a
view only turns HTTP into a call and the answer into a page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from interactions import (
    images,
    live_news,
    lookup_answers,
    lookup_state,
    preferences,
    roles,
    section_cache,
    selectors,
    services,
)
from interactions.access_log import Actor
from interactions.errors import (
    NOT_FOUND,
    AccountUnavailable,
    InteractionNotFound,
    LookupFailed,
    PhotoUnavailable,
    agent_message,
    failure_of,
)
from interactions.forms import LookupForm
from interactions.models import InteractionAccess, XPlatformAccount
from interactions.permissions import account_for
from interactions.presenters import InteractionPage, Photo
from interactions.ratelimit import Scope, rate_limited
from interactions.xplatform.errors import XPlatformError
from interactions.xplatform.validators import InvalidValue

Action = InteractionAccess.Action
HOME = "interactions/home.html"
# The parts of the interaction page that live refresh redraws.
LIVE_SECTIONS = ("glance", "status", "answers", "timeline", "variables", "photos")


def _home_context(
    request: HttpRequest, form: LookupForm | None = None
) -> dict[str, Any]:
    user = request.user
    can_view = user.has_perm(roles.VIEW_INTERACTION)
    return {
        "form": form or (LookupForm(user=user) if can_view else None),
        "accounts": XPlatformAccount.objects.for_user(user),
        "recent": selectors.recent_lookups(user=user) if can_view else [],
        "role": gettext(roles.role_label(user)),
        "can_view_interactions": can_view,
        "can_review": user.has_perm(roles.VIEW_TEAM_HISTORY),
        "can_manage": user.has_perm(roles.MANAGE_PLATFORM_ACCOUNT),
    }


def _home(
    request: HttpRequest, form: LookupForm, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request, HOME, {**_home_context(request, form), **extra}, status=status
    )


@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the search box for agents, links for the other roles.

    After an idle sign-out the interrupted search is back in the box
    (lookup_state, middleware.IdleTimeoutMiddleware)."""
    pending = lookup_state.take_pending(request)
    if pending is None or not request.user.has_perm(roles.VIEW_INTERACTION):
        return render(request, HOME, _home_context(request))
    form = LookupForm(initial=pending, user=request.user)
    return _home(request, form, resumed=True)


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(Scope.SEARCH)
def lookup(request: HttpRequest) -> HttpResponse:
    """Resolve a phone number or ID; one match opens the interaction page,
    anything else a result page that Back can return to (POST-redirect-GET).
    A GET (signing in again after an idle sign-out) lands on the search box."""
    if request.method == "GET":
        return redirect("interactions:home")
    if not request.user.has_perm(roles.VIEW_INTERACTION):
        raise Http404("No such page.")
    actor = Actor.from_request(request)
    form = LookupForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused(request, actor, form)
    try:
        searches = _search(actor, form)
    except InvalidValue as exc:
        form.add_error("query", exc.message)
        return _home(request, form, status=400)
    except AccountUnavailable as exc:
        # The console cannot use its own stored key: its failure, a 503.
        return _home(request, form, status=503, lookup_error=agent_message(exc))
    except (XPlatformError, LookupFailed) as exc:
        # The page worked: the upstream failure is in it (issue 10).
        return _home(request, form, lookup_error=agent_message(exc))
    return _lookup_answer(request, form, searches)


def _refused(request: HttpRequest, actor: Actor, form: LookupForm) -> HttpResponse:
    sent = request.POST
    services.interaction_search_refused(
        actor=actor, account=None, query=sent.get("query"), kind=sent.get("kind")
    )
    return _home(request, form, status=400)


def _search(actor: Actor, form: LookupForm) -> list[services.AccountSearch]:
    accounts = form.accounts()
    query, kind = form.cleaned_data["query"], form.cleaned_data["kind"]
    if len(accounts) > 1:
        return services.interaction_search_accounts(
            actor=actor, accounts=accounts, query=query, kind=kind
        )
    result = services.interaction_search(
        actor=actor, account=accounts[0], query=query, kind=kind
    )
    return [services.AccountSearch(accounts[0], result=result)]


def _lookup_answer(
    request: HttpRequest, form: LookupForm, searches: list[services.AccountSearch]
) -> HttpResponse:
    matches = [
        (search.account, unique_id)
        for search in searches
        if search.result is not None
        for unique_id in search.result.unique_ids
    ]
    failed = [search for search in searches if search.error is not None]
    if len(matches) == 1 and not failed:
        account, unique_id = matches[0]
        return redirect("interactions:detail", account.slug, unique_id)
    kept = lookup_answers.kept_result(form, searches)
    result_id = lookup_state.keep_result(request, kept)
    return redirect("interactions:lookup_result", result_id)


@never_cache
@require_GET
def lookup_result(request: HttpRequest, result_id: str) -> HttpResponse:
    """A lookup's candidates (or why there are none), as a page Back
    returns to; kept in the session under a random ID, never the query."""
    if not request.user.has_perm(roles.VIEW_INTERACTION):
        raise Http404("No such page.")
    kept = lookup_state.kept_result(request, result_id)
    if kept is None:
        messages.info(
            request, gettext("That list of matches has expired. Look up again.")
        )
        return redirect("interactions:home")
    form = LookupForm(initial=kept.form, user=request.user)
    return _home(request, form, result=kept)


@login_not_required
@never_cache
@require_GET
def pop(request: HttpRequest) -> HttpResponse:
    """The screen-pop entry of a CTI or CRM desktop (docs/embedding.md).

    The caller's number comes in the URL's fragment (``/pop#number=...``),
    which browsers never send to a server: static/js/pop.js reads it, takes
    it out of the address and the history, and posts it to the lookup like
    the search box. Without JavaScript the page is the search box. Signed
    out, the page (which holds nothing) is served as it is, not redirected:
    a redirect would carry the fragment on to the sign-in page's address.
    """
    if not request.user.is_authenticated:
        return render(request, "interactions/pop.html", {"signed_out": True})
    if not request.user.has_perm(roles.VIEW_INTERACTION):
        raise Http404("No such page.")
    form = LookupForm(user=request.user)
    context = {"form": form, "accounts": form.user_accounts}
    return render(request, "interactions/pop.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (CSRF_FAILURE_VIEW), in plain words.

    Almost always a tab left open across a sign-in: its form's token is no
    longer the session's. Django's own page spoke of "CSRF verification";
    this one says what happened and where to go, in the console's layout.
    ``reason`` is Django's technical reason, logged by Django, never shown.
    """
    return render(request, "csrf_failure.html", status=403)


def _console_photo_urls(page: InteractionPage) -> InteractionPage:
    def url(photo: Photo, size: str) -> str:
        args = [page.account_slug, page.unique_id, photo.key, size]
        return "" if photo.rejected else reverse("interactions:photo", args=args)

    return page.with_photo_urls(url)


def _console_page(request: HttpRequest, page: InteractionPage) -> InteractionPage:
    """The page as the console shows it: its photo links and its own address
    (given in the summary agents paste into a ticket)."""
    path = reverse("interactions:detail", args=[page.account_slug, page.unique_id])
    return _console_photo_urls(page).with_console_url(request.build_absolute_uri(path))


def page_sections(
    request: HttpRequest, context: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """The page's changing sections and a digest of each.

    The page and the live refresh render them the same way; the script
    compares digests, not HTML as the browser re-serialises it, so an
    unchanged section is never redrawn. They are rendered from the page
    alone and shared between views of the same content
    (interactions/section_cache.py).
    """
    stored = bool(context.get("stored"))
    return section_cache.sections(context["page"], stored, LIVE_SECTIONS)


@never_cache
@require_GET
@rate_limited(Scope.INTERACTION)
def detail(request: HttpRequest, slug: str, unique_id: str) -> HttpResponse:
    """The interaction page: header, answers, timeline, variables, photos."""
    actor = Actor.from_request(request)
    account = account_for(actor, slug, action=Action.VIEW)
    context: dict[str, Any] = {"account": account, "unique_id": unique_id}
    try:
        opened = services.interaction_open(
            actor=actor, account=account, unique_id=unique_id
        )
    except InvalidValue:
        raise Http404("No such interaction.") from None
    except AccountUnavailable as exc:
        return render(
            request,
            "interactions/unavailable.html",
            {**context, "error": agent_message(exc)},
            status=503,
        )
    except InteractionNotFound:
        return render(request, "interactions/not_found.html", context, status=404)
    context["page"] = _console_page(request, opened.page)
    context["sections"], context["digests"] = page_sections(request, context)
    return render(request, "interactions/detail.html", context)


@never_cache
@require_GET
@rate_limited(Scope.INTERACTION)
def live(request: HttpRequest, slug: str, unique_id: str) -> JsonResponse:
    """The changing parts of the page, for live refresh and section retries."""
    actor = Actor.from_request(request)
    account = account_for(actor, slug, action=Action.REFRESH)
    try:
        page = services.interaction_refresh(
            actor=actor,
            account=account,
            unique_id=unique_id,
            fresh=request.GET.get("fresh") == "1",
        )
    except InvalidValue:
        raise Http404("No such interaction.") from None
    except InteractionNotFound as exc:
        return JsonResponse({"error": exc.message}, status=404)
    except AccountUnavailable as exc:
        return JsonResponse({"error": agent_message(exc)}, status=503)
    return JsonResponse(_live_body(request, account, _console_page(request, page)))


def _live_body(
    request: HttpRequest, account: XPlatformAccount, page: InteractionPage
) -> dict[str, Any]:
    sections, digests = page_sections(request, {"account": account, "page": page})
    return {
        "live": page.live,
        "as_of": page.data_as_of.isoformat() if page.data_as_of else None,
        "steps": len(page.steps),
        "summary_text": page.summary_text,
        "sections": sections,
        "digests": digests,
        # What this viewer's page gains: announced by its live region.
        **live_news.refresh_news(page, request.GET),
    }


@never_cache
@require_GET
@rate_limited(Scope.PHOTO)
def photo(
    request: HttpRequest, slug: str, unique_id: str, key: str, size: str
) -> HttpResponse:
    """A photo as a re-encoded JPEG; a placeholder with the reason on failure."""
    actor = Actor.from_request(request)
    account = account_for(actor, slug, action=Action.PHOTO)
    try:
        rendered = services.photo_open(
            actor=actor, account=account, unique_id=unique_id, key=key, size=size
        )
    except InvalidValue:
        raise Http404("No such photo.") from None
    except (PhotoUnavailable, AccountUnavailable) as exc:
        reason = agent_message(exc)
        if failure_of(exc) == NOT_FOUND:
            return _photo_not_found(reason)
        placeholder = images.placeholder_image(
            reason, size=512 if size == "thumb" else 1024
        )
        response = image_response(placeholder)
        response["X-Photo-Error"] = reason.encode("ascii", "replace").decode()
        return response
    return image_response(rendered)


def _photo_not_found(reason: str) -> HttpResponse:
    """A photo that does not exist is a 404 with the reason, never an image."""
    response = HttpResponse(
        reason, status=404, content_type="text/plain; charset=utf-8"
    )
    response["X-Photo-Error"] = reason.encode("ascii", "replace").decode()
    response["Cache-Control"] = "private, no-store"
    return response


def image_response(image: images.RenderedImage) -> HttpResponse:
    """An image answer that no cache keeps (customer data)."""
    response = HttpResponse(image.content, content_type=image.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def theme(request: HttpRequest) -> HttpResponse:
    """Remember the signed-in person's colour theme (theirs only: the form
    names no user), then go back to the page they chose it on."""
    chosen = request.POST.get("theme", "")
    if chosen not in preferences.Theme.values:
        return HttpResponseBadRequest(gettext("Choose Auto, Light or Dark."))
    preferences.theme_set(user=request.user, theme=chosen)  # type: ignore[arg-type]
    return redirect(_back_to(request))


def _back_to(request: HttpRequest) -> str:
    """The page the toggle was on, if it is one of the console's own."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("interactions:home")
