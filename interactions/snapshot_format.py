"""The stored form of an interaction page: versioned JSON, both ways.

A snapshot keeps `InteractionPage` as plain JSON. `page_to_json` writes the
current version; `page_from_json` reads every version ever written, so a
copy stored years ago still opens. What changed between versions:

- version 1: part errors as bare messages; tables as header names only;
  answers without their header and footer texts.
- version 2: part errors as ``{"code", "message", "not_found"}``; tables as
  ``{"columns": [{"field", "header"}], "rows"}``; answers with header and
  footer.

Stored data is read defensively: a missing or mistyped value becomes an
empty one, never an error page.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from interactions.presenters import (
    Answer,
    Column,
    InteractionPage,
    Option,
    PartError,
    Photo,
    Section,
    SectionPhoto,
    Step,
    Table,
    Variable,
    VariableSetView,
)

SCHEMA_VERSION = 2


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _error_json(error: PartError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return {"code": error.code, "message": error.message, "not_found": error.not_found}


def _section_json(section: Section) -> dict[str, Any]:
    table = section.table
    return {
        "label": section.label,
        "header": section.header,
        "footer": section.footer,
        "kind": section.kind,
        "answers": list(section.answers),
        "options": [
            {"label": o.label, "selected": o.selected} for o in section.options
        ],
        "multiple": section.multiple,
        "table": {
            "columns": [{"field": c.field, "header": c.header} for c in table.columns],
            "rows": [list(row) for row in table.rows],
        }
        if table is not None
        else None,
        "photos": [{"key": p.key, "file_name": p.file_name} for p in section.photos],
    }


def _step_json(step: Step) -> dict[str, Any]:
    return {
        "number": step.number,
        "title": step.title,
        "time": _iso(step.time),
        "spent_seconds": int(step.spent.total_seconds()) if step.spent else None,
        "spent_so_far": step.spent_so_far,
        "is_revisit": step.is_revisit,
        "revisit_of": step.revisit_of,
        "is_last": step.is_last,
        "header": step.header,
        "footer": step.footer,
        "sections": [_section_json(section) for section in step.sections],
    }


def page_to_json(page: InteractionPage) -> dict[str, Any]:
    """The page as JSON of the current version (photo URLs are not kept)."""
    return {
        "schema": SCHEMA_VERSION,
        "header": {
            "unique_id": page.unique_id,
            "flow_name": page.flow_name,
            "account_name": page.account_name,
            "account_slug": page.account_slug,
            "time_zone": page.time_zone,
            "started_at": _iso(page.started_at),
            "last_activity": _iso(page.last_activity),
            "live": page.live,
            "data_as_of": _iso(page.data_as_of),
        },
        "answers_error": _error_json(page.answers_error),
        "answers": [
            {
                "page_title": a.page_title,
                "time": _iso(a.time),
                "question": a.question,
                "answer": a.answer,
                "header": a.header,
                "footer": a.footer,
            }
            for a in page.answers
        ],
        "flow_error": _error_json(page.flow_error),
        "steps": [_step_json(step) for step in page.steps],
        "variable_sets": [
            {
                "set_id": view.set_id,
                "rows": [
                    {
                        "name": row.name,
                        "value": row.value,
                        "is_set": row.is_set,
                        "is_structured": row.is_structured,
                    }
                    for row in view.rows
                ],
                "error": _error_json(view.error),
            }
            for view in page.variable_sets
        ],
        "photos": [
            {
                "key": p.key,
                "file_name": p.file_name,
                "label": p.label,
                "step_number": p.step_number,
                "step_title": p.step_title,
                "time": _iso(p.time),
                "rejected": p.rejected,
            }
            for p in page.photos
        ],
        "summary_text": page.summary_text,
    }


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON, without the parts that change with every
    view rather than with the interaction: "data as of" and the time spent so
    far on the last page of a live flow."""
    stable = dict(data)
    stable["header"] = {
        k: v for k, v in _dict(data.get("header")).items() if k != "data_as_of"
    }
    stable["steps"] = [
        {**step, "spent_seconds": None} if step.get("spent_so_far") else step
        for step in _dicts(data.get("steps"))
    ]
    canonical = json.dumps(
        stable, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------
# Reading (every version)
# --------------------------------------------------------------------------


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return (
        [item for item in value if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _error(value: object, *, not_found: bool = False) -> PartError | None:
    if isinstance(value, str):  # version 1: the message alone
        return PartError(code="", message=value, not_found=not_found) if value else None
    if isinstance(value, dict):
        return PartError(
            code=_text(value.get("code")),
            message=_text(value.get("message")),
            not_found=bool(value.get("not_found")),
        )
    return None


def _table(value: object) -> Table | None:
    if not isinstance(value, dict):
        return None
    if "columns" in value:
        columns = [
            Column(_text(c.get("field")), _text(c.get("header")))
            for c in _dicts(value.get("columns"))
        ]
    else:  # version 1: header names only
        headers = value.get("headers")
        columns = [
            Column("", _text(h)) for h in (headers if isinstance(headers, list) else [])
        ]
    rows = value.get("rows")
    return Table(
        columns=columns,
        rows=[
            [_text(cell) for cell in row]
            for row in (rows if isinstance(rows, list) else [])
            if isinstance(row, list)
        ],
    )


def _section(value: dict[str, Any]) -> Section:
    answers = value.get("answers")
    return Section(
        label=_text(value.get("label")),
        header=_text(value.get("header")),
        footer=_text(value.get("footer")),
        kind=_text(value.get("kind")) or "display",
        answers=[_text(a) for a in (answers if isinstance(answers, list) else [])],
        options=[
            Option(_text(o.get("label")), bool(o.get("selected")))
            for o in _dicts(value.get("options"))
        ],
        multiple=bool(value.get("multiple")),
        table=_table(value.get("table")),
        photos=[
            SectionPhoto(_text(p.get("key")), _text(p.get("file_name")))
            for p in _dicts(value.get("photos"))
        ],
    )


def _step(value: dict[str, Any]) -> Step:
    seconds = _int(value.get("spent_seconds"))
    return Step(
        number=_int(value.get("number")) or 0,
        title=_text(value.get("title")),
        time=_when(value.get("time")),
        spent=timedelta(seconds=seconds) if seconds is not None else None,
        spent_so_far=bool(value.get("spent_so_far")),
        is_revisit=bool(value.get("is_revisit")),
        revisit_of=_int(value.get("revisit_of")),
        is_last=bool(value.get("is_last")),
        header=_text(value.get("header")),
        footer=_text(value.get("footer")),
        sections=[_section(s) for s in _dicts(value.get("sections"))],
    )


def _variable_set(value: dict[str, Any]) -> VariableSetView:
    return VariableSetView(
        set_id=_text(value.get("set_id")),
        rows=[
            Variable(
                _text(r.get("name")),
                _text(r.get("value")),
                bool(r.get("is_set")),
                bool(r.get("is_structured")),
            )
            for r in _dicts(value.get("rows"))
        ],
        error=_error(value.get("error"), not_found=bool(value.get("not_found"))),
    )


def page_from_json(data: object) -> InteractionPage:
    """The page stored as ``data``, whatever its version."""
    stored = _dict(data)
    header = _dict(stored.get("header"))
    return InteractionPage(
        unique_id=_text(header.get("unique_id")),
        flow_name=_text(header.get("flow_name")),
        account_name=_text(header.get("account_name")),
        account_slug=_text(header.get("account_slug")),
        time_zone=_text(header.get("time_zone")) or "UTC",
        started_at=_when(header.get("started_at")),
        last_activity=_when(header.get("last_activity")),
        live=bool(header.get("live")),
        data_as_of=_when(header.get("data_as_of")),
        answers=[
            Answer(
                page_title=_text(a.get("page_title")),
                time=_when(a.get("time")),
                question=_text(a.get("question")),
                answer=_text(a.get("answer")),
                header=_text(a.get("header")),
                footer=_text(a.get("footer")),
            )
            for a in _dicts(stored.get("answers"))
        ],
        answers_error=_error(stored.get("answers_error")),
        steps=[_step(s) for s in _dicts(stored.get("steps"))],
        flow_error=_error(stored.get("flow_error")),
        variable_sets=[_variable_set(v) for v in _dicts(stored.get("variable_sets"))],
        photos=[
            Photo(
                key=_text(p.get("key")),
                file_name=_text(p.get("file_name")),
                label=_text(p.get("label")),
                step_number=_int(p.get("step_number")) or 0,
                step_title=_text(p.get("step_title")),
                time=_when(p.get("time")),
                rejected=bool(p.get("rejected")),
            )
            for p in _dicts(stored.get("photos"))
        ],
        summary_text=_text(stored.get("summary_text")),
    )
