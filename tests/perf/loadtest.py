"""`make loadtest`: the console as deployed, under open-loop load.

Two gunicorn instances with gunicorn.conf.py and its defaults on a new
PostgreSQL database and a Redis of our own (``tests/perf/production.py``),
the simulator in generated-interaction mode with 100 ms per call. Requests
start on a fixed schedule (open loop: a slow answer does not delay the next
request, so queueing shows in the figures) and go to both instances in
turn. Latency counts from the scheduled start.

For each scenario and arrival rate it prints p50, p95, p99, errors, the
critical path measured in the same run (the slowest upstream call of each
request, plus the lookup round trip for phone lookups, from the console's
``upstream_call`` log lines), p50 and p95 as ratios of it, and the CPU
milliseconds per request of the console's processes (user plus system time
of both gunicorn masters, their live workers and the workers they reaped,
from /proc, over the run).

Scenarios: ``html`` cold interaction pages (a new interaction every time),
``api`` the same through the token-authenticated JSON API, ``cached`` one
interaction's page again and again, ``live`` refreshes of the live
interaction (``/live``), ``phone`` API lookups by a new phone number each
time. First, one request at a time: the page by unique ID and by phone
number against their critical paths (goal: p50 at most 1.15 times).

Goals (issue 12, docs/performance.md): CPU per cold page at most 8 ms, per
cached page at most 2 ms; 100 cold pages a second with p95 at most 2 times
the critical path and no errors.

The per-user rate limits are raised for the run (XPC_RATE_LIMIT_*): the
load comes from one agent and one token. XPC_LOADTEST_SECONDS sets the
length of each step (default 10), XPC_LOADTEST_RATES the steps as
``scenario:rate,...`` (default below). The deployment's sizing, the
project's defaults unless set: XPC_GUNICORN_WORKERS, XPC_GUNICORN_THREADS,
XPC_UPSTREAM_POOL_SIZE and XPC_UPSTREAM_PER_ACCOUNT, when set for this
script, reach both instances, to try another size on the same machine.
Loopback only; about 4 minutes.
"""

from __future__ import annotations

import itertools
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.deploy.stack import DeployFailure, run, say
from tests.perf.production import ROOT, Agent, ProductionRun

ACCOUNT, ACCOUNT_ID = "acme", "12345678"
LIVE_ACCOUNT, LIVE_ACCOUNT_ID, LIVE_ID = "northwind", "jan20", "7301846"
LATENCY_MS = 100
SECONDS = float(os.environ.get("XPC_LOADTEST_SECONDS", "10"))
DEFAULT_RATES = "live:50,html:10,html:50,html:100,api:50,api:100,cached:100,phone:25"
RATES = os.environ.get("XPC_LOADTEST_RATES", DEFAULT_RATES)
SINGLE = 30
TICK = os.sysconf("SC_CLK_TCK")
LOOKUP_METHODS = ("byCallerAttribute", "uniqueId")
SIZING = (
    "XPC_GUNICORN_WORKERS",
    "XPC_GUNICORN_THREADS",
    "XPC_UPSTREAM_POOL_SIZE",
    "XPC_UPSTREAM_PER_ACCOUNT",
)


@dataclass
class Answer:
    seconds: float
    ok: bool
    request_id: str
    # What a failed request got: its status, or the client's exception.
    failure: str = ""


Request = Callable[[requests.Session], requests.Response]


