"""The observability settings: defaults per mode and malformed values refused."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.test_settings import GOOD_ENV, ROOT, _import_settings


def _setting(name: str, **overrides: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XPC_"))}
    env.update(GOOD_ENV)
    env.update(overrides)
    result = subprocess.run(  # noqa: S603 (fixed script)
        [
            sys.executable,
            "-c",
            f"import xplatform_console.settings as s; print(s.{name})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_json_lines_in_production_plain_in_the_demo():
    assert _setting("XPC_LOG_FORMAT") == "json"
    assert _setting("XPC_LOG_FORMAT", DJANGO_DEBUG="1") == "plain"
    assert _setting("XPC_LOG_FORMAT", DJANGO_DEBUG="1", XPC_LOG_FORMAT="json") == (
        "json"
    )


def test_metrics_token_from_a_file(tmp_path):
    secret = tmp_path / "token"
    secret.write_text("t" * 32 + "\n")
    assert _setting("XPC_METRICS_TOKEN", XPC_METRICS_TOKEN_FILE=str(secret)) == (
        "t" * 32
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("XPC_LOG_FORMAT", "xml"),
        ("XPC_LOG_LEVEL", "LOUD"),
        ("XPC_METRICS_TOKEN", "short"),
    ],
)
def test_malformed_value_stops_startup_naming_the_variable(variable, value):
    result = _import_settings(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr
