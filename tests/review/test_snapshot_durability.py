"""Every changed page keeps its snapshot and every view its access-log row,
with many agents at once and when the server dies right after answering
(docs/performance.md: the snapshot store is made cheap, never skipped).

These tests commit (``transaction=True``): the viewers are real threads or a
real gunicorn process, each with its own database connection, so they see
and race with each other's commits as in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection, connections
from django.test import Client

from interactions.identity.models import ApiToken
from interactions.models import InteractionAccess, InteractionSnapshot
from tests.review.conftest import detail_url
from tests.support.console import ensure_roles
from tests.support.redis_server import free_port
from tests.support.simulator import RunningSimulator, running_simulator

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A committed test's database, with the role groups the flush at its
    end removes put back for the tests after it (requested first, so it is
    torn down after that flush)."""
    with django_db_blocker.unblock():
        ensure_roles()
    yield
    with django_db_blocker.unblock():
        ensure_roles()


@pytest.fixture
def transactional_home(committed: None, transactional_db: None, home: Any) -> Any:
    return home


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    """The cast's simulator also answers ``gen-<digits>``: a new interaction
    for every ID."""
    with running_simulator(generated=True) as running:
        yield running


def _views_of(unique_id: str) -> int:
    return InteractionAccess.objects.filter(
        action="view", outcome="found", interaction_id=unique_id
    ).count()


def test_concurrent_viewers_keep_one_snapshot_per_content_and_a_row_each(
    transactional_home, agent
):
    """Four new interactions, each opened by four agents at the same moment:
    four snapshots (no view lost to the race on the unique content, none
    stored twice) and sixteen access-log rows."""
    ids = [f"gen-{n}" for n in range(7001, 7005)]
    viewers = [unique_id for unique_id in ids for _ in range(4)]
    start = threading.Barrier(len(viewers))
    statuses: list[int] = []

    def view(unique_id: str) -> None:
        web = Client()
        web.force_login(agent)
        try:
            start.wait(timeout=10)
            statuses.append(web.get(detail_url(unique_id)).status_code)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=view, args=(uid,)) for uid in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * len(viewers)
    for unique_id in ids:
        (snapshot,) = InteractionSnapshot.objects.filter(interaction_id=unique_id)
        assert snapshot.account == transactional_home
        assert snapshot.data["unique_id"] == unique_id
        assert _views_of(unique_id) == 4


def test_a_snapshot_and_its_row_are_kept_when_the_server_dies_after_answering(
    transactional_home, agent, tmp_path
):
    """gunicorn killed (SIGKILL, no clean-up) the moment the page is answered:
    what the agent saw is already stored and recorded."""
    token = ApiToken.objects.issue(user=agent, name="durability")[1]
    port = free_port()
    database = connections["default"].settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(database),
        "XPC_GUNICORN_BIND": f"127.0.0.1:{port}",
        "XPC_GUNICORN_WORKERS": "1",
        "XPC_GUNICORN_THREADS": "2",
        "XPC_GUNICORN_RUN_DIR": str(tmp_path),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", server, log)
        for unique_id in ("gen-7101", "gen-7102"):
            answer = requests.get(
                f"{base}/api/v1/accounts/{transactional_home.slug}/interactions/{unique_id}",
                headers={"Authorization": f"Token {token}"},
                timeout=30,
            )
            assert answer.status_code == 200, log.read_text()[-2000:]
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    for unique_id in ("gen-7101", "gen-7102"):
        assert InteractionSnapshot.objects.filter(interaction_id=unique_id).count() == 1
        assert _views_of(unique_id) == 1


def _database_url(database: dict[str, str]) -> str:
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    user, host = database.get("USER") or "postgres", database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or "5432"
    return f"postgres://{user}@{host}:{port}/{database['NAME']}"


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            assert server.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.1)
