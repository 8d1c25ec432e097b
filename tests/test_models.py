"""Account validation and scoping."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from interactions.models import XPlatformAccount
from interactions.xplatform.hosts import (
    BaseUrlError,
    address_allowed,
    normalise_base_url,
)

DEFAULT_HOSTS = [".gointeract.io"]


@pytest.mark.parametrize(
    "url",
    [
        "http://gointeract.io",
        "https://127.0.0.1",
        "https://[::1]",
        "https://2130706433",
        "https://0x7f.1",
        "https://169.254.169.254",
        "https://user:pw@gointeract.io",
        "https://evil.example.com",
        "https://gointeract.io.evil.example",
        "https://gointeract.io:8443",
        "https://gointeract.io/../admin",
        "https://gointeract.io/?x=1",
        "ftp://gointeract.io",
        "gointeract.io",
        "https://localhost",
    ],
)
def test_default_allow_list_refuses(url):
    with pytest.raises(BaseUrlError):
        normalise_base_url(url, DEFAULT_HOSTS)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://gointeract.io", "https://gointeract.io"),
        ("https://GoInteract.io:443/", "https://gointeract.io"),
        ("https://eu.gointeract.io/internal", "https://eu.gointeract.io/internal"),
    ],
)
def test_allowed_urls_are_normalised(url, expected):
    assert normalise_base_url(url, DEFAULT_HOSTS) == expected


def test_listed_loopback_allows_http_and_any_port():
    hosts = [".gointeract.io", "127.0.0.1"]
    assert normalise_base_url("http://127.0.0.1:8001", hosts) == "http://127.0.0.1:8001"
    with pytest.raises(BaseUrlError):
        normalise_base_url("https://2130706433", hosts)
    with pytest.raises(BaseUrlError):
        normalise_base_url("http://localhost:8001", hosts)


@pytest.mark.parametrize(
    ("address", "loopback_ok", "allowed"),
    [
        ("8.8.8.8", False, True),
        ("127.0.0.1", False, False),
        ("127.0.0.1", True, True),
        ("10.0.0.5", False, False),
        ("192.168.1.1", False, False),
        ("169.254.169.254", False, False),
        ("100.64.0.1", False, False),
        ("fd00::1", False, False),
        ("fe80::1", False, False),
        ("::ffff:10.0.0.5", False, False),
        ("not-an-ip", False, False),
    ],
)
def test_connected_address_rules(address, loopback_ok, allowed):
    assert address_allowed(address, loopback_allowed=loopback_ok) is allowed


def test_model_refuses_a_disallowed_base_url_on_full_clean(acme):
    acme.base_url = "https://169.254.169.254"
    with pytest.raises(ValidationError) as excinfo:
        acme.full_clean()
    assert "base_url" in excinfo.value.message_dict


def test_model_refuses_a_disallowed_base_url_on_save(acme):
    acme.base_url = "https://evil.example.com"
    with pytest.raises(BaseUrlError):
        acme.save()


def test_variable_sets_are_validated_and_split(acme):
    assert acme.variable_set_ids() == ["customerInfoSet", "routingDataSet"]
    acme.variable_sets = "customerInfoSet,../x"
    with pytest.raises(ValidationError):
        acme.full_clean()


def test_time_zone_must_be_known(acme):
    acme.time_zone = "Mars/Base"
    with pytest.raises(ValidationError):
        acme.full_clean()


def test_users_see_only_assigned_active_accounts(agent, outsider, acme, globex):
    assert list(XPlatformAccount.objects.for_user(agent)) == [acme]
    assert list(XPlatformAccount.objects.for_user(outsider)) == [globex]
    acme.is_active = False
    acme.save()
    assert list(XPlatformAccount.objects.for_user(agent)) == []


def test_account_repr_and_str_never_show_the_key(acme):
    assert "acme-application-key" not in repr(acme)
    assert "acme-application-key" not in str(acme)
