"""Typed answers of the X-Platform Interaction History API.

Each dataclass has a ``from_json()`` classmethod that accepts the shapes in
xplatform-api.md (sections 5 and 6, and the project decisions a, e, f, h) and
raises ``XPlatformResponseError`` on anything else, so that a surprise in the
payload never turns into a ``KeyError`` in a template (security.md,
R-HTTP-06). Designer HTML (``innerHtml``) becomes plain text here and is never
rendered as HTML (style.md 2.8).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import TypeAlias
from urllib.parse import parse_qs, urlsplit

from .errors import XPlatformResponseError
from .validators import (
    InvalidValue,
    looks_like_image_path,
    validate_image_path,
    validate_unique_id,
)

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
]

logger = logging.getLogger(__name__)

JSONValue: TypeAlias = (
    "bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None"
)
JSONDict: TypeAlias = "dict[str, JSONValue]"

# The choice kinds of the v7.0 data model (J-CHO) plus the captured ones
# (CAP-FF); a choice carries exactly one of them.
CHOICE_KINDS = (
    "textInput",
    "choiceOption",
    "choiceSwitch",
    "selectFromList",
    "uploadImageList",
    "choiceImage",
    "collectionItem",
    "clickToContinue",
)
# decision a: the keys that may carry a unique ID, in this order.
_UNIQUE_ID_KEYS = ("uniqueId", "interactionUniqueId", "uniqueID", "id")
# Project decision on selected options: choice-level first, then the kind object.
_SELECTED_KEYS = ("selected", "isSelected", "checked")
# decision f: where a path sits in an image object.
_IMAGE_PATH_KEYS = ("path", "imagePath", "img_path", "imgPath", "url")
_REJECTED_PATH_DISPLAY_LENGTH = 200
_NUMERIC_TIME = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,9})?")
_ACTION_TYPE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")
# Only ASCII whitespace collapses: the vendor's summary keeps &#160; as U+00A0
# ("Question 1 Header \u00a0 DTMF ...", CAP-SUM), and so does this code.
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_TZ_OFFSET_MINUTES = 24 * 60


def _fail(what: str) -> XPlatformResponseError:
    return XPlatformResponseError(
        f"The X-Platform server sent an answer the console cannot read ({what})."
    )


# --- plain text from designer HTML --------------------------------------------


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


# --- small readers -------------------------------------------------------------


def _object(value: JSONValue, what: str) -> JSONDict:
    if not isinstance(value, dict):
        raise _fail(f"{what} is not an object")
    return value


def _optional_object(obj: JSONDict, key: str, what: str) -> JSONDict | None:
    value = obj.get(key)
    if value is None:
        return None
    return _object(value, what)


def _array(value: JSONValue, what: str) -> list[JSONValue]:
    if not isinstance(value, list):
        raise _fail(f"{what} is not a list")
    return value


def _optional_array(obj: JSONDict, key: str, what: str) -> list[JSONValue]:
    value = obj.get(key)
    if value is None:
        return []
    return _array(value, what)


def _text(obj: JSONDict, key: str, what: str, default: str = "") -> str:
    """A text field; numbers are accepted as their text, null means missing."""
    value = obj.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_text(value)
    raise _fail(f"{what} is not text")


def _optional_text(obj: JSONDict, key: str, what: str) -> str | None:
    if obj.get(key) is None:
        return None
    return _text(obj, key, what)


def _first_text(obj: JSONDict, keys: Iterable[str], what: str) -> str | None:
    for key in keys:
        if obj.get(key) is not None:
            return _text(obj, key, what)
    return None


def _number_text(value: int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail("a number is not finite")
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _bool(value: JSONValue, what: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise _fail(f"{what} is not true or false")


def _display_value(value: JSONValue) -> str:
    """Text for a scalar; formatted JSON for nested values (decision h)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number_text(value)
    return json.dumps(value, indent=2, ensure_ascii=False)


def _html_text(obj: JSONDict, key: str, what: str) -> str:
    """Plain text of a ``{id, innerHtml}`` object such as ``sectionHeader``."""
    holder = _optional_object(obj, key, what)
    if holder is None:
        return ""
    return html_to_text(_text(holder, "innerHtml", f"{what} innerHtml"))


_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _parse_time(value: JSONValue, what: str) -> datetime | None:
    """Epoch milliseconds (number or numeric text) or ISO-8601 (decision e).

    Times outside 1990-2200 are refused: they cannot be a page navigation,
    and near year 1 or 9999 converting to a time zone overflows.
    """
    moment = _parse_any_time(value, what)
    if moment is not None and not _EARLIEST <= moment <= _LATEST:
        raise _fail(f"{what} is out of range")
    return moment


