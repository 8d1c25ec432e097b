"""The one URL builder for X-Platform calls (docs/security.md R-URL-01).

``build_upstream_url`` turns an ``AccountConfig`` and already-validated
values into the upstream URL; ``PhotoPath`` is a photo path validated on
creation. Every segment and query part is checked here, so no dot segment,
slash, ``?`` or ``#`` from a caller can change the endpoint. Depends only on
``config`` and ``validators``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from .config import AccountConfig
from .validators import InvalidValue, validate_image_path

__all__ = ["PhotoPath", "build_upstream_url", "wider_search_query"]

_SEGMENT = re.compile(r"\+?[A-Za-z0-9_-]{1,64}")
_QUERY_PART = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class PhotoPath:
    """A photo path from the full flow, validated on creation (R-IMG-04).

    Raises InvalidValue for a path that must not be requested.
    """

    value: str

    def __post_init__(self) -> None:
        validate_image_path(self.value)


def _checked_segment(value: str, what: str) -> str:
    if not isinstance(value, str) or not _SEGMENT.fullmatch(value):
        raise InvalidValue(
            f"The {what} may contain only letters, digits, - and _ "
            "(at most 64 characters)."
        )
    return quote(value, safe="")


def _photo_segment(path: str, *, legacy: bool) -> str:
    validate_image_path(path)
    if legacy:
        head, _, name = path.rpartition("/")
        stem, dot, extension = name.rpartition(".")
        if dot:
            # v7 servers want the file name's last "." as "@@@@@" (J-PH).
            path = f"{head}/{stem}@@@@@{extension}"
    # Percent-encoded twice so the path stays one segment after the server's
    # first decoding (U-PH, J-PH); "@" stays literal to reproduce the
    # documented "i1152998579@@@@@png" (docs/xplatform-api.md 5.5, note on "@").
    return quote(quote(path, safe="@"), safe="@")


def build_upstream_url(
    account: AccountConfig,
    *segments: str | PhotoPath,
    query: Mapping[str, str | int] | None = None,
) -> str:
    """Return the upstream URL for already-validated path segments.

    The only URL builder of the console (R-URL-01). Plain segments must match
    ``^\\+?[A-Za-z0-9_-]{1,64}$`` and are quoted with ``safe=""``; a
    ``PhotoPath`` becomes one doubly encoded segment (decision g). Raises
    InvalidValue for anything else, so no dot segment, slash, ``?`` or ``#``
    can change the endpoint.
    """
    base = account.base_url.rstrip("/")
    if "?" in base or "#" in base:
        raise InvalidValue("The base URL must not have a query or a fragment.")
    parts = [
        "interact",
        "agent",
        "version",
        _checked_segment(account.version, "API version"),
        "account",
        _checked_segment(account.account_id, "account ID"),
    ]
    for segment in segments:
        if isinstance(segment, PhotoPath):
            parts.append(
                _photo_segment(segment.value, legacy=account.legacy_photo_path)
            )
        else:
            parts.append(_checked_segment(segment, "value"))
    url = f"{base}/{'/'.join(parts)}"
    if query:
        pairs = []
        for key, value in query.items():
            text = str(value)
            if not (_QUERY_PART.fullmatch(key) and _QUERY_PART.fullmatch(text)):
                raise InvalidValue(
                    "A query parameter has characters the console refuses."
                )
            pairs.append((key, text))
        url = f"{url}?{urlencode(pairs)}"
    return url


def wider_search_query(wider_search: bool | None) -> dict[str, str | int] | None:
    """The ``widerSearch`` query of the byCallerAttribute calls (5.2)."""
    # None leaves the parameter out, as the older client code did (5.2).
    if wider_search is None:
        return None
    return {"widerSearch": "true" if wider_search else "false"}
