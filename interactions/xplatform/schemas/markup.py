"""Plain text from designer HTML.

Designer HTML (``innerHtml`` of section and page headers and footers) becomes
plain text here and is never rendered as HTML (docs/security.md, R-HTTP-06).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

# Only ASCII whitespace collapses: the vendor's summary keeps &#160; as U+00A0
# ("Question 1 Header \u00a0 DTMF ...", CAP-SUM), and so does this code.
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")


class _TextExtractor(HTMLParser):
    """Collects text nodes; drops tags and the contents of script and style."""

    _SKIPPED = frozenset({"script", "style", "template", "noscript"})
    # Tags after which words would otherwise run together ("Header</p><p>DTMF").
    _BREAKING = frozenset(
        {
            "br",
            "p",
            "div",
            "li",
            "tr",
            "td",
            "th",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "pre",
            "hr",
            "dt",
            "dd",
        }
    )

    def __init__(self) -> None:
        # convert_charrefs=True decodes entities with html.unescape.
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skip_depth += 1
        elif tag in self._BREAKING:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKING:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self._BREAKING:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip_depth == 0:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Return designer HTML as plain text: tags dropped, entities decoded,
    script and style contents dropped, ASCII whitespace collapsed, trimmed."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return _ASCII_SPACE.sub(" ", "".join(parser.parts)).strip(" ")
