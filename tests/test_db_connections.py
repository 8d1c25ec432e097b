"""Database connections: checked before reuse, pooled and bounded on PostgreSQL.

The connection budget in docs/deployment.md counts on XPC_DB_POOL_MAX being
a hard ceiling per process: the PostgreSQL test starts a process with the
real settings and more threads than the pool allows, and counts the server's
connections.
"""

from __future__ import annotations

import json
import os

import pytest
from django.db import connection

from tests.support.settings_process import run_python, settings_value

PG_URL = "postgres://xpc:pw@db.internal:5432/xpc"
on_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs DATABASE_URL=postgres://... (make test-services)",
)


def test_connections_are_health_checked_and_unpooled_by_default():
    assert settings_value(
        "s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "s.DATABASES['default']['CONN_MAX_AGE'], "
        "'pool' in s.DATABASES['default'].get('OPTIONS', {})",
        DATABASE_URL=PG_URL,
    ) == ("True 60 False")


def test_pool_settings_turn_persistent_connections_off():
    value = settings_value(
        "s.DATABASES['default']['OPTIONS']['pool'], "
        "s.DATABASES['default']['CONN_MAX_AGE']",
        DATABASE_URL=PG_URL,
        XPC_DB_POOL_MAX="6",
        XPC_DB_POOL_MIN="1",
        XPC_DB_POOL_TIMEOUT="4",
    )
    assert value == "{'min_size': 1, 'max_size': 6, 'timeout': 4.0} 0"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"XPC_DB_POOL_MAX": "4"}, "XPC_DB_POOL_MAX applies to PostgreSQL only"),
        (
            {"DATABASE_URL": PG_URL, "XPC_DB_POOL_MAX": "2", "XPC_DB_POOL_MIN": "3"},
            "XPC_DB_POOL_MIN must be at most XPC_DB_POOL_MAX",
        ),
        ({"DATABASE_URL": PG_URL, "XPC_DB_POOL_MAX": "many"}, "XPC_DB_POOL_MAX"),
    ],
)
def test_bad_pool_settings_stop_startup_in_plain_words(env, message):
    result = run_python("import xplatform_console.settings", **env)
    assert result.returncode != 0
    assert message in result.stderr


# Three threads each hold a connection for a while; the pool allows two.
_HOLD_CONNECTIONS = """
import json, threading, time
import django
django.setup()
from django.db import OperationalError, connection
results = []
def work():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            results.append(cursor.fetchone()[0])
            time.sleep(2)
    except OperationalError as exc:
        results.append(type(exc.__cause__).__name__)
    finally:
        connection.close()
threads = [threading.Thread(target=work) for _ in range(3)]
for thread in threads:
    thread.start()
    time.sleep(0.2)
for thread in threads:
    thread.join()
print(json.dumps({"results": results, "pool": connection.pool is not None}))
"""


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db
def test_pool_is_used_and_bounded_on_postgresql():
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}"
    )
    result = run_python(
        _HOLD_CONNECTIONS,
        DJANGO_SETTINGS_MODULE="xplatform_console.settings",
        DATABASE_URL=url,
        XPC_DB_POOL_MAX="2",
        XPC_DB_POOL_MIN="0",
        XPC_DB_POOL_TIMEOUT="0.5",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["pool"] is True
    pids = [r for r in report["results"] if isinstance(r, int)]
    refused = [r for r in report["results"] if not isinstance(r, int)]
    assert len(pids) == 2, report  # two server connections, no more
    assert len(set(pids)) == 2, report
    assert refused == ["PoolTimeout"], report  # the third waited, then failed
