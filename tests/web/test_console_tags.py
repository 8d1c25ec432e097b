"""Tags of interactions/templatetags/console.py made once per language:
``{% include_fixed %}`` (a template of fixed text, refused when it reads the
context) and ``{% js_strings %}``."""

from __future__ import annotations

import pytest
from django.template import Engine, NodeList, TemplateSyntaxError
from django.utils import translation

from interactions.templatetags import console


def _nodes(source: str) -> NodeList:
    return Engine.get_default().from_string(source).nodelist


def test_markup_and_literal_translations_are_fixed():
    console._check_fixed(
        _nodes(
            "{% load i18n %}{% comment %}Why.{% endcomment %}"
            "<p>{% translate 'Close (Esc)' %}</p>"
        ),
        "t.html",
    )


@pytest.mark.parametrize(
    "source",
    [
        "<p>{{ user.get_username }}</p>",
        "{% load i18n %}{% translate message %}",
        "{% load i18n %}{% translate 'Close' as label %}{{ label }}",
        "{% load i18n %}{% translate 'close'|upper %}",
        "{% if stored %}<p>Stored</p>{% endif %}",
        "{% csrf_token %}",
        "{% load i18n %}{% blocktranslate %}Hello{% endblocktranslate %}",
    ],
)
def test_anything_that_reads_the_context_is_refused(source):
    with pytest.raises(TemplateSyntaxError, match="reads the context"):
        console._check_fixed(_nodes("{% load i18n %}" + source), "t.html")


def test_each_language_gets_its_own_copy_rendered_once(monkeypatch):
    name = "interactions/includes/shortcuts.html"
    with translation.override("es"):
        spanish = console.include_fixed(name)
    with translation.override("en"):
        english = console.include_fixed(name)
    assert "Keyboard shortcuts" in english
    assert "Keyboard shortcuts" not in spanish
    assert "<dialog" in spanish

    def not_again(*args, **kwargs):
        raise AssertionError("rendered again")

    template = Engine.get_default().get_template(name)
    monkeypatch.setattr(template, "render", not_again)
    with translation.override("es"):
        assert console.include_fixed(name) == spanish


def test_the_script_words_are_made_in_each_language():
    with translation.override("es"):
        spanish = console.js_strings()
    with translation.override("en"):
        english = console.js_strings()
    assert '"copied": "Copied"' in english
    assert '"copied": "Copied"' not in spanish
    assert "xpc-strings" in spanish
