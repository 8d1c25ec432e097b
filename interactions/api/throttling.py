"""The API's per-user throttle, keyed like the rest of the console (R-AC-04).

DRF's ``ScopedRateThrottle`` counts signed-in users by their id, and would
count anyone else by ``get_ident``, which believes any client's
``X-Forwarded-For``. Here the address comes from ``client_ip``: the header
counts only from XPC_TRUSTED_PROXIES (interactions/client_address.py).
Each refusal is counted in ``xpc_rate_limited_total`` (docs/deployment.md).
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from interactions import metrics
from interactions.client_address import client_ip


class ConsoleScopedRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle with the console's client address for anonymous calls."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request) or "unknown"

    def throttle_failure(self) -> bool:
        metrics.rate_limited(str(self.scope), "api")
        return super().throttle_failure()
