"""Typed answers of the X-Platform Interaction History API.

Each dataclass has a ``from_json()`` classmethod that accepts the shapes in
docs/xplatform-api.md (sections 5 and 6, and the project decisions a, e, f, h)
and raises ``XPlatformResponseError`` on anything else, so that a surprise in
the payload never turns into a ``KeyError`` in a template (docs/security.md,
R-HTTP-06). Designer HTML (``innerHtml``) becomes plain text here and is never
rendered as HTML.

One module per concern; the method modules import ``common`` (and ``flow``
imports ``markup``), nothing imports back:

- ``common``: the JSON aliases, strict JSON parsing and the shared readers;
- ``markup``: plain text from designer HTML;
- ``unique_ids``: Get Interaction Unique ID (section 5.1, decision a);
- ``flow``: Get Full Interaction Flow (sections 5.2 and 6);
- ``summary``: Get Interaction Summary (section 5.3);
- ``variables``: Get User Variable Set (section 5.4, decision h);
- ``photos``: Get Interaction Photo (section 5.5).

This package's public names are listed in ``__all__`` below; import them from
here.
"""

from __future__ import annotations

from .common import JSONDict, JSONValue, parse_json_body
from .flow import (
    CHOICE_KINDS,
    CollectionTable,
    FlowChoice,
    FlowPage,
    FlowSection,
    FullFlow,
    NavButton,
)
from .markup import html_to_text
from .photos import Photo
from .summary import Summary, SummaryPage, SummaryQuestion
from .unique_ids import UniqueIdResult
from .variables import VariableSet, VariableValue

__all__ = [
    "CHOICE_KINDS",
    "CollectionTable",
    "FlowChoice",
    "FlowPage",
    "FlowSection",
    "FullFlow",
    "JSONDict",
    "JSONValue",
    "NavButton",
    "Photo",
    "Summary",
    "SummaryPage",
    "SummaryQuestion",
    "UniqueIdResult",
    "VariableSet",
    "VariableValue",
    "html_to_text",
    "parse_json_body",
]
