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
# The two widths the agent's view is checked at: a desktop, and a CTI or CRM
# desktop's side panel (issue 13).
DESKTOP = VIEWPORT
SIDE_PANEL = {"width": 420, "height": 720}
WIDTHS = [pytest.param(DESKTOP, id="1280"), pytest.param(SIDE_PANEL, id="420")]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# axe-core from tests/browser/axe/package-lock.json, installed by `make test`
# (npm ci); read from disk and injected, never fetched while the tests run.
AXE_SCRIPT = (
    Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
)

ACME = next(a for a in DEMO_ACCOUNTS if a.account_id == ACME_ACCOUNT_ID)
NORTHWIND = next(a for a in DEMO_ACCOUNTS if a.account_id == NORTHWIND_ACCOUNT_ID)

# A stylesheet of the page has an @import rule.
IMPORTS_A_STYLESHEET = """() => [...document.styleSheets].some((sheet) => {
  try { return [...sheet.cssRules].some((rule) => rule instanceof CSSImportRule); }
  catch (error) { return false; }
})"""
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


def skip_without_axe() -> None:
    """Skip the calling test without axe-core, as without the system Chromium."""
    if not AXE_SCRIPT.is_file():
        pytest.skip(
            f"axe-core is not installed ({AXE_SCRIPT.parent} is missing): "
            "run `make test`, which installs it with npm ci"
        )


def axe_violations(page: Any, *, exclude: list[str] | None = None) -> list[str]:
    """Run axe-core's default rules (WCAG 2.0-2.2 A and AA, and its best
    practices) in ``page`` and name each violation, one line per node.

    The script is read from disk and evaluated through the DevTools protocol,
    which the page's Content Security Policy (no inline scripts) does not
    govern, so the page is tested with the policy it has in production.
    ``exclude`` lists CSS selectors of parts left out (none by default).
    """
    skip_without_axe()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    context = {"exclude": [[selector] for selector in exclude or []]}
    # axe-core reads the stylesheets first (its "preload", for the
    # css-orientation-lock rule). A sheet that @imports another (Django
    # admin's forms.css imports widgets.css) it rebuilds as inline <style>
    # in a scratch document, which inherits the page's Content Security
    # Policy: style-src 'self' refuses them, the browser reports violations
    # the page never made, and the preload fails all the same. On such a
    # page the preload is off; the rule runs without the sheets either way.
    preload = not page.evaluate(IMPORTS_A_STYLESHEET)
    result = page.evaluate(
        """([context, preload]) => window.axe.run(
             context.exclude.length ? context : document,
             {resultTypes: ["violations"], preload: preload})""",
        [context, preload],
    )
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} at "
        f"{' '.join(str(target) for target in node['target'])}: "
        f"{(node.get('failureSummary') or '').splitlines()[-1:]}"
        for rule in result["violations"]
        for node in rule["nodes"]
    ]


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
