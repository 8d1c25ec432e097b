"""Plain text from designer HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interactions.xplatform.schemas import html_to_text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Question 1 Footer </p>", "Question 1 Footer"),
        ("<b>a</b><br>b", "a b"),
        ("a &amp; b &lt;c&gt;", "a & b <c>"),
        ("<script>alert(1)</script>Hi<style>p{}</style>", "Hi"),
        ('<img src=x onerror="alert(1)">ok', "ok"),
        ("<p>one</p><p>two</p>", "one two"),
        ("  a \n\t b  ", "a b"),
        ("", ""),
        ('<span style="word-wrap:break-word;">x', "x"),
    ],
)
def test_html_to_text(markup, text):
    assert html_to_text(markup) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_html_to_text_collapses_whitespace_and_keeps_plain_text(markup):
    text = html_to_text(markup)
    assert text == text.strip(" ")
    assert "  " not in text
    assert "\n" not in text
    assert "\t" not in text
    if "<" not in markup and "&" not in markup:
        assert text == re.sub(r"[ \t\n\r\f\v]+", " ", markup).strip(" ")


@given(st.text(alphabet=st.characters(blacklist_characters="<>&"), max_size=40))
def test_html_to_text_drops_tags_around_text(inner):
    text = html_to_text(f"<p><b>{inner}</b></p><script>{inner}</script>")
    assert "<" not in text
    assert ">" not in text
