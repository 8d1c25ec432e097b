"""The Jinja2 environment of the interaction page's sections
(interactions/section_templates.py): Django's formats and words, escaping
always on, no silent blanks."""

from __future__ import annotations

import gettext
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.templatetags.tz import do_timezone
from django.utils import timezone, translation
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from markupsafe import Markup

from interactions import section_templates

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates" / "jinja2"
MOMENTS = [
    datetime(2026, 3, 29, 0, 59, 58, tzinfo=UTC),  # a summer-time change in Europe
    datetime(2026, 12, 31, 23, 5, 7, 999_999, tzinfo=UTC),
    datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(2026, 7, 4, 9, 8, 7, tzinfo=ZoneInfo("Asia/Jerusalem")),
]


def _render(source: str, **context: object) -> str:
    return engines["sections"].from_string(source).render(context)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Madrid", "America/Los_Angeles"])
@pytest.mark.parametrize("fmt", ["H:i", "H:i:s", "Y-m-d H:i:s", "H:i T", "D j M"])
def test_dates_read_as_django_s_date_filter_writes_them(zone, fmt):
    with timezone.override(zone):
        for moment in MOMENTS:
            expected = django_date(template_localtime(moment), fmt)
            assert section_templates._date(moment, fmt) == expected
            # After |timezone, the zone it names, not the current one.
            chosen = do_timezone(moment, "Asia/Tokyo")
            assert section_templates._date(chosen, fmt) == django_date(
                template_localtime(chosen), fmt
            )
    assert section_templates._date(None, "H:i:s") == ""


def test_a_translation_is_markup_and_the_values_it_takes_are_escaped():
    with translation.override("es"):
        html = _render(
            "{{ _('Changed later, at <a href=\"#step-%(number)s\">step %(number)s</a>')"
            "|format(number=n) }}",
            n='3"><script>',
        )
    assert html == (
        'Cambiada después, en el <a href="#step-3&#34;&gt;&lt;script&gt;">'
        "paso 3&#34;&gt;&lt;script&gt;</a>"
    )


def test_a_render_s_translator_speaks_the_language_active_when_it_began(
    monkeypatch,
):
    translated: list[str] = []

    def counted(message: str) -> str:
        translated.append(message)
        return translation.gettext(message)

    monkeypatch.setattr(section_templates, "_MESSAGES", {})
    monkeypatch.setattr(section_templates, "gettext", counted)
    with translation.override("es"):
        spanish = section_templates.translator()
        expected = translation.gettext("Customer")
    with translation.override("en"):
        english = section_templates.translator()
        assert spanish("Customer") == expected != "Customer"
        assert english("Customer") == "Customer"
        assert isinstance(spanish("Customer"), Markup)
    # Once per message and language, however many renders ask.
    with translation.override("es"):
        assert section_templates.translator()("Customer") == expected
    assert translated == ["Customer", "Customer"]


def test_customer_text_is_escaped_whatever_the_settings_say():
    env = section_templates.environment(autoescape=False, loader=jinja2.DictLoader({}))
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"


def test_a_misspelt_name_is_an_error_not_a_blank():
    with pytest.raises(jinja2.UndefinedError):
        _render("{{ page.titel }}", page=object())


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "1 photo uploaded"),
        ("en", 2, "2 photos uploaded"),
        ("es", 1, "1 foto subida"),
        ("es", 3, "3 fotos subidas"),
    ],
)
def test_plurals_follow_the_count_in_each_language(language, count, expected):
    with translation.override(language):
        assert section_templates.photos_uploaded(count) == expected
        assert (
            _render("{{ in_sets(2) }}")
            == {"en": "in 2 sets", "es": "en 2 conjuntos"}[language]
        )


@pytest.mark.parametrize("code", ["es", "he"])
def test_every_message_of_the_sections_is_in_the_catalogue(code):
    """A `_("...")` added to a section without `makemessages` would show in
    English on a Spanish or Hebrew page."""
    path = ROOT / "locale" / code / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    literal = re.compile(r"""_\((?:"([^"]*)"|'([^']*)')\)""")
    messages = {
        double or single
        for template in TEMPLATES.rglob("*.html")
        for double, single in literal.findall(template.read_text())
    }
    assert len(messages) > 60
    assert sorted(m for m in messages if m not in catalogue) == []
