"""The rendered sections of an interaction page, shared by every view of
the same content for a minute.

Twenty agents watching one live interaction, or an agent opening a page and
its first live refresh, render the same sections from the same
``InteractionPage``. Rendering them is the largest share of a cached page's
CPU (docs/performance.md), so the HTML and digests are kept in the cache
under a key made of everything the output depends on: the page itself (its
full ``repr``, photo URLs included), whether it is a stored copy, the
language, the time zone, and the section templates' source (a new release
never serves the old HTML).

"Data as of" is the time of the view, not of the content, so it is left out
of the key, and the status section that shows it (with relative times such
as "3 minutes ago") is rendered for every view: ``FRESH``.

The sections are rendered from ``page`` and ``stored`` alone, so nothing
else a view puts in its context (the user, the request's CSRF token) can
reach HTML that another user is served.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation

from interactions.presenters import InteractionPage

SECONDS = 60
# Sections that show the time of the view: rendered every time.
FRESH = frozenset({"status"})
Sections = tuple[dict[str, str], dict[str, str]]


@functools.cache
def _templates_version() -> str:
    folder = Path(settings.BASE_DIR) / "templates" / "interactions" / "includes"
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.html")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(page: InteractionPage, stored: bool, names: tuple[str, ...]) -> str:
    raw = "\0".join(
        (
            *names,
            _templates_version(),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            "stored" if stored else "live",
            repr(dataclasses.replace(page, data_as_of=None)),
        )
    )
    return "xpc:sections:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _render(page: InteractionPage, stored: bool, names: Iterable[str]) -> Sections:
    context = {"page": page, "stored": stored}
    sections: dict[str, str] = {
        name: render_to_string(f"interactions/includes/{name}.html", context)
        for name in names
    }
    digests = {
        name: hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
        for name, html in sections.items()
    }
    return sections, digests


def sections(page: InteractionPage, stored: bool, names: tuple[str, ...]) -> Sections:
    """The named sections of this page and a digest of each, in the order
    named: the ``FRESH`` ones rendered now, the others from the cache or
    rendered and kept."""
    kept_names = tuple(name for name in names if name not in FRESH)
    key = _key(page, stored, kept_names)
    kept: Sections | None = cache.get(key) if kept_names else None
    if kept is None:
        kept = _render(page, stored, kept_names)
        cache.set(key, kept, SECONDS)
    fresh = _render(page, stored, [name for name in names if name in FRESH])
    html = {**kept[0], **fresh[0]}
    digests = {**kept[1], **fresh[1]}
    return {n: html[n] for n in names}, {n: digests[n] for n in names}
