"""The API's per-user throttle: the pages' limiter, one budget (R-AC-04).

``ConsoleThrottle`` calls ``interactions.ratelimit.hit`` with the view's
``throttle_scope`` (a ``ratelimit.Scope``) and the user's id, the same key
the HTML pages use, so a user's lookups count once whether made on the page
or through the API, and atomically in Redis. Calls with no signed-in user
(refused by the permissions before any throttle) would count by the address
from ``client_ip``: ``X-Forwarded-For`` counts only from XPC_TRUSTED_PROXIES
(interactions/client_address.py). Each refusal is counted in
``xpc_rate_limited_total`` (docs/deployment.md); DRF answers 429 with
Retry-After, in the API's one error shape (``api/exceptions.py``).
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from interactions import metrics, ratelimit
from interactions.client_address import client_ip


class ConsoleThrottle(BaseThrottle):
    """The console's rate limiter for the view's ``throttle_scope``."""

    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        name = getattr(view, "throttle_scope", None)
        if name is None:
            return True
        scope = ratelimit.Scope(name)
        user = request.user
        if user is not None and user.is_authenticated:
            ident: object = user.pk  # the key the pages use
        else:
            ident = f"ip:{self.get_ident(request)}"
        decision = ratelimit.hit(scope=scope, ident=ident, limit=scope.limit)
        if decision.allowed:
            return True
        self._wait = decision.retry_after
        metrics.rate_limited(str(scope), "api")
        return False

    def get_ident(self, request: Request) -> str:
        return client_ip(request) or "unknown"

    def wait(self) -> float | None:
        return self._wait
