"""Django's database sessions, read with one plain statement.

Every signed-in page reads its session (docs/security.md, R-OPS-04: sessions
live in the database, never in a cache). Django reads it through the ORM,
``Session.objects.get(session_key=..., expire_date__gt=now)``, whose query
building cost several times the statement itself: about 0.3 ms of CPU per
page against 0.1 (docs/performance.md). This store reads the one column
``load()`` needs with a statement made of the model's quoted names, the key
and the time as parameters, on the database Django would read it from;
writing, deleting, expiring and the async ``aload()`` are Django's. The
column is text, which needs no conversion from the database.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    """``SESSION_ENGINE = "interactions.sessions"``."""

    def _get_session_from_db(self) -> Any:
        session_key = self.session_key
        if session_key is None:
            return None
        meta = self.model._meta
        connection = connections[router.db_for_read(self.model)]
        quote = connection.ops.quote_name
        expire = meta.get_field("expire_date")
        data = quote(meta.get_field("session_data").column)
        key = quote(meta.get_field("session_key").column)
        sql = (
            f"SELECT {data} FROM {quote(meta.db_table)} "  # noqa: S608
            f"WHERE {key} = %s AND {quote(expire.column)} > %s"
        )
        now = expire.get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [session_key, now])
            row = cursor.fetchone()
        if row is None:
            # As Django's store: no such session (or an expired one).
            self._session_key = None
            return None
        return self.model(session_key=session_key, session_data=row[0])
