"""Get Interaction Unique ID: the IDs a caller attribute points to.

Reads the answer shapes of decision a in docs/xplatform-api.md (section 5.1):
bare or quoted text, one ID per line, or a JSON string, object or array.
"""

from __future__ import annotations

from dataclasses import dataclass

from .common import (
    JSONValue,
    _checked_unique_id,
    _fail,
    _first_text,
    _loads,
    _unique,
)

__all__ = ["UniqueIdResult"]

# decision a: the keys that may carry a unique ID, in this order.
_UNIQUE_ID_KEYS = ("uniqueId", "interactionUniqueId", "uniqueID", "id")


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
                ids.append(_checked_unique_id(line))
        if not ids:
            raise _fail("no unique ID in the answer")
        return cls(_unique(ids))

    @classmethod
    def _one(cls, item: JSONValue) -> str:
        if isinstance(item, str):
            return _checked_unique_id(item)
        if isinstance(item, dict):
            found = _first_text(item, _UNIQUE_ID_KEYS, "the unique ID")
            if found is None:
                raise _fail("no unique ID in the object")
            return _checked_unique_id(found)
        raise _fail("the unique ID is neither text nor an object")
