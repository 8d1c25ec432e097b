"""Import the settings in a clean process, as a deployment would start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
KEY_A = "fEssFPx5zPrHh1HCDvCeOLaIEtT___wiXbMsDnPK8m0="
BASE_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 60,
    "XPC_FIELD_ENCRYPTION_KEYS": KEY_A,
    "DATABASE_URL": "sqlite:///:memory:",
    "REDIS_URL": "",
}


def run_python(code: str, **env_overrides: str) -> subprocess.CompletedProcess[str]:
    """Run code in a new interpreter with a production-like environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XPC_"))}
    env.update(BASE_ENV)
    env.update(env_overrides)
    # The code comes from the tests themselves, never from outside.
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_value(expression: str, **env_overrides: str) -> str:
    """Import the settings and return one expression's value as printed."""
    result = run_python(
        f"import xplatform_console.settings as s; print({expression})", **env_overrides
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
