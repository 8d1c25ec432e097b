"""The Jinja2 environment of the interaction page's sections, and of the
page frame every page shares.

The six sections of an interaction page (glance, status, timeline, answers,
photos, variables; ``templates/jinja2/interactions/``) are Jinja2 templates
rendered through Django's own Jinja2 backend (the ``sections`` engine in
settings). Django's template engine spent about a third of a cold page's CPU
on them: a generated page's sections took several milliseconds, most of it
in Django's node and variable machinery (docs/performance.md). So are the
parts every page or every interaction page repeats: the frame
(``frame.html``, filled with a page's Django blocks by ``{% frame %}`` in
base.html), the top bar's language menu and theme toggle
(``includes/``), and the interaction page's header card and panels
(``interactions/page.html``, included with ``{% jinja %}``;
interactions/templatetags/frame.py). Every page's own content stays a
Django template.

They say what the Django templates said, in the same words:

- ``_("...")`` translates a literal and treats the translation as markup
  (as ``{% translate %}`` and ``{% blocktranslate %}`` do); values go in
  with ``|format(name=value)``, which escapes them. Django's
  ``makemessages`` reads ``_("...")`` in a template's ``{{ }}`` and
  ``{% %}``, so the messages stay in the same catalogues.
- Sentences with a plural are the functions below: ``makemessages`` does not
  read ``ngettext`` in a template.
- The display filters are the Django ones (``interactions.templatetags.console``,
  ``date``, ``timezone``, ``naturaltime``); ``date`` shows a time in the
  current time zone, as Django's filter does in a template.

Undefined names fail loudly (``StrictUndefined``): a misspelt field is an
error in the tests, never an empty cell on an agent's screen.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import date as django_date
from django.templatetags.static import static
from django.templatetags.tz import do_timezone
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # (not in the stubs)
from django.utils.translation import (
    get_language,
    get_language_info,
    gettext,
    ngettext,
    override,
)
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from interactions.templatetags.console import (
    copy_label,
    duration,
    js_strings,
    lang_dir,
    step_label,
)

__all__ = ["environment", "translator"]


def _translate(message: str) -> Markup:
    """A message of the templates, translated: markup, as the catalogues
    hold it; the values ``|format`` puts in are escaped."""
    return Markup(gettext(message))  # noqa: S704 (the catalogue's own text)


# The templates' messages as ``_`` gives them, by language: a cold page's
# sections show about 90, and Django's ``gettext`` finds the active
# language anew on every call (docs/performance.md). The templates only
# translate literals, so each language holds at most their messages.
_MESSAGES: dict[str | None, dict[str, Markup]] = {}


def translator() -> Callable[[str], Markup]:
    """``_`` for one render, in the language active now: the same markup
    as the global ``_``, each message translated once per process."""
    language = get_language()
    messages = _MESSAGES.setdefault(language, {})

    def translate(message: str) -> Markup:
        found = messages.get(message)
        if found is None:
            with override(language):
                found = messages[message] = _translate(message)
        return found

    return translate


# Django's date formats the sections use most, written directly: Django's
# formatter parses the format string on every call, a quarter of the
# sections' rendering (docs/performance.md). The same digits (a test
# compares them with Django's).
_DIRECT_FORMATS = {
    "H:i": "{0.hour:02d}:{0.minute:02d}",
    "H:i:s": "{0.hour:02d}:{0.minute:02d}:{0.second:02d}",
    "Y-m-d H:i:s": (
        "{0.year:04d}-{0.month:02d}-{0.day:02d} "
        "{0.hour:02d}:{0.minute:02d}:{0.second:02d}"
    ),
}


def _date(value: datetime | None, format_string: str) -> str:
    """Django's ``date`` filter as a template applies it: in the current
    time zone (unless ``timezone`` already chose one)."""
    local = template_localtime(value)
    direct = _DIRECT_FORMATS.get(format_string)
    if direct is not None and isinstance(local, datetime):
        return direct.format(local)
    return django_date(local, format_string)


def photos_uploaded(count: int) -> Markup:
    """Under a photo step of the timeline: "2 photos uploaded"."""
    return _plural(
        ngettext("%(count)s photo uploaded", "%(count)s photos uploaded", count),
        count=count,
    )


def photo_count(count: int) -> Markup:
    """The glance strip's photos: "2 photos"."""
    return _plural(ngettext("%(count)s photo", "%(count)s photos", count), count=count)


def in_sets(sets: int) -> Markup:
    """After "Variables unavailable" for sets shown together: "in 3 sets"."""
    return _plural(ngettext("in %(sets)s set", "in %(sets)s sets", sets), sets=sets)


def variables_not_set(counter: int) -> Markup:
    """The fold of a set's variables without a value: "4 variables not set"."""
    return _plural(
        ngettext(
            "%(counter)s variable not set", "%(counter)s variables not set", counter
        ),
        counter=counter,
    )


def _url(name: str, *args: Any) -> str:
    """``{% url name arg ... %}``. A URL without arguments is the same for
    every request under the same script prefix: found once (the frame shows
    five on every page, each about 11 µs to reverse)."""
    if args:
        return reverse(name, args=args)
    return _plain_url(name, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=64)
def _plain_url(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, urlconf=urlconf)


@functools.lru_cache(maxsize=16)
def _other_languages(current: str) -> tuple[tuple[str, str, bool], ...]:
    return tuple(
        (code, capfirst(info["name_local"]), info["bidi"])
        for code, _name in settings.LANGUAGES
        if code != current
        for info in (get_language_info(code),)
    )


def other_languages() -> tuple[tuple[str, str, bool], ...]:
    """The language menu's buttons: every language but the current one, as
    (code, its name in itself, right to left), the same for every page."""
    return _other_languages(get_language() or "")


def _plural(translated: str, **values: Any) -> Markup:
    return Markup(translated) % values  # noqa: S704 (the catalogue's own text)


def environment(**options: Any) -> Environment:
    """The sections' environment (settings ``TEMPLATES``, engine ``sections``)."""
    # Always escaped, and strict, whatever the settings say.
    options.pop("autoescape", None)
    options.pop("undefined", None)
    env = Environment(autoescape=True, undefined=StrictUndefined, **options)
    env.globals.update(
        _=_translate,
        photos_uploaded=photos_uploaded,
        photo_count=photo_count,
        in_sets=in_sets,
        variables_not_set=variables_not_set,
        url=_url,
        static=static,
        js_strings=js_strings,
        other_languages=other_languages,
    )
    env.filters.update(
        copy_label=copy_label,
        date=_date,
        duration=duration,
        lang_dir=lang_dir,
        naturaltime=naturaltime,
        step_label=step_label,
        timezone=do_timezone,
    )
    return env
