"""The XPC_OIDC_* and XPC_LOCAL_LOGIN settings refuse what cannot work."""

from __future__ import annotations

import pytest

from tests.test_settings import _import_settings

SSO_ENV = {
    "XPC_OIDC_CLIENT_ID": "console",
    "XPC_OIDC_CLIENT_SECRET": "secret",
    "XPC_OIDC_ISSUER": "https://idp.example.com/realms/contact-centre",
    "XPC_OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example.com/auth",
    "XPC_OIDC_TOKEN_ENDPOINT": "https://idp.example.com/token",
    "XPC_OIDC_JWKS_ENDPOINT": "https://idp.example.com/certs",
}


def test_a_complete_sso_configuration_loads():
    result = _import_settings(**SSO_ENV, XPC_LOCAL_LOGIN="admins")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("XPC_LOCAL_LOGIN", "nobody"),
        ("XPC_OIDC_ISSUER", ""),
        ("XPC_OIDC_AUTHORIZATION_ENDPOINT", ""),
        ("XPC_OIDC_TOKEN_ENDPOINT", "http://idp.example.com/token"),
        ("XPC_OIDC_JWKS_ENDPOINT", ""),
        ("XPC_OIDC_END_SESSION_ENDPOINT", "ftp://idp.example.com/logout"),
        ("XPC_OIDC_CLIENT_SECRET", ""),
        ("XPC_OIDC_SIGN_ALGO", "HS256"),
        ("XPC_OIDC_CLOCK_SKEW", "-5"),
    ],
)
def test_a_bad_sso_value_stops_startup_naming_the_variable(variable, value):
    result = _import_settings(**{**SSO_ENV, variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_passwords_for_admins_only_need_sso():
    result = _import_settings(XPC_LOCAL_LOGIN="admins")
    assert result.returncode != 0
    assert "XPC_LOCAL_LOGIN=admins needs single sign-on" in result.stderr


def test_plain_http_is_accepted_on_loopback_only():
    local = "http://127.0.0.1:8080/realms/dev"
    result = _import_settings(**{**SSO_ENV, "XPC_OIDC_ISSUER": local})
    assert result.returncode == 0, result.stderr
