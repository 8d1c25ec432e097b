"""Django's deployment checklist and the project's own security checks."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection

from interactions import checks
from interactions.checks import check_security_settings


@pytest.fixture(autouse=True)
def _production_hashers(settings):
    # The suite's conftest swaps in a fast hasher; these checks look at the real one.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def _ids(**_: object) -> set[str | None]:
    return {message.id for message in check_security_settings()}


def test_deploy_checks_pass_with_production_settings(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
    call_command("check", deploy=True, fail_level="WARNING")


def test_deploy_check_catches_a_missing_ssl_redirect(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "security.W008" in ids


def test_project_checks_pass_by_default():
    assert _ids() == set()


def test_missing_csp_middleware_is_an_error(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "csp" not in m]
    assert "xpc.E001" in _ids()


def test_non_argon2_first_hasher_is_an_error(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert "xpc.E002" in _ids()


@pytest.mark.parametrize(
    ("ancestors", "samesite", "expected"),
    [([], "None", True), ([], "Lax", False), (["https://d.example.com"], "Lax", True)],
)
def test_samesite_must_follow_frame_ancestors(settings, ancestors, samesite, expected):
    settings.FRAME_ANCESTORS = ancestors
    settings.SESSION_COOKIE_SAMESITE = samesite
    assert ("xpc.E003" in _ids()) is expected


def test_plain_http_frame_ancestor_is_an_error(settings):
    settings.FRAME_ANCESTORS = ["http://desktop.example.com"]
    settings.SESSION_COOKIE_SAMESITE = "None"
    assert "xpc.E004" in _ids()


@pytest.mark.parametrize("keys", [[], ["not-a-key"]])
def test_bad_field_keys_are_an_error(settings, keys):
    settings.XPC_FIELD_ENCRYPTION_KEYS = keys
    assert "xpc.E005" in _ids()


def test_browsable_api_in_production_is_an_error(settings):
    settings.DEBUG = False
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.BrowsableAPIRenderer"],
    }
    assert "xpc.E006" in _ids()


def test_no_view_is_csrf_exempt():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(path)
        for folder in ("interactions", "xplatform_console")
        for path in (root / folder).rglob("*.py")
        if "csrf_exempt" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_an_sqlite_without_returning_is_an_error(monkeypatch):
    assert checks.check_sqlite_version() == []  # this Python's SQLite
    monkeypatch.setattr(checks, "sqlite_version", lambda: (3, 34, 1))
    errors = checks.check_sqlite_version()
    if connection.vendor != "sqlite":  # make test-services: PostgreSQL
        assert errors == []
        return
    assert [e.id for e in errors] == ["xpc.E007"]
    assert "SQLite 3.34.1 is too old" in errors[0].msg
