"""Which upstream base URLs and addresses the console may talk to.

Used twice (docs/security.md, R-SSRF-01): when an admin saves an account's base
URL, and by the client on every new connection, against the address it
actually connected to (R-SSRF-03).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PATH_PREFIX = re.compile(r"^(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$")
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class BaseUrlError(ValueError):
    """A base URL the console refuses to call; the message is for an admin."""


def _is_dns_name(host: str) -> bool:
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        return False
    # The last label of a real name is not all digits; this also refuses the
    # numeric IPv4 spellings such as 2130706433 and 0x7f.1.
    return not labels[-1].isdigit() and not labels[-1].startswith("0x")


def host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """True when host matches an entry: exact, or a leading-dot suffix."""
    host = host.lower().rstrip(".")
    for entry in allowed_hosts:
        entry = entry.lower().strip()
        if entry.startswith("."):
            if host == entry[1:] or host.endswith(entry):
                return True
        elif host == entry:
            return True
    return False


def normalise_base_url(url: str, allowed_hosts: Iterable[str]) -> str:
    """Return the base URL in canonical form, or raise BaseUrlError.

    Non-loopback hosts need https on port 443 and a DNS name allowed by
    XPC_UPSTREAM_ALLOWED_HOSTS. Loopback hosts (the simulator) are allowed
    only when listed exactly, and then http and any port are fine.
    """
    allowed = [entry.lower().strip() for entry in allowed_hosts]
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BaseUrlError("The base URL is not a valid URL.") from None
    if parts.scheme not in {"http", "https"}:
        raise BaseUrlError("The base URL must start with https://.")
    if "@" in parts.netloc:
        raise BaseUrlError("The base URL must not contain a user name or password.")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise BaseUrlError("The base URL must not have a query or a fragment.")
    host = (parts.hostname or "").lower()
    if not host:
        raise BaseUrlError("The base URL has no host name.")
    path = parts.path.rstrip("/")
    if not _PATH_PREFIX.match(path) or "/." in path:
        raise BaseUrlError(
            "The base URL path may only hold plain segments such as /internal."
        )
    if host in LOOPBACK_NAMES:
        if host not in allowed:
            raise BaseUrlError(
                f"{host} is a loopback address; it is allowed only when "
                "XPC_UPSTREAM_ALLOWED_HOSTS lists it."
            )
    else:
        if not _is_dns_name(host):
            raise BaseUrlError("The base URL must use a host name, not an IP address.")
        if not host_allowed(host, allowed):
            raise BaseUrlError(
                f"{host} is not in XPC_UPSTREAM_ALLOWED_HOSTS "
                f"({', '.join(allowed) or 'empty'})."
            )
        if parts.scheme != "https":
            raise BaseUrlError("The base URL must start with https://.")
        if port not in {None, 443}:
            raise BaseUrlError("The base URL must use the standard https port 443.")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and not (parts.scheme == "https" and port == 443):
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme}://{netloc}{path}"


def address_allowed(address: str, *, loopback_allowed: bool) -> bool:
    """True when a connected peer address is one the console may talk to.

    Public addresses always; loopback only for a listed loopback host.
    Private, link-local (cloud metadata), CGNAT, unique-local, multicast,
    reserved and unspecified addresses never.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return loopback_allowed
    return ip.is_global and not ip.is_multicast
