"""Get Full Interaction Flow: pages, sections, choices, tables and buttons.

The typed pages of an interaction instance in navigation order, read from the
page objects of docs/xplatform-api.md sections 5.2 and 6 (decision e for the
page time, decision f for photo paths). Photo paths that fail validation are
kept apart and shown as unavailable photos (docs/security.md, R-IMG-04).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from interactions.xplatform.validators import (
    InvalidValue,
    looks_like_image_path,
    validate_image_path,
)

from .common import (
    JSONDict,
    JSONValue,
    _array,
    _bool,
    _display_value,
    _first_text,
    _language_tag,
    _object,
    _optional_array,
    _optional_object,
    _optional_text,
    _parse_time,
    _text,
    _unique,
)
from .markup import html_to_text

__all__ = [
    "CHOICE_KINDS",
    "CollectionTable",
    "FlowChoice",
    "FlowPage",
    "FlowSection",
    "FullFlow",
    "NavButton",
]

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
# Project decision on selected options: choice-level first, then the kind object.
_SELECTED_KEYS = ("selected", "isSelected", "checked")
# decision f: where a path sits in an image object.
_IMAGE_PATH_KEYS = ("path", "imagePath", "img_path", "imgPath", "url")
_REJECTED_PATH_DISPLAY_LENGTH = 200
_ACTION_TYPE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")


def _html_text(obj: JSONDict, key: str, what: str) -> str:
    """Plain text of a ``{id, innerHtml}`` object such as ``sectionHeader``."""
    holder = _optional_object(obj, key, what)
    if holder is None:
        return ""
    return html_to_text(_text(holder, "innerHtml", f"{what} innerHtml"))


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


@functools.lru_cache(maxsize=512)  # a flow's few actions, on every section
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
            # sectionGroupType (docs/xplatform-api.md section 8).
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
    # The page's "language" (CAP-FF: "en"): the language the customer read
    # and answered it in; "" when the server gave none we can use.
    language: str = ""

    @classmethod
    def from_json(cls, value: JSONValue) -> FlowPage:
        """Read a page object (docs/xplatform-api.md section 6).

        Raises XPlatformResponseError.
        """
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
            language=_language_tag(obj.get("language")),
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
