"""The client's address, trusting X-Forwarded-For only from trusted proxies.

Behind nginx or a load balancer every request comes from the proxy, so
``REMOTE_ADDR`` alone would put the proxy's address in every access-log
row and give the whole floor one rate-limit and lockout bucket. A client
can send any ``X-Forwarded-For`` it likes, so the header is read only when
the request arrived from an address in ``XPC_TRUSTED_PROXIES``, and then
from the right: each trusted hop is skipped and the first address that is
not a trusted proxy is the client (docs/deployment.md, "Behind a proxy").
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> _Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def trusted(address: _Address | None) -> bool:
    """The address is one of the configured proxies."""
    if address is None:
        return False
    networks = _networks(tuple(settings.XPC_TRUSTED_PROXIES))
    return any(address in network for network in networks)


def via_trusted_proxy(request: Any) -> bool:
    """The request came straight from a trusted proxy."""
    return trusted(_address(request.META.get("REMOTE_ADDR", "")))


def client_ip(request: Any) -> str | None:
    """The client's address as the console records and limits it."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    if not trusted(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: trust nothing to its left
        if not trusted(address):
            return str(address)
        peer = address
    return str(peer)
