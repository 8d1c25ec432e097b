"""Session idle timeout, framing per FRAME_ANCESTORS, the audit log's address."""

from __future__ import annotations

import time
from collections.abc import Callable

import auditlog.middleware
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from interactions.client_address import client_ip, via_trusted_proxy

_LAST_SEEN = "xpc_last_seen"


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than XPC_SESSION_IDLE_TIMEOUT seconds.

    Floor PCs are shared; a session left open at the end of a shift must not
    stay usable by the next person (docs/security.md, R-DJ-04).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN)
            if (
                isinstance(last_seen, (int, float))
                and now - last_seen > settings.XPC_SESSION_IDLE_TIMEOUT
            ):
                logout(request)
            elif not isinstance(last_seen, (int, float)) or now - last_seen > 30:
                # Written at most every 30 s: a session save on every request
                # would cost a database write per page, refresh and photo.
                request.session[_LAST_SEEN] = now
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
