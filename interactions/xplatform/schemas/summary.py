"""Get Interaction Summary: the pages with customer input and the answers.

Reads the summary object of docs/xplatform-api.md section 5.3 (CAP-SUM);
"unknown 8" is item 8 of that document's section 10 (Unknowns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .common import (
    JSONValue,
    _checked_unique_id,
    _display_value,
    _fail,
    _first_text,
    _object,
    _optional_array,
    _optional_text,
    _parse_time,
    _text,
)

__all__ = ["Summary", "SummaryPage", "SummaryQuestion"]

_MAX_TZ_OFFSET_MINUTES = 24 * 60


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
            unique_id = _checked_unique_id(unique_id)
        return cls(
            flow_name=_text(obj, "name", "the flow name"),
            flow_id=_text(obj, "id", "the flow id"),
            unique_id=unique_id,
            pages=tuple(
                SummaryPage.from_json(page)
                for page in _optional_array(obj, "pages", "the pages")
            ),
        )
