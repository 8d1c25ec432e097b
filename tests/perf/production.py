"""The console deployed as in production, on loopback, for the benchmarks.

`ProductionRun` starts a new PostgreSQL database, a redis-server of its
own, two gunicorn instances with gunicorn.conf.py and its defaults, and the
X-Platform simulator with ``--control`` (per-account latency and faults
switched while it runs) and ``--generated`` (a new interaction for every
unique ID ``gen-<digits>``); it signs agents in, reads the processes' JSON
logs and stops everything by PID. Used by `make bench-faults` and `make
loadtest`; XPC_BENCH_POSTGRES names the PostgreSQL server.
"""

from __future__ import annotations

import datetime
import itertools
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.deploy.stack import (  # noqa: E402
    DeployFailure,
    Service,
    Stack,
    free_port,
    port_open,
    run,
    say,
    wait_until,
)

POSTGRES = os.environ.get(
    "XPC_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def spread(label: str, samples: list[float]) -> str:
    """`label  p50 ... p95 ...`, aligned."""
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    return f"  {label:<18} p50 {ms(p50)}  p95 {ms(p95)}"


@dataclass
class Visit:
    seconds: float
    status: int
    request_id: str
    text: str = ""


@dataclass
class Agent:
    """A signed-in agent: its cookies, sent by hand (they are Secure and the
    instances speak plain HTTP on loopback)."""

    cookie: str
    bases: list[str]
    turn: Iterator[int] = field(default_factory=itertools.count)

    def get(self, path: str, timeout: float = 60) -> Visit:
        base = self.bases[next(self.turn) % len(self.bases)]
        started = time.monotonic()
        answer = requests.get(
            base + path,
            headers={"Cookie": self.cookie},
            allow_redirects=False,
            timeout=timeout,
        )
        return Visit(
            time.monotonic() - started,
            answer.status_code,
            answer.headers.get("X-Request-ID", ""),
            answer.text,
        )


class ProductionRun:
    """The console deployed as in production on loopback, and the simulator."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stack = Stack(folder)
        (folder / "logs").mkdir()
        self.ports = {name: free_port() for name in ("redis", "sim", "one", "two")}
        self.bases = [f"http://127.0.0.1:{self.ports[n]}" for n in ("one", "two")]
        self.sim = f"http://127.0.0.1:{self.ports['sim']}"
        self.python = str(Path(sys.executable))
        self.env: dict[str, str] = {}
        self.passwords: dict[str, str] = {}
        self.instances: list[Service] = []
        self.simulator: Service | None = None
        self.serial = itertools.count(10**9 + secrets.randbelow(10**9))
        self.extra_env: dict[str, str] = {}

    # -- set-up ---------------------------------------------------------------

    def prepare(self) -> None:
        database = self.stack.postgres_database(POSTGRES, "xpc_bench")
        self.stack.redis_server(self.ports["redis"])
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "XPC_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database,
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "XPC_UPSTREAM_ALLOWED_HOSTS": "127.0.0.1",
            "XPC_GUNICORN_RUN_DIR": str(self.folder / "run"),
            "XPC_STATIC_ROOT": str(self.folder / "static"),
        } | self.extra_env
        log = self.folder / "logs" / "manage.log"
        for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
            run([self.python, "manage.py", *command], cwd=ROOT, env=self.env, log=log)
        seeded = run(
            [self.python, "manage.py", "seed_demo", "--simulator-url", self.sim],
            cwd=ROOT,
            env=self.env,
            log=log,
        )
        for user in ("agent", "agent2"):
            found = re.search(rf"^\s+{user}\s+(\S+)\s", seeded, re.MULTILINE)
            if found is None:
                raise DeployFailure(f"seed_demo printed no password for {user}")
            self.passwords[user] = found.group(1)

    def start(self) -> None:
        for name in ("one", "two"):
            service = self.stack.service(
                f"gunicorn-{name}",
                [str(Path(self.python).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env | {"XPC_GUNICORN_BIND": f"127.0.0.1:{self.ports[name]}"},
            )
            self.instances.append(service)
        for base in self.bases:
            wait_until(_healthy(base), f"gunicorn at {base} answers /healthz", 40)
        say(f"  two gunicorn instances: {', '.join(self.bases)}")

    def start_simulator(self) -> None:
        """Started last, just before the live round: the live interaction
        runs 40 s from the simulator's start, then starts again (every 60 s)."""
        port = self.ports["sim"]
        self.simulator = self.stack.service(
            "simulator",
            [
                *(self.python, "manage.py", "xplatform_simulator"),
                *("--port", str(port), "--control", "--generated"),
                *("--live-cycle", "60"),
            ],
            cwd=ROOT,
            env=self.env,
        )
        wait_until(lambda: port_open(port), "the simulator listens", 20)

    def control(self, account: str, **settings: object) -> None:
        answer = requests.post(
            f"{self.sim}/_control/accounts/{account}", json=settings, timeout=5
        )
        if answer.status_code != 200:
            raise DeployFailure(f"/_control said {answer.status_code}: {answer.text}")

    def sign_in(self, user: str) -> Agent:
        base = self.bases[0]
        page = requests.get(base + "/accounts/login/", timeout=10)
        token = CSRF.search(page.text)
        if token is None:
            raise DeployFailure("the login page has no CSRF token")
        answer = requests.post(
            base + "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": user,
                "password": self.passwords[user],
            },
            headers={"Cookie": f"csrftoken={page.cookies['csrftoken']}"},
            allow_redirects=False,
            timeout=10,
        )
        if answer.status_code != 302 or "sessionid" not in answer.cookies:
            raise DeployFailure(f"{user} could not sign in: {answer.status_code}")
        return Agent(f"sessionid={answer.cookies['sessionid']}", self.bases)

    # -- logs -----------------------------------------------------------------

    def upstream_hits(self, since: float, until: float) -> list[dict[str, object]]:
        """The simulator's request lines between two wall-clock times."""
        assert self.simulator is not None
        lines = []
        for line in self.simulator.json_lines():
            if line.get("event") != "simulator_request":
                continue
            stamp = _epoch(str(line.get("timestamp", "")))
            if since <= stamp <= until:
                lines.append(line)
        return lines

    def critical_paths(self, request_ids: set[str]) -> list[float]:
        """The slowest upstream call of each request, in seconds."""
        slowest: dict[str, float] = {}
        for service in self.instances:
            for line in service.json_lines():
                rid = str(line.get("request_id", ""))
                if line.get("event") == "upstream_call" and rid in request_ids:
                    slowest[rid] = max(slowest.get(rid, 0.0), float(line["ms"]) / 1000)
        return list(slowest.values())

    # -- the four rounds ------------------------------------------------------


def _healthy(base: str) -> Callable[[], bool]:
    return lambda: requests.get(base + "/healthz", timeout=2).ok


def _epoch(stamp: str) -> float:
    try:
        return datetime.datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return 0.0
