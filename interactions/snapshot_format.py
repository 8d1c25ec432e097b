"""The stored form of an interaction page: versioned JSON, both ways.

A snapshot keeps `InteractionPage` as plain JSON. Writing and reading follow
the dataclasses of `interactions.presenters` field by field, so a field
added to the page is stored and read back with no change here. Older
versions are first upgraded, one step at a time, to the current shape:

- version 1: a ``header`` object held the page's header fields; part errors
  were bare messages (and a variable set's ``not_found`` sat beside its
  error); tables kept header names only; answers had no header and footer;
  a step's time spent was ``spent_seconds``.
- version 2: the fields of `InteractionPage` as they are. Fields added
  since are read as their defaults from copies stored before them; the
  outcome of such a copy is told from its ``live`` flag (live or finished).

Stored data is read defensively: a missing or mistyped value becomes an
empty one (or the field's default), never an error page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import types
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from interactions.interaction import Outcome
from interactions.presenters import InteractionPage

SCHEMA_VERSION = 2
T = TypeVar("T")


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


_STORED_NAMES: dict[type, tuple[str, ...] | None] = {}


def _stored_names(cls: type) -> tuple[str, ...] | None:
    """The stored fields of a dataclass, None for any other type: asked once
    per class (a page holds hundreds of dataclass instances)."""
    try:
        return _STORED_NAMES[cls]
    except KeyError:
        pass
    names = None
    if dataclasses.is_dataclass(cls):
        names = tuple(
            f.name for f in dataclasses.fields(cls) if f.metadata.get("stored", True)
        )
    _STORED_NAMES[cls] = names
    return names


_PLAIN = (str, int, float, bool, type(None))


def _encode(value: Any) -> Any:
    if isinstance(value, _PLAIN):
        return value
    names = _stored_names(type(value))
    if names is not None:
        return {name: _encode(getattr(value, name)) for name in names}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    return value


def page_to_json(page: InteractionPage) -> dict[str, Any]:
    """The page as JSON of the current version (photo URLs are not kept)."""
    data: dict[str, Any] = _encode(page)
    return {"schema": SCHEMA_VERSION, **data}


def _failure(error: object) -> object:
    """A part's failure as the hash sees it: one with a code is the same
    failure in any language, so its words (in the viewer's language, with
    detail in English only) are left out."""
    if isinstance(error, dict) and error.get("code"):
        return {k: v for k, v in error.items() if k != "message"}
    return error


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON, without what changes with every view
    rather than with the interaction: "data as of", the time spent so far
    on the last page of a live flow, and the words of a part's failure
    (the same content seen in Spanish is the same content)."""
    stable = {k: v for k, v in data.items() if k != "data_as_of"}
    stable["steps"] = [
        {**step, "spent": None} if step.get("spent_so_far") else step
        for step in _dicts(data.get("steps"))
    ]
    for name in ("answers_error", "flow_error"):
        if name in stable:
            stable[name] = _failure(stable[name])
    if "variable_sets" in stable:
        stable["variable_sets"] = [
            {**view, "error": _failure(view["error"])} if "error" in view else view
            for view in _dicts(stable["variable_sets"])
        ]
    canonical = json.dumps(
        stable, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# The content hash of the pages this process hashed lately, by fingerprint.
# Bounded: emptied when full (the next views hash their page once again).
_DIGESTS: dict[bytes, str] = {}
DIGESTS_KEPT = 2048


def _fingerprint(page: InteractionPage) -> bytes:
    """A digest of everything in ``page`` except what ``content_hash``
    leaves out ("data as of", the time spent so far on a live last page).

    Pickling is exact (two pages pickled alike hold equal values, hence
    equal JSON) and runs in C, about a tenth of ``page_to_json``; pages
    that are equal but pickle apart (shared objects) only miss the memo."""
    stable = page.without_view_time()
    return hashlib.sha256(pickle.dumps(stable, pickle.HIGHEST_PROTOCOL)).digest()


def page_content_hash(page: InteractionPage) -> tuple[str, dict[str, Any] | None]:
    """``content_hash(page_to_json(page))``, and that JSON when it was made.

    Most views show a page this process hashed moments ago (every live
    refresh, every re-opened page): its hash comes from a memo keyed by the
    page's fingerprint, and the JSON, needed only to store a new snapshot,
    is not made (None). docs/performance.md has the figures."""
    fingerprint = _fingerprint(page)
    digest = _DIGESTS.get(fingerprint)
    if digest is not None:
        return digest, None
    data = page_to_json(page)
    digest = content_hash(data)
    if len(_DIGESTS) >= DIGESTS_KEPT:
        _DIGESTS.clear()
    _DIGESTS[fingerprint] = digest
    return digest, data


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return get_type_hints(cls)


def _seconds(value: object) -> timedelta | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    return None


# How each plain field type is read; anything else is a list, an optional
# or a dataclass, handled in _decode.
_READERS: dict[Any, Callable[[Any], Any]] = {
    str: lambda v: v if isinstance(v, str) else "",
    bool: lambda v: v if isinstance(v, bool) else bool(v),
    int: lambda v: v if isinstance(v, int) and not isinstance(v, bool) else 0,
    datetime: _when,
    timedelta: _seconds,
}


def _decode(kind: Any, value: Any) -> Any:
    """``value`` as a ``kind``; None (for optional kinds) or an empty value
    when it is missing or of the wrong type."""
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(kind) if arg is not type(None)]
        return None if value is None else _decode(inner[0], value)
    if origin is list:
        (item,) = get_args(kind)
        items = value if isinstance(value, list) else []
        return [_decode(item, v) for v in items if _fits(item, v)]
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _decode_dataclass(kind, _dict(value))
    return _READERS[kind](value)


