"""A real Redis server for the tests: the one REDIS_URL names, or a private
``redis-server`` on a free loopback port that a test may stop and restart."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def console_cache(url: str, *, timeout: float = 0.2) -> dict[str, dict[str, Any]]:
    """CACHES as settings.py builds them for REDIS_URL=url."""
    return {
        "default": {
            "BACKEND": "interactions.resilient_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "xpc",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


class PrivateRedis:
    """redis-server on a free port, in a folder of its own; stop() and start()."""

    def __init__(self, folder: Path) -> None:
        if REDIS_SERVER is None:
            pytest.skip("no redis-server")
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self._process = subprocess.Popen(  # noqa: S603
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@contextmanager
def private_redis(folder: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def shared_or_private_redis(folder: Path) -> Iterator[str]:
    """REDIS_URL when set (make test-services), else a private server."""
    url = os.environ.get("REDIS_URL", "")
    if url:
        yield url
        return
    with private_redis(folder) as server:
        yield server.url
