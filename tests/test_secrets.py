"""Secrets from files, and a SECRET_KEY that rotates without signing anyone out.

Every secret has a NAME_FILE form (mounted secrets, systemd credentials);
DJANGO_SECRET_KEY_FALLBACKS keeps the previous key valid while a new one rolls
out to every instance (docs/deployment.md, "Key rotation").
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings

from tests.support.console import logged_in
from tests.support.settings_process import KEY_A, run_python, settings_value
from xplatform_console.env import env_secret, env_secret_list

KEY_B = "9lB0F3m4iZb1h0m0bQ2bq6Jt8sX1W2s3k4Rj5Vn6Yc8="
OLD_SECRET = "old-signing-key-" + "o" * 50
NEW_SECRET = "new-signing-key-" + "n" * 50


@pytest.mark.parametrize(
    ("variable", "content", "expression", "expected"),
    [
        ("DJANGO_SECRET_KEY", "k" * 60, "s.SECRET_KEY", "k" * 60),
        (
            "DJANGO_SECRET_KEY_FALLBACKS",
            f"{OLD_SECRET}\n",
            "s.SECRET_KEY_FALLBACKS",
            str([OLD_SECRET]),
        ),
        (
            "XPC_FIELD_ENCRYPTION_KEYS",
            f"{KEY_B}\n{KEY_A}\n",
            "s.XPC_FIELD_ENCRYPTION_KEYS",
            str([KEY_B, KEY_A]),
        ),
        (
            "DATABASE_URL",
            "postgres://xpc:pw@db.internal:5432/xpc\n",
            "s.DATABASES['default']['HOST'], s.DATABASES['default']['PASSWORD']",
            "db.internal pw",
        ),
        (
            "REDIS_URL",
            "redis://:pw@cache.internal:6379/0\n",
            "s.CACHES['default']['LOCATION']",
            "redis://:pw@cache.internal:6379/0",
        ),
    ],
)
def test_every_secret_reads_from_its_file(
    tmp_path, variable, content, expression, expected
):
    secret_file = tmp_path / "secret"
    secret_file.write_text(content, encoding="utf-8")
    value = settings_value(
        expression, **{variable: "", f"{variable}_FILE": str(secret_file)}
    )
    assert value == expected


def test_oidc_client_secret_reads_from_its_file(tmp_path):
    secret_file = tmp_path / "oidc"
    secret_file.write_text("client-secret-from-file\n", encoding="utf-8")
    value = settings_value(
        "s.OIDC_RP_CLIENT_SECRET",
        XPC_OIDC_CLIENT_ID="console",
        XPC_OIDC_CLIENT_SECRET_FILE=str(secret_file),
        XPC_OIDC_ISSUER="https://id.example.com",
        XPC_OIDC_AUTHORIZATION_ENDPOINT="https://id.example.com/authorize",
        XPC_OIDC_TOKEN_ENDPOINT="https://id.example.com/token",
        XPC_OIDC_JWKS_ENDPOINT="https://id.example.com/jwks",
    )
    assert value == "client-secret-from-file"


def test_secret_and_its_file_together_are_refused(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file", encoding="utf-8")
    monkeypatch.setenv("X_SECRET", "inline")
    monkeypatch.setenv("X_SECRET_FILE", str(secret_file))
    with pytest.raises(ImproperlyConfigured, match="either X_SECRET or X_SECRET_FILE"):
        env_secret("X_SECRET", "")


def test_secret_list_reads_commas_or_lines_and_refuses_empty_items(
    monkeypatch, tmp_path
):
    secret_file = tmp_path / "keys"
    secret_file.write_text("new,\nold\n", encoding="utf-8")
    monkeypatch.setenv("X_KEYS_FILE", str(secret_file))
    with pytest.raises(ImproperlyConfigured, match="X_KEYS") as raised:
        env_secret_list("X_KEYS", [])
    assert "old" not in str(raised.value)  # never echo a secret
    secret_file.write_text("new\nold\n", encoding="utf-8")
    assert env_secret_list("X_KEYS", []) == ["new", "old"]
    monkeypatch.delenv("X_KEYS_FILE")
    monkeypatch.setenv("X_KEYS", "new, old")
    assert env_secret_list("X_KEYS", []) == ["new", "old"]
    monkeypatch.delenv("X_KEYS")
    assert env_secret_list("X_KEYS", ["default"]) == ["default"]


def test_unreadable_secret_file_names_the_variable_not_the_content():
    result = run_python(
        "import xplatform_console.settings",
        XPC_FIELD_ENCRYPTION_KEYS="",
        XPC_FIELD_ENCRYPTION_KEYS_FILE="/nonexistent/keys",
    )
    assert result.returncode != 0
    assert "XPC_FIELD_ENCRYPTION_KEYS_FILE names a file that cannot be read" in (
        result.stderr
    )


# --- SECRET_KEY rotation -----------------------------------------------------------


def _signed_in_under_old_key(agent: User, settings: Settings):
    settings.SECRET_KEY = OLD_SECRET
    settings.SECRET_KEY_FALLBACKS = []
    client = logged_in(agent)
    assert client.get("/").status_code == 200
    cache.clear()  # the next request decodes the session row from the database
    return client


def test_session_survives_a_new_secret_key_with_the_old_one_as_fallback(
    agent, settings
):
    client = _signed_in_under_old_key(agent, settings)
    settings.SECRET_KEY = NEW_SECRET
    settings.SECRET_KEY_FALLBACKS = [OLD_SECRET]
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == agent


def test_session_ends_when_the_old_key_is_dropped(agent, settings):
    """Why the fallback matters: without it every agent is signed out."""
    client = _signed_in_under_old_key(agent, settings)
    settings.SECRET_KEY = NEW_SECRET
    settings.SECRET_KEY_FALLBACKS = []
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signed_values_made_under_the_old_key_still_verify(settings):
    settings.SECRET_KEY = OLD_SECRET
    token = signing.dumps({"next": "/"}, salt="test")
    settings.SECRET_KEY = NEW_SECRET
    settings.SECRET_KEY_FALLBACKS = [OLD_SECRET]
    assert signing.loads(token, salt="test") == {"next": "/"}
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="test")