def _parse_any_time(value: JSONValue, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise _fail(f"{what} is not a time")
        if isinstance(value, int | float):
            if not math.isfinite(value):
                raise _fail(f"{what} is not a time")
            return _EPOCH + timedelta(milliseconds=value)
        if isinstance(value, str):
            text = value.strip()
            if _NUMERIC_TIME.fullmatch(text):
                return _EPOCH + timedelta(milliseconds=float(text))
            parsed = datetime.fromisoformat(text)
            # A naive ISO time is read as UTC so that every time is aware.
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise _fail(f"{what} is not a time") from None
    raise _fail(f"{what} is not a time")


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# --- Get Interaction Unique ID (decision a) -----------------------------------


@dataclass(frozen=True)
class UniqueIdResult:
    """The unique IDs a caller attribute points to; empty when nothing matches."""

    ids: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, value: JSONValue) -> UniqueIdResult:
        """Read a JSON string, object or array (decision a).

        Raises XPlatformResponseError for any other shape or an invalid ID.
        """
        if isinstance(value, list):
            ids = [cls._one(item) for item in value]
        else:
            ids = [cls._one(value)]
        return cls(_unique(ids))

    @classmethod
    def from_body(cls, body: bytes, content_type: str | None) -> UniqueIdResult:
        """Read a 200 body: ``text/plain`` with the bare or quoted ID (one per
        line), or JSON.

        Raises XPlatformResponseError for HTML, other media types, undecodable
        text, a shape outside decision a, or an invalid ID.
        """
        media_type = (content_type or "").split(";", 1)[0].strip().lower()
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail("the unique ID is not UTF-8 text") from None
        stripped = text.strip()
        is_json = media_type == "application/json" or media_type.endswith("+json")
        if "html" in media_type or stripped.startswith("<"):
            raise _fail("a web page instead of a unique ID")
        if not is_json and media_type not in {"", "text/plain"}:
            raise _fail(f"unexpected content type {media_type[:60]}")
        if is_json or stripped[:1] in {"{", "["}:
            return cls.from_json(_loads(stripped))
        # One ID per line: decision a shows one; several lines (one per
        # match) are read the same way rather than refused.
        ids = []
        for line in stripped.splitlines():
            line = line.strip()
            if len(line) >= 2 and line[0] == line[-1] == '"':
                line = line[1:-1].strip()
            if line:
                ids.append(cls._checked(line))
        if not ids:
            raise _fail("no unique ID in the answer")
        return cls(_unique(ids))

    @classmethod
    def _one(cls, item: JSONValue) -> str:
        if isinstance(item, str):
            return cls._checked(item)
        if isinstance(item, dict):
            found = _first_text(item, _UNIQUE_ID_KEYS, "the unique ID")
            if found is None:
                raise _fail("no unique ID in the object")
            return cls._checked(found)
        raise _fail("the unique ID is neither text nor an object")

    @staticmethod
    def _checked(value: str) -> str:
        # Validated like user input: the ID goes into further URLs (R-URL-01).
        try:
            return validate_unique_id(value)
        except InvalidValue:
            raise _fail(
                "the unique ID has characters the console does not accept"
            ) from None


def _loads(text: str | bytes) -> JSONValue:
    """Parse JSON; NaN and Infinity are refused. Raises XPlatformResponseError."""

    def refuse_constant(name: str) -> JSONValue:
        raise ValueError(name)

    try:
        result: JSONValue = json.loads(text, parse_constant=refuse_constant)
    except (ValueError, RecursionError):
        raise _fail("invalid JSON") from None
    return result


def parse_json_body(body: bytes) -> JSONValue:
    """Parse a JSON response body. Raises XPlatformResponseError."""
    return _loads(body)


# --- Get Full Interaction Flow (sections 5.2 and 6) ---------------------------


@dataclass(frozen=True)
class NavButton:
    """A navigation button of a page (J-BTN)."""

    label: str
    action: str
    action_type: str | None
    visible: bool

    @classmethod
    def from_json(cls, value: JSONValue) -> NavButton:
        """Read a button object. Raises XPlatformResponseError."""
        obj = _object(value, "a navigation button")
        action = _text(obj, "buttonAction", "the button action")
        visible = obj.get("buttonVisible")
        return cls(
            label=_text(obj, "buttonLabel", "the button label"),
            action=action,
            action_type=_action_type(action),
            visible=True if visible is None else _bool(visible, "buttonVisible"),
        )