class LoadTest(ProductionRun):
    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.extra_env = {
            "XPC_RATE_LIMIT_INTERACTION": "100000000",
            "XPC_RATE_LIMIT_SEARCH": "100000000",
        } | {name: os.environ[name] for name in SIZING if name in os.environ}
        self.token = ""
        self.turn = itertools.count()
        self.phones = self._phones()
        self.local = threading.local()

    def start_simulator(self) -> None:
        super().start_simulator()
        self.control(ACCOUNT_ID, latency_ms=LATENCY_MS)
        self.control(LIVE_ACCOUNT_ID, latency_ms=LATENCY_MS)

    def make_token(self) -> None:
        out = run(
            [
                *(self.python, "manage.py", "xpc_token", "create"),
                *("--user", "agent", "--name", "loadtest"),
            ],
            cwd=ROOT,
            env=self.env,
            log=self.folder / "logs" / "manage.log",
        )
        tokens = [word for word in out.split() if word.startswith("xpc_")]
        if not tokens:
            raise DeployFailure("xpc_token printed no token")
        self.token = tokens[0]

    @staticmethod
    def _phones() -> Callable[[], str]:
        # NPA-555-2XXX: the simulator's generated interactions (10 digits).
        numbers = (f"{npa}5552{n:03d}" for npa in range(200, 1000) for n in range(1000))
        lock = threading.Lock()

        def take() -> str:
            with lock:
                return next(numbers)

        return take

    # -- the scenarios --------------------------------------------------------

    def scenario(self, name: str, agent: Agent, live_agent: Agent) -> Request:
        api = {"Authorization": f"Token {self.token}"}
        cached = f"/a/{ACCOUNT}/i/gen-42/"
        if name == "html":
            return lambda s: self._get(s, self.gen_page(ACCOUNT), agent.cookie)
        if name == "cached":
            return lambda s: self._get(s, cached, agent.cookie)
        if name == "live":
            path = f"/a/{LIVE_ACCOUNT}/i/{LIVE_ID}/live"
            return lambda s: self._get(s, path, live_agent.cookie)
        if name == "api":
            return lambda s: s.get(
                self.base()
                + f"/api/v1/accounts/{ACCOUNT}/interactions/gen-{next(self.serial)}",
                headers=api,
                timeout=60,
            )
        if name == "phone":
            return lambda s: s.post(
                self.base() + "/api/v1/lookup",
                json={"account": ACCOUNT, "query": self.phones(), "kind": "phone"},
                headers=api,
                timeout=60,
            )
        raise DeployFailure(f"unknown scenario {name!r}")

    def gen_page(self, slug: str) -> str:
        return f"/a/{slug}/i/gen-{next(self.serial)}/"

    def base(self) -> str:
        """The two instances in turn. Its own counter: counting with the
        interactions' serial sent every cold page to one instance (each
        takes one number for its ID and one for its instance)."""
        return self.bases[next(self.turn) % 2]

    def _get(
        self, session: requests.Session, path: str, cookie: str
    ) -> requests.Response:
        return session.get(
            self.base() + path,
            headers={"Cookie": cookie},
            allow_redirects=False,
            timeout=60,
        )

    def session(self) -> requests.Session:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            session.trust_env = False
        return session

    # -- measuring ------------------------------------------------------------

    def cpu_seconds(self) -> float:
        """User plus system time of the console's processes so far."""
        total = 0
        for service in self.instances:
            master = service.pid
            stat = _stat(master)
            total += sum(stat[13:17])  # utime stime cutime cstime (fields 14-17)
            for pid in _children(master):
                child = _stat(pid)
                total += child[13] + child[14]
        return total / TICK

    def once(self, request: Request) -> Answer:
        started = time.monotonic()
        try:
            answer = request(self.session())
            ok = answer.status_code in (200, 302)
            rid = answer.headers.get("X-Request-ID", "")
            failure = "" if ok else str(answer.status_code)
        except requests.RequestException as exc:
            ok, rid, failure = False, "", type(exc).__name__
        return Answer(time.monotonic() - started, ok, rid, failure)

    def open_loop(self, request: Request, rate: float) -> tuple[list[Answer], float]:
        """`rate` requests a second for SECONDS, each timed from its scheduled
        start; the CPU seconds the console used meanwhile."""
        count = int(rate * SECONDS)
        answers: list[Answer] = []
        lock = threading.Lock()
        cpu_before = self.cpu_seconds()
        start = time.monotonic() + 0.2

        def fire(scheduled: float) -> None:
            answer = self.once(request)
            answer.seconds = time.monotonic() - scheduled
            with lock:
                answers.append(answer)

        with ThreadPoolExecutor(max_workers=min(400, count)) as pool:
            for n in range(count):
                scheduled = start + n / rate
                delay = scheduled - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(fire, scheduled)
        time.sleep(0.3)  # the last log lines
        return answers, self.cpu_seconds() - cpu_before

    def critical(self, answers: list[Answer]) -> float:
        """Median over requests of the slowest upstream call (plus the
        lookup round trip, which the page's calls wait for)."""
        wanted = {a.request_id for a in answers if a.request_id}
        lookup: dict[str, float] = {}
        slowest: dict[str, float] = {}
        for service in self.instances:
            for line in service.json_lines():
                rid = str(line.get("request_id", ""))
                if line.get("event") != "upstream_call" or rid not in wanted:
                    continue
                seconds = float(line["ms"]) / 1000
                method = str(line.get("upstream_method", ""))
                if any(word in method for word in LOOKUP_METHODS):
                    lookup[rid] = max(lookup.get(rid, 0.0), seconds)
                else:
                    slowest[rid] = max(slowest.get(rid, 0.0), seconds)
        paths = [slowest.get(r, 0.0) + lookup.get(r, 0.0) for r in wanted]
        paths = [p for p in paths if p > 0]
        return statistics.median(paths) if paths else 0.0


