"""gunicorn.conf.py: the settings it gives gunicorn, and a real gunicorn with it.

The configuration is loaded as gunicorn loads it (a Python file run as a
module) and every value is fed to gunicorn's own validators. The last test
starts gunicorn with the project's configuration on a free loopback port,
with static files collected the production way, and reloads it with HUP.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from gunicorn.config import Config

from tests.support.settings_process import run_python
from tests.support.static import collected_static

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str
) -> dict[str, Any]:
    for name in list(os.environ):
        if name.startswith("XPC_GUNICORN_") or name in {
            "XPC_UPSTREAM_DEADLINE",
            "XPC_TRUSTED_PROXIES",
        }:
            monkeypatch.delenv(name)
    monkeypatch.setenv("XPC_GUNICORN_RUN_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(CONFIG))
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)  # gunicorn's validator for each setting
    return {name: config.settings[name].get() for name in config.settings}


def test_the_defaults_fit_a_blocking_upstream_behind_nginx(monkeypatch, tmp_path):
    cfg = _load(monkeypatch, tmp_path)
    assert cfg["wsgi_app"] == "xplatform_console.wsgi:application"
    assert cfg["bind"] == ["127.0.0.1:8000"]
    assert (cfg["worker_class"], cfg["workers"], cfg["threads"]) == ("gthread", 2, 8)
    # Above the longest wait on the X-Platform: two calls of 8 s each.
    assert cfg["timeout"] == 30
    assert cfg["graceful_timeout"] == 30
    assert cfg["keepalive"] > 60  # nginx's upstream keepalive_timeout
    assert (cfg["max_requests"], cfg["max_requests_jitter"]) == (2000, 200)
    assert cfg["preload_app"] is False
    # No trusted proxy configured: gunicorn trusts nobody's scheme header.
    assert cfg["forwarded_allow_ips"] == []
    assert cfg["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}
    assert cfg["pidfile"] == str(tmp_path / "gunicorn-127-0-0-1-8000.pid")
    assert cfg["control_socket"] == str(tmp_path / "gunicorn-127-0-0-1-8000.ctl")
    assert cfg["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"]


def test_the_environment_sets_the_server(monkeypatch, tmp_path):
    cfg = _load(
        monkeypatch,
        tmp_path,
        XPC_GUNICORN_BIND="127.0.0.1:9001,[::1]:9001",
        XPC_GUNICORN_WORKERS="3",
        XPC_GUNICORN_THREADS="4",
        XPC_GUNICORN_MAX_REQUESTS="0",
        XPC_UPSTREAM_DEADLINE="20",
        XPC_TRUSTED_PROXIES="10.1.2.3/8,192.0.2.10",
    )
    assert cfg["bind"] == ["127.0.0.1:9001", "[::1]:9001"]
    assert (cfg["workers"], cfg["threads"]) == (3, 4)
    assert (cfg["max_requests"], cfg["max_requests_jitter"]) == (0, 0)
    assert cfg["timeout"] > 40  # grows with the upstream deadline
    # The same proxies the console believes for X-Forwarded-For.
    assert cfg["forwarded_allow_ips"] == ["10.0.0.0/8", "192.0.2.10/32"]
    assert cfg["pidfile"].endswith("gunicorn-127-0-0-1-9001.pid")


def test_a_timeout_below_the_upstream_wait_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="XPC_GUNICORN_TIMEOUT"):
        _load(monkeypatch, tmp_path, XPC_GUNICORN_TIMEOUT="12")
    with pytest.raises(ImproperlyConfigured, match="XPC_GUNICORN_WORKERS"):
        _load(monkeypatch, tmp_path, XPC_GUNICORN_WORKERS="many")


# --- a real gunicorn ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, seconds: float = 30) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return requests.get(url, timeout=2)
        # The master listens before its workers have loaded Django: on a
        # busy machine a connection waits in the backlog past the 2 s read
        # timeout. Either way the server is not up yet.
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def gunicorn(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "XPC_STATIC_MANIFEST": "1",  # as in production
        "XPC_STATIC_ROOT": str(collected_static(tmp_path_factory.getbasetemp())),
        "XPC_GUNICORN_BIND": f"127.0.0.1:{port}",
        "XPC_GUNICORN_WORKERS": "1",
        "XPC_GUNICORN_THREADS": "2",
        "XPC_GUNICORN_RUN_DIR": str(tmp_path),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [str(GUNICORN), "-c", str(CONFIG)],
            cwd=tmp_path,  # the configuration finds the project itself
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}", server, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_serves_the_console_and_reloads_on_hup(gunicorn, tmp_path):
    base, server, log = gunicorn
    health = _wait_for(f"{base}/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}

    login = requests.get(f"{base}/accounts/login/", timeout=5)
    assert login.status_code == 200
    css = re.search(r"/static/css/console\.[0-9a-f]{12}\.css", login.text)
    assert css, "the login page does not link the hashed stylesheet"
    style = requests.get(base + css.group(0), timeout=5)
    assert style.status_code == 200
    assert "max-age=315360000" in style.headers["Cache-Control"]
    assert "immutable" in style.headers["Cache-Control"]

    # kill -HUP on the pid file: new workers start, the old ones finish.
    pid = int(next(tmp_path.glob("gunicorn-*.pid")).read_text())
    assert pid == server.pid
    booted = log.read_text().count("Booting worker")
    os.kill(pid, signal.SIGHUP)
    deadline = time.monotonic() + 10
    while log.read_text().count("Booting worker") == booted:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
    assert server.poll() is None
    # One access line per request: the path without its query string, with a
    # phone-like ID masked as in the console's own log lines.
    signed_out = requests.get(
        f"{base}/a/acme/i/2125550100/?q=2125550199", allow_redirects=False, timeout=5
    )
    assert signed_out.status_code == 302
    server.terminate()
    server.wait(timeout=30)
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any(
        '"GET /accounts/login/" status=200 bytes=' in line["message"] for line in access
    )
    (redirect,) = [line for line in access if "/a/acme/i/" in line["message"]]
    assert '"GET /a/acme/i/••••••0100/" status=302 bytes=0 ms=' in redirect["message"]
    # gunicorn's access line carries the request's ID, from the answer.
    assert redirect["request_id"] == signed_out.headers["X-Request-ID"]
    assert "2125550100" not in text
    assert "2125550199" not in text


def _json_lines(log: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in log.read_text().splitlines()
        if line.startswith("{")
    ]


def _serving_pids(log: Path, ids: set[str]) -> set[int]:
    """The worker processes whose access lines carry one of ``ids``."""
    return {
        line["process"]
        for line in _json_lines(log)
        if line["logger"] == "gunicorn.access" and line.get("request_id") in ids
    }


def _wait_for_access_lines(log: Path, ids: set[str], seconds: float = 5) -> None:
    """gunicorn writes the access line after the answer: wait for all of them."""
    deadline = time.monotonic() + seconds
    while True:
        logged = {
            line.get("request_id")
            for line in _json_lines(log)
            if line["logger"] == "gunicorn.access"
        }
        if ids <= logged or time.monotonic() > deadline:
            return
        time.sleep(0.05)


def test_metrics_add_up_every_worker_and_logs_carry_the_request_id(
    tmp_path, tmp_path_factory
):
    port = _free_port()
    token = "metrics-token-0123456789abcdef"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "XPC_STATIC_MANIFEST": "1",
        "XPC_STATIC_ROOT": str(collected_static(tmp_path_factory.getbasetemp())),
        "XPC_GUNICORN_BIND": f"127.0.0.1:{port}",
        "XPC_GUNICORN_WORKERS": "2",
        "XPC_GUNICORN_THREADS": "1",
        "XPC_GUNICORN_RUN_DIR": str(tmp_path),
        "XPC_METRICS_TOKEN": token,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [str(GUNICORN), "-c", str(CONFIG)],
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz")
        deadline = time.monotonic() + 15
        while log.read_text().count("Booting worker") < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        ids: set[str] = set()
        # New connections until both workers have served some: the kernel
        # hands each accept to whichever worker wakes first, so twelve in a
        # row can all land on one of them on a busy machine.
        while len(ids) < 200 and len(_serving_pids(log, ids)) < 2:
            for _ in range(12):
                page = requests.get(
                    f"{base}/accounts/login/",
                    headers={"Connection": "close"},
                    timeout=5,
                )
                assert page.status_code == 200
                ids.add(page.headers["X-Request-ID"])
            _wait_for_access_lines(log, ids)
        scraped = requests.get(
            f"{base}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
        assert scraped.status_code == 200
        assert requests.get(f"{base}/metrics", timeout=5).status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
    count = re.search(
        r'xpc_http_request_duration_seconds_count\{[^}]*view="login"[^}]*\} (\S+)',
        scraped.text,
    )
    assert count, scraped.text[:2000]
    assert float(count.group(1)) == len(ids)  # from both workers, added up
    assert list((tmp_path / f"prometheus-127-0-0-1-{port}").glob("*.db"))
    lines = _json_lines(log)
    logged = {
        line["request_id"] for line in lines if line["logger"] == "gunicorn.access"
    }
    assert ids <= logged
    pids = _serving_pids(log, ids)
    assert len(pids) == 2, "one worker took every request; nothing was added up"


def test_the_master_loads_the_metrics_before_django_is_set_up(tmp_path):
    """gunicorn.conf.py's on_starting imports the metrics (and through them
    the X-Platform client's errors) with no DJANGO_SETTINGS_MODULE: nothing
    there may need Django's settings at import time."""
    result = run_python(
        "from interactions import metrics; metrics.prepare_multiprocess_dir()",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