def _action_type(action: str) -> str | None:
    """``NEXT`` from ``server://navigationType?type=NEXT&shouldSendFormData=true``."""
    try:
        query = urlsplit(action).query
    except ValueError:
        return None
    values = parse_qs(query).get("type", [])
    if values and _ACTION_TYPE.fullmatch(values[0]):
        return values[0]
    return None


@dataclass(frozen=True)
class FlowChoice:
    """One answer or option of a section (``sectionChoices[]``)."""

    id: str
    value: str
    label: str
    reference_name: str
    kind: str | None
    selected: bool | None

    @classmethod
    def from_json(cls, value: JSONValue) -> FlowChoice:
        """Read a section choice. Raises XPlatformResponseError."""
        obj = _object(value, "a section choice")
        kind = next((k for k in CHOICE_KINDS if obj.get(k) is not None), None)
        return cls(
            id=_text(obj, "id", "the choice id"),
            value=_text(obj, "choiceValue", "the choice value"),
            label=_text(obj, "choiceLabel", "the choice label"),
            reference_name=_text(obj, "referenceName", "the choice reference name"),
            kind=kind,
            selected=_selected(obj, kind),
        )


def _selected(obj: JSONDict, kind: str | None) -> bool | None:
    holders = [obj]
    kind_object = obj.get(kind) if kind else None
    if isinstance(kind_object, dict):
        holders.append(kind_object)
    for holder in holders:
        for key in _SELECTED_KEYS:
            if holder.get(key) is not None:
                return _bool(holder[key], f"the choice's {key}")
    return None


@dataclass(frozen=True)
class CollectionTable:
    """A collection shown as a table: ``headers`` as (field, header) pairs."""

    headers: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, ...], ...]


def _collection_table(obj: JSONDict, choices: list[JSONDict]) -> CollectionTable | None:
    items: list[JSONDict] = []
    for choice in choices:
        item = choice.get("collectionItem")
        if item is not None:
            items.append(_object(item, "a collection item"))
    display_style = obj.get("displayStyle")
    if not items and display_style != "TableRows":
        return None
    headers: list[tuple[str, str]] = []
    for entry in _optional_array(obj, "tableHeaders", "tableHeaders"):
        header = _object(entry, "a table header")
        field_name = _text(header, "field", "a table header field")
        headers.append(
            (field_name, _text(header, "header", "a table header", field_name))
        )
    if not headers:
        # Without tableHeaders (a BulletedList) the item keys are the columns.
        keys = dict.fromkeys(key for item in items for key in item)
        headers = [(key, key) for key in keys]
    rows = tuple(
        tuple(_display_value(item.get(field_name)) for field_name, _ in headers)
        for item in items
    )
    return CollectionTable(headers=tuple(headers), rows=rows)


def _image_candidates(upload: JSONValue) -> Iterator[JSONValue]:
    """Path values of an ``uploadImageList`` element, in the decision f shapes."""
    if isinstance(upload, str):
        yield upload
    elif isinstance(upload, list):
        for item in upload:
            if isinstance(item, dict):
                found = next(
                    (item[k] for k in _IMAGE_PATH_KEYS if item.get(k) is not None), None
                )
                if found is not None:
                    yield found
            elif item is not None:
                yield item
    elif isinstance(upload, dict):
        direct = next(
            (upload[k] for k in _IMAGE_PATH_KEYS if upload.get(k) is not None), None
        )
        if direct is not None:
            yield direct
        # An object wrapping the list, e.g. {"images": [...]}.
        for nested in upload.values():
            if isinstance(nested, list):
                yield from _image_candidates(nested)


