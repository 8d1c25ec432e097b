"""Static files collected once per test session with the production storage.

The suite renders pages with XPC_STATIC_MANIFEST=0 (pyproject.toml); the
tests of static files and of the real gunicorn collect them as a release
does, with the release's storage (WhiteNoise's
CompressedManifestStaticFilesStorage, its URLs memoised).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test.utils import override_settings

MANIFEST_STORAGE = "xplatform_console.static_storage.ConsoleStaticFilesStorage"

_collected: dict[str, Path] = {}


def production_static_settings(root: Path) -> dict[str, Any]:
    """The settings a release runs with: hashed, compressed, from ``root``."""
    return {
        "STATIC_ROOT": str(root),
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": MANIFEST_STORAGE},
        },
        "WHITENOISE_USE_FINDERS": False,
    }


def collected_static(parent: Path) -> Path:
    """Run collectstatic into a folder under ``parent`` once; return it."""
    if "root" not in _collected:
        root = parent / "static"
        with override_settings(**production_static_settings(root)):
            call_command("collectstatic", "--no-input", verbosity=0)
        _collected["root"] = root
    return _collected["root"]
