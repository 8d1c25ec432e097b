"""Typed readers for environment variables.

Every reader raises ImproperlyConfigured naming the variable when its value
is malformed, so a typo stops start-up instead of running with a surprise.
A variable that is unset or empty takes the default.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number; got {value!r}."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    return number


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number; got {value!r}.") from None
    if not number > minimum:
        raise ImproperlyConfigured(f"{name} must be above {minimum}; got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(
            f"{name} is a comma-separated list and must not contain empty items; "
            f"got {value!r}."
        )
    return items


def env_secret(name: str, default: str) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE.

    The _FILE form is for mounted secrets (systemd credentials, Docker or
    Kubernetes secrets): the value never appears in the process environment.
    Setting both is refused, so an operator never wonders which one is used.
    """
    file_name = _raw(f"{name}_FILE")
    if file_name is None:
        return env_str(name, default)
    if _raw(name) is not None:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    try:
        return Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name}_FILE names a file that cannot be read: {exc.strerror}."
        ) from None


def env_secret_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list from NAME or from the file named by NAME_FILE.

    In the file the items may also stand one per line.
    """
    value = env_secret(name, "")
    if value == "":
        return list(default)
    items = [item.strip() for item in re.split(r"[,\n]", value.strip())]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(
            f"{name} is a comma-separated list and must not contain empty items."
        )
    return items