def _image_paths(choices: list[JSONDict]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    accepted: list[str] = []
    rejected: list[str] = []
    for choice in choices:
        upload = choice.get("uploadImageList")
        if upload is None:
            continue
        candidates = list(_image_candidates(upload))
        value = choice.get("choiceValue")
        if isinstance(value, str) and looks_like_image_path(value):
            candidates.append(value)
        for candidate in candidates:
            try:
                accepted.append(validate_image_path(candidate))
            except InvalidValue:
                # Shown as an unavailable photo, never requested (R-IMG-04).
                shown = (
                    candidate if isinstance(candidate, str) else json.dumps(candidate)
                )
                rejected.append(shown[:_REJECTED_PATH_DISPLAY_LENGTH])
    return _unique(accepted), _unique(rejected)


@dataclass(frozen=True)
class FlowSection:
    """A question or display section of a page (``contentSections[]``)."""

    id: str
    label: str
    reference_name: str
    header_text: str
    footer_text: str
    selection_type: str | None
    display_style: str | None
    choices: tuple[FlowChoice, ...]
    table: CollectionTable | None
    image_paths: tuple[str, ...] = ()
    rejected_image_paths: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, value: JSONValue) -> FlowSection:
        """Read a content section. Raises XPlatformResponseError."""
        obj = _object(value, "a content section")
        raw_choices = [
            _object(choice, "a section choice")
            for choice in _optional_array(obj, "sectionChoices", "sectionChoices")
        ]
        image_paths, rejected = _image_paths(raw_choices)
        return cls(
            id=_text(obj, "id", "the section id"),
            label=_text(obj, "sectionLabel", "the section label"),
            reference_name=_text(obj, "referenceName", "the section reference name"),
            header_text=_html_text(obj, "sectionHeader", "the section header"),
            footer_text=_html_text(obj, "sectionFooter", "the section footer"),
            # The 2015 capture says selectionType, the v7.0 sample
            # sectionGroupType (xplatform-api.md 8).
            selection_type=_first_text(
                obj, ("selectionType", "sectionGroupType"), "the selection type"
            ),
            display_style=_optional_text(obj, "displayStyle", "the display style"),
            choices=tuple(FlowChoice.from_json(choice) for choice in raw_choices),
            table=_collection_table(obj, raw_choices),
            image_paths=image_paths,
            rejected_image_paths=rejected,
        )


@dataclass(frozen=True)
class FlowPage:
    """One navigated page of an interaction, in navigation order."""

    title: str
    reference_name: str
    timestamp: datetime | None
    header_text: str
    footer_text: str
    sections: tuple[FlowSection, ...]
    nav_left: NavButton | None = None
    nav_right: NavButton | None = None

    @classmethod
    def from_json(cls, value: JSONValue) -> FlowPage:
        """Read a page object (xplatform-api.md 6). Raises XPlatformResponseError."""
        obj = _object(value, "a page")
        navigation = _optional_object(obj, "pageNavigation", "pageNavigation") or {}
        content = _optional_object(obj, "pageContent", "pageContent") or {}
        left = navigation.get("navigationLeft")
        right = navigation.get("navigationRight")
        # decision e: page-level "timestamp", also "time".
        raw_time = obj.get("timestamp")
        if raw_time is None:
            raw_time = obj.get("time")
        return cls(
            title=_text(navigation, "navigationTitle", "the page title"),
            reference_name=_text(
                navigation, "pageReferenceName", "the page reference name"
            ),
            timestamp=_parse_time(raw_time, "the page timestamp"),
            header_text=_html_text(content, "contentHeader", "the page header"),
            footer_text=_html_text(content, "contentFooter", "the page footer"),
            sections=tuple(
                FlowSection.from_json(section)
                for section in _optional_array(
                    content, "contentSections", "contentSections"
                )
            ),
            nav_left=None if left is None else NavButton.from_json(left),
            nav_right=None if right is None else NavButton.from_json(right),
        )

    @property
    def image_paths(self) -> tuple[str, ...]:
        return _unique(p for s in self.sections for p in s.image_paths)

    @property
    def rejected_image_paths(self) -> tuple[str, ...]:
        return _unique(p for s in self.sections for p in s.rejected_image_paths)


@dataclass(frozen=True)
class FullFlow:
    """Every page of an interaction instance, in navigation order."""

    pages: tuple[FlowPage, ...]

    @classmethod
    def from_json(cls, value: JSONValue) -> FullFlow:
        """Read the JSON array of pages. Raises XPlatformResponseError."""
        return cls(
            tuple(FlowPage.from_json(page) for page in _array(value, "the flow"))
        )

    @property
    def image_paths(self) -> tuple[str, ...]:
        """Every valid photo path, in page order, without repeats."""
        return _unique(p for page in self.pages for p in page.image_paths)

    @property
    def rejected_image_paths(self) -> tuple[str, ...]:
        """Photo paths that failed validation; shown as unavailable photos."""
        return _unique(p for page in self.pages for p in page.rejected_image_paths)


# --- Get Interaction Summary (section 5.3) ------------------------------------


def _answer_text(value: JSONValue) -> str:
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, list | dict):
                raise _fail("an answer holds nested values")
            parts.append(_answer_text(item))
        return ", ".join(part for part in parts if part)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        raise _fail("an answer is an object")
    return _display_value(value)


