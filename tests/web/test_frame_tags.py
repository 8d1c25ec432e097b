"""The bridges from Django's templates to the Jinja2 ones
(interactions/templatetags/frame.py): ``{% frame %}`` puts base.html's
blocks into templates/jinja2/frame.html; and the ``url`` the Jinja2
templates call (interactions/section_templates.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import Engine, TemplateSyntaxError, engines, loader
from django.test import RequestFactory
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.html import format_html

from interactions import section_templates


@pytest.mark.parametrize(
    "inside",
    [
        "<p>outside a block</p>",
        "{% block sidebar %}{% endblock %}",
        "{{ user }}",
    ],
)
def test_the_frame_holds_only_its_blocks(inside):
    with pytest.raises(TemplateSyntaxError, match="holds only the blocks"):
        Engine.get_default().from_string(
            "{% load frame %}{% frame %}{% block title %}T{% endblock %}"
            f"{inside}{{% endframe %}}"
        )


def test_a_page_s_blocks_fill_the_jinja2_frame(rf: RequestFactory):
    request = rf.get("/")
    request.user = AnonymousUser()
    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}Mine & yours{% endblock %}'
        "{% block content %}<p>{{ word }}</p>{% endblock %}"
        '{% block scripts %}<script src="/s.js"></script>{% endblock %}'
    )
    with translation.override("he"):
        html = page.render({"word": "<b>"}, request)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="he" dir="rtl"' in html
    assert "<title>Mine & yours</title>" in html  # the block's HTML as it is
    assert '<main id="main" class="page">' in html
    assert "<p>&lt;b&gt;</p>" in html  # the block's own escaping, once
    assert html.index('<script src="/s.js">') > html.index("</main>")


def test_a_page_rendered_without_a_request_has_a_frame_and_no_top_bar():
    """Django renders an error page on its own, with no request: no user,
    no session, no nonce. The frame still renders, without the signed-in
    parts (a strict undefined name would turn a 404 into a 500)."""
    html = loader.render_to_string("404.html")
    assert "<!DOCTYPE html>" in html
    assert "Sign out" not in html
    assert 'nonce=""' in html


def test_a_url_without_arguments_follows_the_script_prefix():
    """Kept per prefix: a console served under /console/ links there."""
    try:
        set_script_prefix("/console/")
        assert section_templates._url("interactions:home") == "/console/"
        set_script_prefix("/")
        assert section_templates._url("interactions:home") == "/"
    finally:
        clear_script_prefix()
    assert section_templates._url("interactions:detail", "acme", "7") == (
        "/a/acme/i/7/"
    )


def _page_with_nav(
    rf: RequestFactory, user: User | AnonymousUser, **context: object
) -> str:
    request = rf.get("/")
    request.user = user
    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block nav %}<a href="/x">Mine</a>{% endblock %}'
    )
    return page.render(context, request)


def test_the_nav_block_is_for_a_signed_in_person_only(rf, agent):
    assert '<a href="/x">Mine</a>' in _page_with_nav(rf, agent)
    assert "Mine" not in _page_with_nav(rf, AnonymousUser())
    # Not even rendered for anyone else, as when base.html held it: a link
    # that cannot be made without a signed-in user never breaks a page.
    request = rf.get("/")
    request.user = AnonymousUser()
    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block nav %}{% url "no-such-page" %}{% endblock %}'
    )
    assert "<main" in page.render({}, request)


def test_a_message_is_escaped_unless_it_was_made_safe(rf, agent):
    html = _page_with_nav(
        rf,
        agent,
        messages=[
            Message(constants.INFO, "<b>typed</b>"),
            Message(constants.SUCCESS, format_html("<em>{}</em>", "made")),
        ],
    )
    assert '<li class="message message-info">&lt;b&gt;typed&lt;/b&gt;</li>' in html
    assert '<li class="message message-success"><em>made</em></li>' in html
