"""The bridges from Django's templates to the Jinja2 ones
(templates/jinja2/, interactions/section_templates.py): ``{% frame %}``,
which puts base.html's blocks into the page frame every page shares, and
``{% jinja %}``, an include of a Jinja2 fragment. Django's engine spent
about a millisecond a page on those parts (docs/performance.md); a page's
own content stays a Django template."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context, NodeList, TemplateSyntaxError, engines
from django.template.base import Node, Parser, TextNode, Token
from django.template.loader_tags import BlockNode
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from interactions.section_templates import translator

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: Context, name: str, **values: object) -> SafeString:
    """``{% include name with key=value %}`` for a Jinja2 template
    (``templates/jinja2/<name>``, interactions/section_templates.py), for
    the fragments every interaction page repeats: Django's engine cost
    several times as much on them (docs/performance.md). The template sees
    this one's context plus ``values``; its ``csrf_token`` is the page's
    own, made once per request."""
    return _render_jinja(name, context, values)


def _render_jinja(name: str, context: Context, values: dict[str, Any]) -> SafeString:
    names: dict[str, Any] = context.flatten()  # type: ignore[assignment]  # (its keys are the names)
    names.update(values)
    names["_"] = translator()
    template = engines["sections"].get_template(name)
    return mark_safe(template.render(names))  # noqa: S308 (autoescaped)


# The Django blocks a page fills in the frame (base.html), and the name the
# frame (templates/jinja2/frame.html) gives each one's HTML.
_FRAME_BLOCKS = {
    "title": "title",
    "nav": "nav_links",
    "content": "content",
    "scripts": "scripts",
}


class FrameNode(Node):
    """``{% frame %}`` in base.html: the page's blocks, rendered by Django's
    engine (a page extends base.html and overrides them as usual), put into
    the Jinja2 frame (templates/jinja2/frame.html) with the page's context."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.blocks = [node for node in nodelist if isinstance(node, BlockNode)]

    def render(self, context: Context) -> SafeString:
        user = context.get("user")
        # The top bar's links are for a signed-in person only, as the frame
        # shows them: the nav block is not even rendered for anyone else.
        signed_in = user is not None and user.is_authenticated
        values: dict[str, Any] = {
            _FRAME_BLOCKS[block.name]: block.render(context)
            if signed_in or block.name != "nav"
            else ""
            for block in self.blocks
        }
        values["language_code"] = translation.get_language()
        values["language_bidi"] = translation.get_language_bidi()
        return _render_jinja("frame.html", context, values)


@register.tag
def frame(parser: Parser, token: Token) -> FrameNode:
    """``{% frame %}{% block title %}...{% endblock %}...{% endframe %}``:
    only the blocks the frame knows, and the space between them."""
    nodelist = parser.parse(("endframe",))
    parser.delete_first_token()
    for node in nodelist:
        if isinstance(node, BlockNode) and node.name in _FRAME_BLOCKS:
            continue
        if isinstance(node, TextNode) and not node.s.strip():
            continue
        raise TemplateSyntaxError(
            f"{{% frame %}} holds only the blocks {', '.join(_FRAME_BLOCKS)}; "
            f"found {type(node).__name__}."
        )
    return FrameNode(nodelist)
