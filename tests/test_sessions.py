"""Sessions are Django's database sessions, read with one plain statement."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interactions import sessions
from tests.support.console import logged_in, make_user


def _stored(data: dict[str, object]) -> str:
    store = sessions.SessionStore()
    store.update(data)
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_the_console_uses_this_store():
    engine = import_module(settings.SESSION_ENGINE)
    assert engine.SessionStore is sessions.SessionStore


def test_a_session_reads_as_django_s_own_store_reads_it(db):
    key = _stored({"theme": "dark", "count": 3})
    ours = sessions.SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        assert ours.load() == {"theme": "dark", "count": 3}
    assert ours.load() == django_db.SessionStore(key).load()
    assert ours.session_key == key
    # One statement, for the one column load() needs.
    assert len(queries) == 1
    assert "session_data" in queries[0]["sql"]
    assert "expire_date" not in queries[0]["sql"].split("FROM")[0]


def test_an_expired_session_is_not_read(db):
    key = _stored({"theme": "dark"})
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    store = sessions.SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_an_unknown_session_is_empty(db):
    store = sessions.SessionStore("no-such-session-key-at-all")
    assert store.load() == {}
    assert store.session_key is None


def test_a_signed_in_agent_stays_signed_in_and_signs_out(db):
    web = logged_in(make_user("sam", "agent", []))
    assert web.get(reverse("interactions:home")).status_code == 200
    web.post(reverse("logout"))
    answer = web.get(reverse("interactions:home"))
    assert answer.status_code == 302
    assert reverse("login") in answer["Location"]
