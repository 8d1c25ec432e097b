"""One model row, with the row a foreign key of it points to, read in one
plain statement instead of through a QuerySet.

Every API call looks its token up with its user (R-AC-07). The ORM's
``select_related(...).get(...)`` builds that query anew each time, about
four to five times the plain statement's cost on the request thread
(docs/performance.md); here the SELECT is made once per model, field and
database from the models' ``_meta``: quoted names only, the looked-up value
sent as a parameter prepared by its field. The values that come back go
through the converters the ORM would apply (SQLite's dates and booleans),
and the instances are built with ``Model.from_db`` as the ORM builds them,
the related one cached on the foreign key as ``select_related`` caches it.

The sibling of ``row_insert`` (the writes of a page view); like
``sessions``, which reads the session's one column the same way.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import connections, router
from django.db.models import Field, ForeignKey, Model

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Part:
    """The columns of one model in the statement, in order."""

    model: type[Model]
    fields: tuple[Field[Any, Any], ...]
    attnames: list[str]
    alias: str


@dataclass(frozen=True)
class _Statement:
    sql: str
    lookup: Field[Any, Any]
    parts: tuple[_Part, ...]
    relation: ForeignKey[Any, Any] | None


def _part(model: type[Model], alias: str) -> _Part:
    if model._meta.parents or model._meta.pk is None or not model._meta.pk.column:
        # Inherited fields live in the parents' tables; a composite key has
        # no column of its own: left to the ORM.
        raise ValueError(f"{model.__name__} is not a single-table model")
    fields = tuple(model._meta.concrete_fields)
    attnames = [field.attname for field in fields]
    return _Part(model=model, fields=fields, attnames=attnames, alias=alias)


@functools.cache
def _statement(
    model: type[Model], field_name: str, related: str | None, using: str
) -> _Statement:
    quote = connections[using].ops.quote_name
    meta = model._meta
    lookup = meta.pk if field_name == "pk" else meta.get_field(field_name)
    if not isinstance(lookup, Field) or not (lookup.unique or lookup.primary_key):
        raise ValueError(f"{model.__name__}.{field_name} is not a unique field")
    parts = [_part(model, "t0")]
    source = f"{quote(meta.db_table)} t0"
    relation: ForeignKey[Any, Any] | None = None
    if related is not None:
        key = meta.get_field(related)
        if not isinstance(key, ForeignKey) or key.null:
            raise ValueError(f"{model.__name__}.{related} is not a required key")
        relation = key
        target = cast(type[Model], relation.related_model)
        parts.append(_part(target, "t1"))
        source += (
            f" INNER JOIN {quote(target._meta.db_table)} t1 ON "
            f"t1.{quote(relation.target_field.column)} = t0.{quote(relation.column)}"
        )
    columns = ", ".join(
        f"{part.alias}.{quote(field.column)}" for part in parts for field in part.fields
    )
    sql = (
        f"SELECT {columns} FROM {source} "  # noqa: S608
        f"WHERE t0.{quote(lookup.column)} = %s"
    )
    return _Statement(sql=sql, lookup=lookup, parts=tuple(parts), relation=relation)


# Each thread has its own connection objects (Django's ``connections``), and
# a backend's converters are methods of one of them: found once per thread.
_local = threading.local()


def _converters(part: _Part, connection: Any) -> tuple[tuple[Any, list[Any]], ...]:
    """Per column of ``part``: the expression the converters take, and the
    converters the ORM would apply (the backend's, then the field's)."""
    known: dict[tuple[int, str, str], Any] = _local.__dict__.setdefault("known", {})
    key = (id(connection), part.model._meta.label, part.alias)
    found = known.get(key)
    if found is None or found[0] is not connection:
        columns = []
        for field in part.fields:
            column = field.get_col(part.alias)
            columns.append(
                (
                    column,
                    connection.ops.get_db_converters(column)
                    + column.get_db_converters(connection),
                )
            )
        found = known[key] = (connection, tuple(columns))
    return found[1]


def _instance(part: _Part, values: list[Any], connection: Any, using: str) -> Model:
    for index, (column, converters) in enumerate(_converters(part, connection)):
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    return part.model.from_db(using, part.attnames, values)


def get_one(
    model: type[M], field_name: str, value: Any, *, related: str | None = None
) -> M | None:
    """The row of ``model`` whose unique ``field_name`` is ``value`` (None
    when there is none), with the row its required foreign key ``related``
    points to read in the same statement and cached on it. Models of one
    table each (no multi-table inheritance, no composite key); ``value`` is
    never None (the ORM would look for NULL)."""
    if value is None:
        raise ValueError("row_read looks up a value, not NULL")
    using = router.db_for_read(model)
    statement = _statement(model, field_name, related, using)
    connection = connections[using]
    prepared = statement.lookup.get_db_prep_value(value, connection, prepared=False)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [prepared])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    instances = []
    start = 0
    for part in statement.parts:
        end = start + len(part.fields)
        instances.append(_instance(part, values[start:end], connection, using))
        start = end
    found = instances[0]
    if statement.relation is not None:
        statement.relation.set_cached_value(found, instances[1])
    return cast(M, found)
