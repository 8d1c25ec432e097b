"""The client's address behind trusted proxies, and only behind them."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from interactions.client_address import client_ip, via_trusted_proxy

PROXIES = ["10.0.0.0/8", "2001:db8::/32"]


def _request(peer: str, forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # No proxy configured for this peer: the header is the client's word.
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),
        # Through one trusted proxy.
        ("10.1.2.3", "203.0.113.9", "203.0.113.9"),
        # A client-sent header ahead of the proxy's own entry is skipped.
        ("10.1.2.3", "1.1.1.1, 203.0.113.9", "203.0.113.9"),
        # Two trusted hops.
        ("10.1.2.3", "203.0.113.9, 10.9.9.9", "203.0.113.9"),
        # Every hop trusted: the leftmost is as far as we can see.
        ("10.1.2.3", "10.4.4.4, 10.9.9.9", "10.4.4.4"),
        # A malformed hop stops the walk at the last trusted address.
        ("10.1.2.3", "203.0.113.9, nonsense", "10.1.2.3"),
        # From a proxy with no header at all.
        ("10.1.2.3", None, "10.1.2.3"),
        # IPv6 and ports.
        ("2001:db8::5", "[2001:db8:1::9]:443, 198.51.100.1:5555", "198.51.100.1"),
        ("::ffff:10.1.2.3", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_ip(settings, peer, forwarded, client):
    settings.XPC_TRUSTED_PROXIES = PROXIES
    assert client_ip(_request(peer, forwarded)) == client


def test_no_trusted_proxies_means_the_header_is_never_read(settings):
    settings.XPC_TRUSTED_PROXIES = []
    request = _request("10.1.2.3", "203.0.113.9")
    assert client_ip(request) == "10.1.2.3"
    assert not via_trusted_proxy(request)


def test_the_access_log_records_the_client_behind_the_proxy(
    settings, agent_client, agent, acme
):
    from interactions.models import InteractionAccess

    settings.XPC_TRUSTED_PROXIES = ["127.0.0.1"]
    agent_client.post(
        "/lookup",
        {"account": acme.slug, "query": "nonsense!!", "kind": "auto"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    row = InteractionAccess.objects.get()
    assert row.client_ip == "203.0.113.9"


def test_the_api_throttle_counts_anonymous_callers_by_client_ip(settings):
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    from interactions.api.throttling import ConsoleThrottle

    throttle_classes: list[object] = list(api_settings.DEFAULT_THROTTLE_CLASSES)
    assert throttle_classes == [ConsoleThrottle]
    throttle = ConsoleThrottle()
    settings.XPC_TRUSTED_PROXIES = PROXIES
    # DRF's own get_ident would take the client's word: "203.0.113.9".
    assert throttle.get_ident(Request(_request("198.51.100.7", "203.0.113.9"))) == (
        "198.51.100.7"
    )
    assert throttle.get_ident(Request(_request("10.1.2.3", "203.0.113.9"))) == (
        "203.0.113.9"
    )
