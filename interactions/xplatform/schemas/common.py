"""Shared pieces of the response parsers: JSON aliases and readers.

The JSON type aliases, the error every parser raises (``_fail``), strict JSON
parsing, and the small readers that turn a JSON value into text, a boolean, a
time or a list while refusing any other shape with ``XPlatformResponseError``.
The underscored helpers are internal to this package: the method modules
(``flow``, ``summary``, ``variables``, ``unique_ids``) import them from here,
and this module imports none of those. Section and decision references are to
docs/xplatform-api.md; R-* requirements are in docs/security.md.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

from interactions.xplatform.errors import XPlatformResponseError
from interactions.xplatform.validators import InvalidValue, validate_unique_id

JSONValue: TypeAlias = (
    "bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None"
)
JSONDict: TypeAlias = "dict[str, JSONValue]"

_NUMERIC_TIME = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,9})?")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _fail(what: str) -> XPlatformResponseError:
    return XPlatformResponseError(
        f"The X-Platform server sent an answer the console cannot read ({what})."
    )


# --- JSON bodies ---------------------------------------------------------------


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


# A BCP 47 tag as servers send them ("en", "en-us", "he_IL"): a primary
# language of 2-3 letters and up to seven subtags. Nothing else is kept.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,7}")


def _language_tag(value: JSONValue) -> str:
    """The language tag ``value`` names, or "" when it names none.

    A hint for the page's ``lang`` attribute (docs/i18n.md), never a reason
    to refuse a response: anything that is not a well-formed tag is unknown.
    """
    if not isinstance(value, str):
        return ""
    tag = value.strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.fullmatch(tag) else ""


def _checked_unique_id(value: str) -> str:
    """A unique ID from an answer, validated like user input: the ID goes into
    further URLs (R-URL-01). Raises XPlatformResponseError."""
    try:
        return validate_unique_id(value)
    except InvalidValue:
        raise _fail(
            "the unique ID has characters the console does not accept"
        ) from None
