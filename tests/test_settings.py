"""Settings come from the environment and refuse malformed values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.support.settings_process import settings_value
from xplatform_console.env import env_bool, env_float, env_int, env_list, env_secret

ROOT = Path(__file__).resolve().parent.parent
GOOD_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 60,
    "XPC_FIELD_ENCRYPTION_KEYS": "fEssFPx5zPrHh1HCDvCeOLaIEtT___wiXbMsDnPK8m0=",
    "DATABASE_URL": "sqlite:///:memory:",
    "REDIS_URL": "",
}


def _import_settings(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XPC_"))}
    env.update(GOOD_ENV)
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import xplatform_console.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_good_environment_loads():
    result = _import_settings()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DJANGO_ALLOWED_HOSTS", "a.example,,b.example"),
        ("DATABASE_URL", "nosuchdb://host/name"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("XPC_FIELD_ENCRYPTION_KEYS", "not-a-fernet-key"),
        ("XPC_UPSTREAM_ALLOWED_HOSTS", ".gointeract.io,"),
        ("XPC_UPSTREAM_DEADLINE", "soon"),
        ("XPC_UPSTREAM_READ_TIMEOUT", "-1"),
        ("XPC_SNAPSHOT_RETENTION_DAYS", "ninety"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
    ],
)
def test_malformed_value_stops_startup_naming_the_variable(variable, value):
    result = _import_settings(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_secret_key_is_required_when_debug_is_off():
    result = _import_settings(DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_field_keys_are_required_when_debug_is_off():
    result = _import_settings(XPC_FIELD_ENCRYPTION_KEYS="")
    assert result.returncode != 0
    assert "XPC_FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_env_readers_parse_and_default(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_FLOAT", "2.5")
    monkeypatch.setenv("X_LIST", "a, b ,c")
    monkeypatch.setenv("X_EMPTY", "  ")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 1) == 42
    assert env_float("X_FLOAT", 1.0) == 2.5
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    assert env_int("X_EMPTY", 7) == 7
    assert env_list("X_UNSET_LIST", ["d"]) == ["d"]


def test_env_int_enforces_minimum(monkeypatch):
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="X_INT must be at least 1"):
        env_int("X_INT", 5, minimum=1)


def test_env_secret_reads_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret_file))
    assert env_secret("X_SECRET", "") == "from-a-file"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="X_SECRET_FILE"):
        env_secret("X_SECRET", "")


def test_the_api_throttles_with_the_pages_limiter() -> None:
    from django.conf import settings

    from interactions.ratelimit import Scope

    # One limiter, one set of numbers: no DRF rates to drift from the pages'.
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "interactions.api.throttling.ConsoleThrottle"
    ]
    assert "DEFAULT_THROTTLE_RATES" not in settings.REST_FRAMEWORK
    assert Scope.HISTORY.setting == "XPC_RATE_LIMIT_INTERACTION"


def _upstream_sizing(**overrides: str) -> tuple[int, int]:
    printed = settings_value(
        "s.XPC_UPSTREAM_POOL_SIZE, s.XPC_UPSTREAM_PER_ACCOUNT", **overrides
    )
    pool, per_account = printed.split()
    return int(pool), int(per_account)


def test_an_account_may_use_a_third_of_the_upstream_pool():
    """One account runs four pages of six calls at once, and two slow
    accounts leave a third of the pool to the others (docs/performance.md,
    2026-12-05)."""
    assert _upstream_sizing() == (72, 24)
    assert _upstream_sizing(XPC_UPSTREAM_POOL_SIZE="10") == (10, 3)
    assert _upstream_sizing(XPC_UPSTREAM_POOL_SIZE="2") == (2, 1)
    assert _upstream_sizing(XPC_UPSTREAM_PER_ACCOUNT="6") == (72, 6)
    refused = _import_settings(XPC_UPSTREAM_POOL_SIZE="8", XPC_UPSTREAM_PER_ACCOUNT="9")
    assert refused.returncode != 0
    assert "XPC_UPSTREAM_PER_ACCOUNT must not be above" in refused.stderr