def _fits(kind: Any, value: Any) -> bool:
    # A list of objects keeps only objects: a stray string is left out.
    return not dataclasses.is_dataclass(kind) or isinstance(value, dict)


def _decode_dataclass(cls: type[T], data: dict[str, Any]) -> T:
    values = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.metadata.get("stored", True):
            continue
        kind = _hints(cast(Any, cls))[f.name]
        if f.name not in data and f.default is not dataclasses.MISSING:
            values[f.name] = f.default
        else:
            values[f.name] = _decode(kind, data.get(f.name))
    return cls(**values)


def _error_v1(message: object, *, not_found: bool = False) -> dict[str, Any] | None:
    if not isinstance(message, str) or not message:
        return None
    return {"code": "", "message": message, "not_found": not_found}


def _table_v1(table: object) -> dict[str, Any] | None:
    if not isinstance(table, dict):
        return None
    headers = table.get("headers")
    names = headers if isinstance(headers, list) else []
    columns = [{"field": "", "header": h} for h in names]
    return {"columns": columns, "rows": table.get("rows")}


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 in the shape of version 2."""
    page = {k: v for k, v in data.items() if k != "header"}
    page.update(_dict(data.get("header")))
    page["answers_error"] = _error_v1(data.get("answers_error"))
    page["flow_error"] = _error_v1(data.get("flow_error"))
    page["steps"] = [
        {
            **step,
            "spent": step.get("spent_seconds"),
            "sections": [
                {**section, "table": _table_v1(section.get("table"))}
                for section in _dicts(step.get("sections"))
            ],
        }
        for step in _dicts(data.get("steps"))
    ]
    page["variable_sets"] = [
        {
            **view,
            "error": _error_v1(
                view.get("error"), not_found=bool(view.get("not_found"))
            ),
        }
        for view in _dicts(data.get("variable_sets"))
    ]
    return page


def page_from_json(data: object) -> InteractionPage:
    """The page stored as ``data``, whatever its version."""
    stored = _dict(data)
    if stored.get("schema", 1) == 1:
        stored = _upgrade_v1(stored)
    page = _decode_dataclass(InteractionPage, stored)
    if not page.time_zone:
        page.time_zone = "UTC"
    if page.outcome not in set(Outcome):
        page.outcome = _outcome_before_kept(page)
    return page


def _outcome_before_kept(page: InteractionPage) -> str:
    """Copies stored before the outcome was kept knew only live or not."""
    if page.status_unknown:
        return Outcome.UNKNOWN.value
    return (Outcome.LIVE if page.live else Outcome.FINISHED).value
