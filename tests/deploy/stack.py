"""The pieces `make test-deploy` starts, and how it stops them.

Every process is started here, remembered by its PID and stopped by that PID
(never by name: other jobs on the machine may run the same programs). Logs go
to files in the run's temporary folder; a failing run prints their tails.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class DeployFailure(Exception):
    """A check failed; the message says which and what was seen."""


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def check(condition: object, what: str, seen: object = "") -> None:
    """Print `ok  what`, or stop the run with what was seen instead."""
    if not condition:
        detail = f": {seen}" if seen != "" else ""
        raise DeployFailure(f"{what}{detail}")
    say(f"  ok  {what}")


@contextlib.contextmanager
def step(title: str, timings: list[tuple[str, float]]) -> Iterator[None]:
    say(f"== {title}")
    started = time.monotonic()
    try:
        yield
    finally:
        elapsed = time.monotonic() - started
        timings.append((title, elapsed))
        say(f"   ({elapsed:.1f} s)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    test: Callable[[], bool], what: str, seconds: float = 30.0, pause: float = 0.1
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError):
            if test():
                return
        if time.monotonic() > deadline:
            raise DeployFailure(f"{what}: not within {seconds:g} s")
        time.sleep(pause)


def port_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def run(
    command: Sequence[str], *, cwd: Path, env: dict[str, str] | None, log: Path
) -> str:
    """Run a command to its end; its output goes to `log` and is returned."""
    # Fixed programs (make, the venv's python); arguments built by this script.
    result = subprocess.run(  # noqa: S603
        list(command),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-30:]
        raise DeployFailure(
            f"{' '.join(command)} exited with {result.returncode}:\n" + "\n".join(tail)
        )
    return result.stdout


@dataclass
class Service:
    """A long-running process of the deployment, with its log files."""

    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str] | None
    stdout: Path
    stderr: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        with self.stdout.open("ab") as out, self.stderr.open("ab") as err:
            self.process = subprocess.Popen(  # noqa: S603
                self.command, cwd=self.cwd, env=self.env, stdout=out, stderr=err
            )
        self.starts += 1

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, sig: signal.Signals = signal.SIGTERM, wait: float = 40.0) -> None:
        """Signal our process (by its PID) and wait for it; kill if it hangs."""
        if not self.running():
            return
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return "".join(
            path.read_text(encoding="utf-8", errors="replace")
            for path in (self.stdout, self.stderr)
            if path.exists()
        )

    def json_lines(self) -> list[dict[str, Any]]:
        """The JSON log lines the process wrote (other lines are skipped)."""
        lines = []
        for line in self.log_text().splitlines():
            with contextlib.suppress(ValueError):
                lines.append(json.loads(line))
        return lines


@dataclass
class Stack:
    """Everything the run started, stopped in reverse order at the end."""

    folder: Path
    services: list[Service] = field(default_factory=list)
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def service(
        self,
        name: str,
        command: list[str],
        *,
        cwd: Path,
        env: dict[str, str] | None = None,
    ) -> Service:
        logs = self.folder / "logs"
        logs.mkdir(exist_ok=True)
        service = Service(
            name,
            command,
            cwd,
            env,
            stdout=logs / f"{name}.out.log",
            stderr=logs / f"{name}.err.log",
        )
        self.services.append(service)
        service.start()
        return service

    def stop_all(self) -> None:
        for service in reversed(self.services):
            try:
                service.stop()
            except Exception as exc:  # keep stopping the others
                say(f"  could not stop {service.name}: {exc}")
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as exc:  # keep cleaning up
                say(f"  clean-up failed: {exc}")

    def postgres_database(self, server: str, prefix: str) -> str:
        """A new database on `server` (a URL), dropped at the end; its URL."""
        name = f"{prefix}_{secrets.token_hex(4)}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')  # our own random name

        def drop() -> None:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            say(f"  dropped database {name}")

        self.cleanups.append(drop)
        say(f"  created database {name}")
        return server.rsplit("/", 1)[0] + "/" + name

    def redis_server(self, port: int, existing: Service | None = None) -> Service:
        """A redis-server of our own on `port` (nothing kept on disk), answering."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise DeployFailure("redis-server is not installed (apt-get install it)")
        command = [binary, "--bind", "127.0.0.1", "--port", str(port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        if existing is None:
            existing = self.service("redis", command, cwd=self.folder)
        else:
            existing.start()
        client = redis.Redis(port=port, socket_timeout=1)
        wait_until(lambda: bool(client.ping()), "our redis-server answers PING", 10)
        return existing

    def print_log_tails(self, lines: int = 25) -> None:
        for path in sorted((self.folder / "logs").glob("*.log")):
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()
            if text:
                say(f"--- last lines of {path}")
                for line in text[-lines:]:
                    say("    " + line[:400])


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made now, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def signal_pidfile(pidfile: Path, sig: signal.Signals, expected: int) -> None:
    """`kill -SIG $(cat pidfile)`, as an operator does, for our own process only."""
    pid = int(pidfile.read_text(encoding="utf-8").strip())
    if pid != expected:
        raise DeployFailure(f"{pidfile} names {pid}, not the gunicorn we started")
    os.kill(pid, sig)
