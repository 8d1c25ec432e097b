"""Display filters for the console's templates."""

from __future__ import annotations

import functools
from datetime import timedelta

from django import template
from django.conf import settings
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """'2 min 05 s', '45 s', '1 h 03 min'."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    if seconds < 60:
        return gettext("%(seconds)s s") % {"seconds": seconds}
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return gettext("%(minutes)s min %(seconds)s s") % {
            "minutes": minutes,
            "seconds": f"{seconds:02d}",
        }
    hours, minutes = divmod(minutes, 60)
    return gettext("%(hours)s h %(minutes)s min") % {
        "hours": hours,
        "minutes": f"{minutes:02d}",
    }


@register.filter
@functools.lru_cache(maxsize=256)  # a handful of tags, one call per text
def lang_dir(language: str) -> SafeString:
    """The attributes of customer text: its own direction (``dir="auto"``,
    so Hebrew and Arabic read right to left in any console language) and its
    language where the X-Platform said it (docs/i18n.md). ``language`` is a
    tag the parser already checked (schemas/common.py); escaped regardless."""
    if not language:
        return mark_safe('dir="auto"')
    return format_html('dir="auto" lang="{}"', language)


@register.simple_tag
def live_refresh_ms() -> int:
    """Milliseconds between two live refreshes (``XPC_LIVE_REFRESH_SECONDS``),
    the same interval the live parts stay cached (interactions/upstream.py)."""
    return int(settings.XPC_LIVE_REFRESH_SECONDS) * 1000


@register.simple_tag
def js_strings() -> str:
    """The words static/js/console.js writes itself, in the page's language:
    a JSON data block (not run, so the CSP is untouched; no JS catalogue
    view to fetch). ``%s`` marks where the script puts its value."""
    return json_script(
        {
            "copied": gettext("Copied"),
            "copiedLabel": gettext("Copied: %s"),
            "copyFailed": gettext("Copy failed: select and copy by hand"),
            "photoUnavailable": gettext("Photo unavailable: %s"),
            "sessionEnded": gettext(
                "your session has ended; reload the page and sign in again."
            ),
            "consoleAnswered": gettext("the console answered %s."),
            "consoleUnreachable": gettext("the console could not be reached."),
            "position": gettext("%s of %s"),
            "staleSince": gettext("Stale since %s: this could not be read again."),
            "new": gettext("New"),
        },
        "xpc-strings",
    )
