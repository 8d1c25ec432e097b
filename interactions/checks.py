"""Project system checks for what `check --deploy` does not cover (R-DJ-02)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet
from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_security_settings(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE or not getattr(
        settings, "CONTENT_SECURITY_POLICY", None
    ):
        errors.append(Error("The CSP middleware or policy is missing.", id="xpc.E001"))
    if not settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher"):
        errors.append(Error("PASSWORD_HASHERS must start with Argon2.", id="xpc.E002"))
    frame_ancestors = list(settings.FRAME_ANCESTORS)
    expected_samesite = {"None"} if frame_ancestors else {"Lax", "Strict"}
    if settings.SESSION_COOKIE_SAMESITE not in expected_samesite:
        errors.append(
            Error(
                "SESSION_COOKIE_SAMESITE must be Lax or Strict when FRAME_ANCESTORS "
                "is empty, and None when it lists origins.",
                id="xpc.E003",
            )
        )
    for origin in frame_ancestors + list(settings.CSRF_TRUSTED_ORIGINS):
        if not origin.startswith("https://") or origin.count("/") != 2:
            errors.append(
                Error(
                    f"{origin!r} in FRAME_ANCESTORS or CSRF_TRUSTED_ORIGINS must be "
                    "an https:// origin without a path.",
                    id="xpc.E004",
                )
            )
    keys = list(settings.XPC_FIELD_ENCRYPTION_KEYS)
    try:
        valid_keys = bool(keys) and all(Fernet(key) for key in keys)
    except ValueError:
        valid_keys = False
    if not valid_keys:
        errors.append(
            Error("XPC_FIELD_ENCRYPTION_KEYS is missing or malformed.", id="xpc.E005")
        )
    renderers = settings.REST_FRAMEWORK.get("DEFAULT_RENDERER_CLASSES", [])
    if not settings.DEBUG and any("BrowsableAPIRenderer" in r for r in renderers):
        errors.append(
            Error("The browsable API must be off in production.", id="xpc.E006")
        )
    return errors


# ``INSERT ... RETURNING``: every page view's access-log row and every new
# snapshot (interactions/row_insert.py, interactions/snapshots.py).
SQLITE_AT_LEAST = (3, 35, 0)


def sqlite_version() -> tuple[int, int, int]:
    return sqlite3.sqlite_version_info


@register()
def check_sqlite_version(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """SQLite (the database when DATABASE_URL is unset) must know RETURNING."""
    engines = {db["ENGINE"] for db in settings.DATABASES.values()}
    if (
        "django.db.backends.sqlite3" not in engines
        or sqlite_version() >= SQLITE_AT_LEAST
    ):
        return []
    found = ".".join(map(str, sqlite_version()))
    return [
        Error(
            f"SQLite {found} is too old: the console needs 3.35 or newer "
            "(INSERT ... RETURNING). Use the Python build's newer SQLite, or "
            "PostgreSQL (DATABASE_URL).",
            id="xpc.E007",
        )
    ]