def _stat(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); shift so index n is field n + 1
    # (proc(5): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17).
    return [0, 0, *[int(f) if f.lstrip("-").isdigit() else 0 for f in fields]]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if _stat(int(entry.name))[3] == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError):
                continue
    return found


def pct(answers: list[Answer], share: float) -> float:
    ordered = sorted(a.seconds for a in answers)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(title: str, answers: list[Answer], path: float, cpu: float | None) -> None:
    errors = sum(not a.ok for a in answers)
    p50, p95, p99 = (pct(answers, s) * 1000 for s in (0.5, 0.95, 0.99))
    ratio = f"{p50 / (path * 1000):4.2f} / {p95 / (path * 1000):4.2f}" if path else "-"
    per = f"{cpu * 1000 / len(answers):5.1f}" if cpu is not None else "  -  "
    say(
        f"  {title:<14} {len(answers):5d} {errors:4d} {p50:7.0f} {p95:7.0f} "
        f"{p99:7.0f} {path * 1000:6.0f}   {ratio:<11}  {per}"
    )
    if errors:
        kinds = Counter(a.failure for a in answers if not a.ok)
        say("    errors: " + ", ".join(f"{k} x{n}" for k, n in kinds.most_common()))


def main() -> int:
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    folder = Path(tempfile.mkdtemp(prefix="xpc-loadtest-"))
    test = LoadTest(folder)
    failed = True
    say(f"make loadtest in {folder}")
    sizing = {name: test.extra_env[name] for name in SIZING if name in test.extra_env}
    if sizing:
        say("  sizing: " + ", ".join(f"{k}={v}" for k, v in sizing.items()))
    try:
        test.prepare()
        test.start()
        test.make_token()
        agent, live_agent = test.sign_in("agent"), test.sign_in("agent2")
        test.start_simulator()
        header = (
            "  step            reqs  err     p50     p95     p99   path"
            "   p50/p95 x path  CPU ms/req"
        )
        say("== one request at a time (ms; path: the critical path in this run)")
        say(header)
        for name in ("html", "phone"):
            request = test.scenario(name, agent, live_agent)
            test.once(request)  # warm
            answers = [test.once(request) for _ in range(SINGLE)]
            report(f"{name} x1", answers, test.critical(answers), None)
        say(f"== open loop, {SECONDS:g} s per step, requests on schedule")
        say(header)
        warm = test.scenario("cached", agent, live_agent)
        test.once(warm)
        for step in RATES.split(","):
            name, rate = step.split(":")
            request = test.scenario(name, agent, live_agent)
            answers, cpu = test.open_loop(request, float(rate))
            report(f"{name} {rate}/s", answers, test.critical(answers), cpu)
        say("  goals: CPU per cold page <= 8 ms, per cached page <= 2 ms;")
        say("  one at a time p50 <= 1.15 x path; html 100/s p95 <= 2 x path, 0 errors")
        failed = False
    except (DeployFailure, requests.RequestException, OSError) as exc:
        say(f"FAILED: {exc}")
        test.stack.print_log_tails()
    finally:
        test.stack.stop_all()
        if failed or os.environ.get("XPC_BENCH_KEEP"):
            say(f"  kept {folder} for reading")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
