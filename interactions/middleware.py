"""Request IDs, request metrics, session idle timeout, framing per
FRAME_ANCESTORS, the audit log's address."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

import auditlog.middleware
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from interactions import lookup_state, metrics, permission_cache
from interactions.client_address import client_ip, via_trusted_proxy
from interactions.xplatform.context import bound_deadline, bound_request_id

_LAST_SEEN = "xpc_last_seen"
# Set in the new session of an idle sign-out: the sign-in page says why.
IDLE_SIGNED_OUT = "xpc_idle_signed_out"
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's ID may look like (nginx's $request_id is 32 hex digits, a
# UUID has dashes): it goes into log lines and an upstream header as it is.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")


def request_id_of(request: HttpRequest) -> str:
    """The request's ID: a trusted proxy's X-Request-ID if it is a sane
    token, otherwise a new one (a client could otherwise choose the ID its
    lines are filed under, or put text into every log line)."""
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    if sent and via_trusted_proxy(request) and _REQUEST_ID.fullmatch(sent):
        return str(sent)
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give every request an ID: on each log line it causes, on each
    X-Platform call it makes, and in the answer's X-Request-ID header
    (docs/deployment.md, "Logs and metrics"; docs/security.md, R-PII-02).
    First in MIDDLEWARE, so even a redirect or a refused host carries it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        # One deadline per request for its upstream work (interactions/fanout.py).
        with (
            bound_request_id(request_id),
            bound_deadline(float(settings.XPC_REQUEST_DEADLINE)),
        ):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestMetricsMiddleware:
    """Time each request into ``xpc_http_request_duration_seconds``.

    Labelled by route name (``interactions:detail``), never by path, which
    holds account slugs and interaction IDs; unmatched paths share one label.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        metrics.REQUEST_LATENCY.labels(
            view=match.view_name if match is not None else "unmatched",
            method=metrics.http_method(request.method),
            status=f"{response.status_code // 100}xx",
        ).observe(time.monotonic() - started)
        return response


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than XPC_SESSION_IDLE_TIMEOUT seconds.

    Floor PCs are shared; a session left open at the end of a shift must not
    stay usable by the next person (docs/security.md, R-DJ-04).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_out = None
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN)
            if (
                isinstance(last_seen, (int, float))
                and now - last_seen > settings.XPC_SESSION_IDLE_TIMEOUT
            ):
                signed_out = request.user.pk
                logout(request)
                request.session[IDLE_SIGNED_OUT] = True
            elif not isinstance(last_seen, (int, float)) or now - last_seen > 30:
                # Written at most every 30 s: a session save on every request
                # would cost a database write per page, refresh and photo.
                request.session[_LAST_SEEN] = now
        response = self.get_response(request)
        if signed_out is not None and _interrupted_lookup(request):
            # The agent signs in again and finds the search in the box
            # (issue 13: it ended in a 405); kept sealed, for this user only.
            lookup_state.keep_pending(request, signed_out, request.POST)
        return response


def _interrupted_lookup(request: HttpRequest) -> bool:
    """A lookup POST that passed the CSRF check: never keep a search that
    another site may have sent in the agent's name."""
    return (
        request.method == "POST"
        and request.path_info == reverse("interactions:lookup")
        and getattr(request, "csrf_processing_done", False)
    )


class PermissionCacheMiddleware:
    """The signed-in user's permissions from the shared cache, not two
    queries per request (interactions/permission_cache.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        permission_cache.prime(request.user)
        return self.get_response(request)


class FrameAncestorsMiddleware:
    """Drop X-Frame-Options when FRAME_ANCESTORS lists origins (R-DJ-07).

    X-Frame-Options cannot hold an allowlist; the CSP frame-ancestors
    directive, built from the same setting, then does the job.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.FRAME_ANCESTORS:
            # Read by XFrameOptionsMiddleware, which runs after this one on
            # the way out because it is listed before it.
            response.xframe_options_exempt = True
        return response


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):  # type: ignore[misc]
    """django-auditlog's middleware with the client address of client_ip.

    The original takes the first X-Forwarded-For entry from any client, so
    anyone could write any address into the admin's audit log; this one
    believes the header only from XPC_TRUSTED_PROXIES, like the access log.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        if not via_trusted_proxy(request):
            return None
        port = request.headers.get("X-Forwarded-Port", "")
        return int(port) if port.isdigit() and int(port) < 65536 else None