@dataclass(frozen=True)
class SummaryQuestion:
    """One question element of a summary page, with the customer's answer."""

    id: str
    question: str
    header: str
    footer: str
    answer: str
    reference_name: str | None = None

    @classmethod
    def from_json(cls, value: JSONValue) -> SummaryQuestion:
        """Read a ``pageContent[]`` entry. Raises XPlatformResponseError."""
        obj = _object(value, "a summary question")
        return cls(
            id=_text(obj, "id", "the question id"),
            question=_text(obj, "question", "the question"),
            header=_text(obj, "header", "the question header"),
            footer=_text(obj, "footer", "the question footer"),
            answer=_answer_text(obj.get("answer")),
            # U-SUM promises a reference name; its field name is unknown (unknown 8).
            reference_name=_first_text(
                obj, ("referenceName", "questionReferenceName"), "the reference name"
            ),
        )


@dataclass(frozen=True)
class SummaryPage:
    """A summary page: only pages with customer input appear (U-SUM)."""

    title: str
    time: datetime | None
    tz_offset_minutes: int | None
    page_id: str | None
    questions: tuple[SummaryQuestion, ...]

    @classmethod
    def from_json(cls, value: JSONValue) -> SummaryPage:
        """Read a ``pages[]`` entry. Raises XPlatformResponseError."""
        obj = _object(value, "a summary page")
        return cls(
            title=_text(obj, "pageTitle", "the page title"),
            time=_parse_time(obj.get("time"), "the page time"),
            tz_offset_minutes=_tz_offset(obj.get("timeZone")),
            # U-SUM promises a page ID; its field name is unknown (unknown 8).
            page_id=_first_text(obj, ("pageId", "pageID", "id"), "the page id"),
            questions=tuple(
                SummaryQuestion.from_json(q)
                for q in _optional_array(obj, "pageContent", "the page content")
            ),
        )


def _tz_offset(value: JSONValue) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,4}", value.strip()):
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and abs(value) <= _MAX_TZ_OFFSET_MINUTES
    ):
        return value
    raise _fail("the time zone is not a number of minutes")


@dataclass(frozen=True)
class Summary:
    """Summary of an interaction instance (Get Interaction Summary)."""

    flow_name: str
    flow_id: str
    unique_id: str | None
    pages: tuple[SummaryPage, ...]

    @classmethod
    def from_json(cls, value: JSONValue) -> Summary:
        """Read the summary object (CAP-SUM). Raises XPlatformResponseError."""
        obj = _object(value, "the summary")
        unique_id = _optional_text(obj, "uniqueId", "the unique ID")
        if unique_id is not None:
            # decision b: this ID is used for further calls, so it is
            # validated like user input (R-URL-01).
            unique_id = UniqueIdResult._checked(unique_id)
        return cls(
            flow_name=_text(obj, "name", "the flow name"),
            flow_id=_text(obj, "id", "the flow id"),
            unique_id=unique_id,
            pages=tuple(
                SummaryPage.from_json(page)
                for page in _optional_array(obj, "pages", "the pages")
            ),
        )


# --- Get User Variable Set (section 5.4, decision h) --------------------------


@dataclass(frozen=True)
class VariableValue:
    """One variable of a set; ``is_set`` is False for ``""`` and null."""

    name: str
    value: str
    is_set: bool
    is_structured: bool


@dataclass(frozen=True)
class VariableSet:
    """The variables of one user variable set, in upstream order."""

    set_id: str
    channel: str | None
    values: tuple[VariableValue, ...] = field(default=())

    @classmethod
    def from_json(cls, value: JSONValue, set_id: str) -> VariableSet:
        """Read ``{"<channel>": {"data": {...}}}``, ``{"data": {...}}`` or a flat
        object, in that order (decision h). Raises XPlatformResponseError."""
        obj = _object(value, "the variable set")
        channel: str | None = None
        data = obj
        if len(obj) == 1:
            ((only_key, only_value),) = obj.items()
            if isinstance(only_value, dict) and isinstance(
                only_value.get("data"), dict
            ):
                channel, data = only_key, _object(only_value["data"], "data")
        if channel is None and isinstance(obj.get("data"), dict):
            data = _object(obj["data"], "data")
        values = []
        for name, raw in data.items():
            structured = isinstance(raw, dict | list)
            try:
                text = _display_value(raw)
            except (ValueError, RecursionError):
                raise _fail(f"the value of {name[:60]!r}") from None
            values.append(
                VariableValue(
                    name=name,
                    value=text,
                    is_set=structured or text != "",
                    is_structured=structured,
                )
            )
        return cls(set_id=set_id, channel=channel, values=tuple(values))


# --- Get Interaction Photo (section 5.5) --------------------------------------


@dataclass(frozen=True)
class Photo:
    """Raw photo bytes as sent upstream; decode and re-encode before display."""

    content: bytes = field(repr=False)
    content_type: str | None
