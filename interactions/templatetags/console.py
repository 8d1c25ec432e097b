"""Display filters for the console's templates."""

from __future__ import annotations

import functools
import threading
import weakref
from datetime import timedelta

from django import template
from django.conf import settings
from django.template import Context, Engine, NodeList, Template, TemplateSyntaxError
from django.template.base import TextNode, Variable
from django.template.defaulttags import CommentNode, LoadNode
from django.templatetags.i18n import TranslateNode
from django.utils import translation
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


# Sentences said once per row of a long list: a filter costs a tenth of a
# {% blocktranslate %} (a quarter of the variable table's rendering was its
# Copy buttons' names; docs/performance.md). Same messages, same catalogues.


@register.filter
def copy_label(label: str) -> str:
    """The accessible name of a variable's Copy button: "Copy First Name"."""
    return gettext("Copy %(label)s") % {"label": label}


@register.filter
def step_label(number: int) -> str:
    """What a screen reader hears before a step's title: "Step 3:"."""
    return gettext("Step %(number)s:") % {"number": number}


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
    view to fetch). ``%s`` marks where the script puts its value. Made once
    per language (the catalogues do not change while a process runs)."""
    return _js_strings(translation.get_language() or "")


@functools.lru_cache(maxsize=16)
def _js_strings(language: str) -> SafeString:
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


# The HTML of each fixed-text template, by language, kept with the template
# object: a template edited in development is loaded again as a new object.
_fixed: weakref.WeakKeyDictionary[Template, dict[str, SafeString]]
_fixed = weakref.WeakKeyDictionary()
_fixed_lock = threading.Lock()


@register.simple_tag
def include_fixed(name: str) -> SafeString:
    """``{% include name %}`` for a template of fixed text: markup and
    ``{% translate "..." %}`` only. Rendered once per language and process,
    then reused (docs/performance.md). Anything that reads the context (a
    variable, another tag) is refused when the template is first used, so
    nothing of one request can reach another's page."""
    template = Engine.get_default().get_template(name)
    language = translation.get_language() or ""
    with _fixed_lock:
        kept = _fixed.get(template)
    if kept is None:
        _check_fixed(template.nodelist, name)
        kept = {}
        with _fixed_lock:
            _fixed[template] = kept
    html = kept.get(language)
    if html is None:
        html = template.render(Context())  # a SafeString, as for an include
        kept[language] = html
    return html


def _check_fixed(nodes: NodeList, name: str) -> None:
    for node in nodes:
        if isinstance(node, TextNode | LoadNode | CommentNode):
            continue
        if isinstance(node, TranslateNode):
            text = node.filter_expression
            if (
                isinstance(text.var, Variable)
                and text.var.literal is not None
                and not text.filters
                and node.asvar is None
                and node.message_context is None
            ):
                continue
        raise TemplateSyntaxError(
            f"{name} is included with include_fixed but reads the context "
            f"({type(node).__name__}); use include."
        )
