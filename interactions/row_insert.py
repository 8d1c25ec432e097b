"""A new model row written in one statement, without ``Model.save()``.

Every page view writes an access-log row, and a page with new content a
snapshot. ``Model.save()`` spends several times the statement's own cost
on its machinery (signals, the insert compiler, returning fields), about
2.5 % of a cold page's request thread (docs/performance.md). Here the INSERT
is built from the model's own fields: names quoted from ``_meta``, every
value prepared by its field as ``save()`` prepares it (``pre_save``, so
``auto_now_add`` and the encrypted fields work; ``get_db_prep_save``) and
sent as a parameter. Nothing but quoted names goes into the text.

No signal is sent: no receiver may listen to the models written this way
(tests/test_row_insert.py fails if one does).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Model


def insert_statement(row: Model) -> tuple[str, list[Any], dict[str, str]]:
    """``INSERT INTO <table> (<columns>) VALUES (%s, ...)`` for ``row``'s
    fields but its primary key, their values, and every concrete field's
    quoted column by field name (the primary key's under ``"pk"``)."""
    meta = row._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    columns = {f.name: quote(f.column) for f in meta.concrete_fields}
    columns["pk"] = quote(meta.pk.column)
    names = ", ".join(columns[f.name] for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    return sql, values, columns


def inserted(row: Model, pk: Any) -> None:
    """Mark ``row`` as saved, with its new primary key."""
    row.pk = pk
    row._state.adding, row._state.db = False, connection.alias


def insert(row: Model) -> None:
    """Insert ``row`` (new) in one statement; its primary key is set. As in
    ``save()``, a failure inside a transaction marks it for rollback."""
    sql, values, columns = insert_statement(row)
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {columns['pk']}", values)
        inserted(row, cursor.fetchone()[0])
