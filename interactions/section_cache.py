"""The rendered sections of an interaction page, shared by every view of
the same content for a minute.

Twenty agents watching one live interaction, or an agent opening a page and
its first live refresh, render the same sections from the same
``InteractionPage``. Rendering them is the largest share of a cached page's
CPU (docs/performance.md), so the HTML and digests are kept in the cache
under a key made of everything the output depends on: the page itself (its
pickle, photo URLs included), whether it is a stored copy, the
language, the time zone, and the section templates' source (a new release
never serves the old HTML).

"Data as of" is the time of the view, not of the content, so it is left out
of the key, and the status section that shows it (with relative times such
as "3 minutes ago") is rendered for every view: ``FRESH``. The time spent so
far on the last page of a live flow also grows with every view: it is left
out of the key too, and the kept timeline holds a marker in its place that
each view replaces with its own time (otherwise every refresh of a live
interaction rendered every section again; docs/performance.md).

The sections are rendered from ``page`` and ``stored`` alone, so nothing
else a view puts in its context (the user, the request's CSRF token) can
reach HTML that another user is served.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template import engines
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from interactions import section_templates
from interactions.presenters import InteractionPage
from interactions.templatetags.console import duration

SECONDS = 60
# Sections that show the time of the view: rendered every time.
FRESH = frozenset({"status"})
Sections = tuple[dict[str, str], dict[str, str]]


@functools.cache
def _templates_version() -> str:
    """The sections' templates and their environment's code (plurals,
    date formats), as they are in this release."""
    folder = Path(settings.BASE_DIR) / "templates" / "jinja2" / "interactions"
    environment = Path(section_templates.__file__)
    digest = hashlib.sha256()
    for path in [*sorted(folder.glob("*.html")), environment]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def _so_far_marker() -> str:
    """What the kept timeline holds where a view's "so far" time goes: the
    same in every process of a deployment (they share the cache), and
    nothing customer text could hold (derived from the secret key)."""
    digest = salted_hmac("interactions.section_cache", "so-far").hexdigest()
    return f"xpc-so-far-{digest[:32]}"


def _key(stable: InteractionPage, stored: bool, names: tuple[str, ...]) -> str:
    """The page's pickle stands for it (two pages pickled alike hold equal
    values). A generated page pickles in about 180 microseconds, a sixth
    less than its ``repr``, which the key was made of before
    (docs/performance.md); equal pages that pickle apart (shared objects)
    only render again."""
    digest = hashlib.sha256(pickle.dumps(stable, pickle.HIGHEST_PROTOCOL))
    raw = "\0".join(
        (
            *names,
            _templates_version(),
            _so_far_marker(),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            "stored" if stored else "live",
        )
    )
    digest.update(b"\0" + raw.encode("utf-8"))
    return "xpc:sections:" + digest.hexdigest()


def _so_far(page: InteractionPage) -> str:
    """What the timeline says after the time of the last page of a live
    flow, as ``timeline.html`` said it: the time spent there so far."""
    step = next((step for step in page.steps if step.spent_so_far), None)
    if step is None or not step.spent:
        return ""
    spent = conditional_escape(duration(step.spent))
    return " · " + gettext("%(spent)s so far") % {"spent": spent}


def _digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]


def _render_section(name: str, context: dict[str, object]) -> str:
    """One section's HTML (``templates/jinja2/interactions/<name>.html``,
    Jinja2: interactions/section_templates.py)."""
    template = engines["sections"].get_template(f"interactions/{name}.html")
    return mark_safe(template.render(context))  # noqa: S308 (autoescaped)


def _render(page: InteractionPage, stored: bool, names: Iterable[str]) -> Sections:
    context = {
        "page": page,
        "stored": stored,
        "so_far": _so_far_marker(),
        # The sections' own ``_`` (the macros they import use the global one).
        "_": section_templates.translator(),
    }
    sections = {name: _render_section(name, context) for name in names}
    digests = {name: _digest(html) for name, html in sections.items()}
    return sections, digests


def sections(page: InteractionPage, stored: bool, names: tuple[str, ...]) -> Sections:
    """The named sections of this page and a digest of each, in the order
    named: the ``FRESH`` ones rendered now, the others from the cache or
    rendered and kept."""
    kept_names = tuple(name for name in names if name not in FRESH)
    stable = page.without_view_time()
    key = _key(stable, stored, kept_names)
    kept: Sections | None = cache.get(key) if kept_names else None
    if kept is None:
        kept = _render(stable, stored, kept_names)
        cache.set(key, kept, SECONDS)
    html, digests = dict(kept[0]), dict(kept[1])
    marker = _so_far_marker()
    for name, text in kept[0].items():
        if marker in text:
            # Rendered HTML, and a sentence with its value escaped (_so_far).
            html[name] = mark_safe(text.replace(marker, _so_far(page)))  # noqa: S308
            digests[name] = _digest(html[name])
    fresh = _render(page, stored, [name for name in names if name in FRESH])
    html.update(fresh[0])
    digests.update(fresh[1])
    return {n: html[n] for n in names}, {n: digests[n] for n in names}
