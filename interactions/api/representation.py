"""The interaction and snapshot answers of the API, built directly from
the dataclasses of the page, the same as their serializers give them.

``InteractionDetailApi.OutputSerializer`` and ``SnapshotDetailApi.OutputSerializer``
(with the shared serializers of ``serializers.py``) stay the schema:
drf-spectacular reads them, and they are the reference. Serializing through
them cost about 4 ms of CPU per interaction page: DRF copies every declared
field for each serializer, then reads and converts each value through its
field, some 440 times per page. These functions give the same output for
about a tenth of that (docs/performance.md, "The API's serialization").
A test holds each view's answer equal to its serializer's, byte for byte, on
every seeded interaction and snapshot, so a field added to a serializer and
not here, or the other way round, fails. A value whose field only passes it
through (the dataclasses' text, numbers and booleans) is passed through; a
date and time goes through DRF's own field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from interactions.api.base import absolute
from interactions.glance import StopPoint
from interactions.models import InteractionSnapshot, XPlatformAccount
from interactions.page_parts import PartError, StaleNote, Variable, VariableSetView
from interactions.presenters import (
    AccountRef,
    Answer,
    Column,
    InteractionPage,
    Option,
    Photo,
    Section,
    Step,
    Table,
)

# One unbound field whose conversion the functions reuse, so a date and time
# is written exactly as DateTimeField writes it (the REST_FRAMEWORK format,
# the current time zone, UTC as "Z").
_DATETIME = serializers.DateTimeField()


def interaction_data(page: InteractionPage, request: Request) -> dict[str, Any]:
    """What ``InteractionDetailApi.OutputSerializer`` gives for ``page``, built
    directly: that serializer is the schema and the reference, this the
    cheap path (see the module's docstring)."""
    return {
        "unique_id": page.unique_id,
        "flow_name": page.flow_name,
        "account": account_data(page.account),
        "started_at": datetime_data(page.started_at),
        "last_activity": datetime_data(page.last_activity),
        "live": page.live,
        "data_as_of": datetime_data(page.data_as_of),
        "page_url": absolute(
            request, "interactions:detail", page.account_slug, page.unique_id
        ),
        "summary_text": page.summary_text,
        "customer": customer_data(page),
        "language": page.language,
        "outcome": page.outcome,
        "outcome_label": page.outcome_label,
        "stopped_at": stop_point_data(page.stopped),
        "photo_count": page.photo_count,
        "answers": [answer_data(answer) for answer in page.answers],
        "steps": [step_data(step) for step in page.steps],
        "variable_sets": [variable_set_data(view) for view in page.variable_sets],
        "photos": [photo_data(photo) for photo in page.photos],
        "errors": {
            "summary": part_error_data(page.answers_error),
            "flow": part_error_data(page.flow_error),
        },
        "stale": {
            "summary": stale_data(page.answers_stale),
            "flow": stale_data(page.flow_stale),
        },
    }


def snapshot_data(
    snapshot: InteractionSnapshot, page: InteractionPage
) -> dict[str, Any]:
    """What ``SnapshotDetailApi.OutputSerializer`` gives for
    ``{"snapshot": snapshot, "page": page}``, built directly: that serializer
    is the schema and the reference, this the cheap path (see the module's
    docstring)."""
    viewer = snapshot.first_viewed_by
    return {
        "id": snapshot.pk,
        "account": account_data(snapshot.account),
        "interaction_id": snapshot.interaction_id,
        "created_at": datetime_data(snapshot.created_at),
        "first_viewed_by": None if viewer is None else viewer.username,
        "flow_name": snapshot.flow_name,
        "started_at": datetime_data(page.started_at),
        "last_activity": datetime_data(page.last_activity),
        "live": page.live,
        "data_as_of": datetime_data(page.data_as_of),
        "summary_text": page.summary_text,
        "customer": customer_data(page),
        "outcome": page.outcome,
        "outcome_label": page.outcome_label,
        "stopped_at": stop_point_data(page.stopped),
        "answers": [answer_data(answer) for answer in page.answers],
        "answers_error": page.answers_error_message,
        "steps": [step_data(step) for step in page.steps],
        "flow_error": page.flow_error_message,
        "variable_sets": [variable_set_data(view) for view in page.variable_sets],
        "photos": [snapshot_photo_data(photo) for photo in page.photos],
    }


def datetime_data(value: datetime | None) -> str | None:
    """What a ``DateTimeField`` gives for ``value`` (None stays None)."""
    return None if value is None else _DATETIME.to_representation(value)


def part_error_data(error: PartError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return {"code": error.code, "message": error.message}


def stale_data(note: StaleNote | None) -> dict[str, Any] | None:
    if note is None:
        return None
    return {"since": datetime_data(note.since), "message": note.message}


def account_data(account: AccountRef | XPlatformAccount) -> dict[str, Any]:
    return {
        "slug": account.slug,
        "name": account.name,
        "time_zone": account.time_zone,
    }


def customer_data(page: InteractionPage) -> dict[str, Any]:
    return {"name": page.customer_name, "id": page.customer_id}


def stop_point_data(stop: StopPoint | None) -> dict[str, Any] | None:
    if stop is None:
        return None
    return {
        "step_number": stop.step_number,
        "step_title": stop.step_title,
        "question": stop.question,
        "answer": stop.answer,
        "language": stop.language,
    }


def answer_data(answer: Answer) -> dict[str, Any]:
    return {
        "page_title": answer.page_title,
        "time": datetime_data(answer.time),
        "question": answer.question,
        "answer": answer.answer,
        "header": answer.header,
        "footer": answer.footer,
        "changed": answer.changed,
        "before": answer.before,
        "language": answer.language,
    }


def step_data(step: Step) -> dict[str, Any]:
    return {
        "number": step.number,
        "title": step.title,
        "time": datetime_data(step.time),
        "spent_seconds": step.spent_seconds,
        "is_revisit": step.is_revisit,
        "revisit_of": step.revisit_of,
        "is_last": step.is_last,
        "header": step.header,
        "footer": step.footer,
        "sections": [_section_data(section) for section in step.sections],
        "language": step.language,
    }


def _section_data(section: Section) -> dict[str, Any]:
    return {
        "label": section.label,
        "header": section.header,
        "footer": section.footer,
        "kind": section.kind,
        "answers": list(section.answers),
        "options": [_option_data(option) for option in section.options],
        "multiple": section.multiple,
        "table": _table_data(section.table),
        "photo_keys": section.photo_keys,
        "changed": section.changed,
        "before": section.before,
        "changed_at": section.changed_at,
    }


def _option_data(option: Option) -> dict[str, Any]:
    return {"label": option.label, "selected": option.selected}


def _table_data(table: Table | None) -> dict[str, Any] | None:
    if table is None:
        return None
    return {
        "columns": [_column_data(column) for column in table.columns],
        "rows": [list(row) for row in table.rows],
    }


def _column_data(column: Column) -> dict[str, Any]:
    return {"field": column.field, "header": column.header}


def variable_set_data(view: VariableSetView) -> dict[str, Any]:
    return {
        "set_id": view.set_id,
        "rows": [_variable_data(row) for row in view.rows],
        "not_found": view.not_found,
        "error": part_error_data(view.error),
        "stale": stale_data(view.stale),
    }


def _variable_data(variable: Variable) -> dict[str, Any]:
    return {
        "name": variable.name,
        "value": variable.value,
        "is_set": variable.is_set,
        "is_structured": variable.is_structured,
        "label": variable.shown_label,
    }


def photo_data(photo: Photo) -> dict[str, Any]:
    return {
        "key": photo.key,
        "file_name": photo.file_name,
        "label": photo.label,
        "step_number": photo.step_number,
        "step_title": photo.step_title,
        "time": datetime_data(photo.time),
        "rejected": photo.rejected,
        "thumbnail_url": photo.thumb_url,
        "full_url": photo.full_url,
        "language": photo.language,
    }


def snapshot_photo_data(photo: Photo) -> dict[str, Any]:
    return {
        "key": photo.key,
        "label": photo.label,
        "step_number": photo.step_number,
        "file_name": photo.file_name,
        "time": datetime_data(photo.time),
        "rejected": photo.rejected,
        "thumbnail_url": photo.thumb_url or None,
    }
