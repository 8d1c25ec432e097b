"""The /metrics endpoint for Prometheus, behind a bearer token.

Off (404, as if absent) unless XPC_METRICS_TOKEN (or XPC_METRICS_TOKEN_FILE)
is set; then it answers only ``Authorization: Bearer <token>``, compared in
constant time. The metrics hold no personal data (``interactions.metrics``
keeps labels to route names, account slugs and fixed words), but they do
tell an outsider which accounts exist and how busy the console is.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interactions import metrics


def _authorised(request: HttpRequest, token: str) -> bool:
    scheme, _, sent = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        sent.strip().encode(), token.encode()
    )


@login_not_required
@never_cache
@require_GET
def metrics_endpoint(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format, for a scraper with the token."""
    token = settings.XPC_METRICS_TOKEN
    if not token:
        raise Http404
    if not _authorised(request, token):
        response = HttpResponse(
            "A bearer token is needed to read the metrics.\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
