"""Constants and small helpers shared by the browser tests and their fixtures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from interactions.simulator.data import (
    ACME_ACCOUNT_ID,
    DEMO_ACCOUNTS,
    NORTHWIND_ACCOUNT_ID,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 720}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

ACME = next(a for a in DEMO_ACCOUNTS if a.account_id == ACME_ACCOUNT_ID)
NORTHWIND = next(a for a in DEMO_ACCOUNTS if a.account_id == NORTHWIND_ACCOUNT_ID)

PHOTOS_LOADED = """() => {
  const images = [...document.querySelectorAll(".photo img[data-src]")];
  return images.length > 0 && images.every(
    (img) => img.src.startsWith("blob:") && img.complete && img.naturalWidth > 0);
}"""


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None


def skip_without_browser() -> None:
    """Skip the calling test module without playwright or the system Chromium."""
    pytest.importorskip("playwright")
    if not chromium_available():
        pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)


def save_screenshot(page: Any, name: str) -> Path | None:
    """Save a full-page screenshot, only when XPC_BROWSER_SCREENSHOTS=1."""
    if os.environ.get("XPC_BROWSER_SCREENSHOTS") != "1":
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def detail_path(unique_id: str, slug: str = "sim-acme") -> str:
    return reverse("interactions:detail", args=[slug, unique_id])


def wait_for_photos(page: Any) -> None:
    """Every thumbnail has been fetched by console.js and decoded."""
    page.wait_for_function(PHOTOS_LOADED)
