"""`make bench-faults`: one account's slow or failing X-Platform against another's.

The console runs as in production: two gunicorn instances (gunicorn.conf.py,
its default workers and threads) on a new PostgreSQL database and a Redis of
our own, against the X-Platform simulator started with ``--control`` (per
account latency and faults switched while it runs) and ``--generated`` (a
new interaction for every unique ID ``gen-<digits>``, so every page is a cold
read). Account A is the demo's ``acme``, account B ``northwind``; B's
upstream answers in 100 ms. Requests go straight to the instances, spread
over both (nginx adds nothing to what is measured here).

It prints:

1. B's page p50 and p95 with A idle, then with A's upstream at 4 s per call
   and 20 agents loading A pages without pause, next to B's own critical
   path (the slowest upstream call of each B page, from the console's log).
   Goal: B's p95 under load at most 1.5 times its p95 with A idle.
2. With A's upstream hung, the longest A request against the request
   deadline (XPC_REQUEST_DEADLINE). Goal: deadline plus rendering.
3. 20 viewers of B's live interaction, spread over both instances, each
   reading ``/live`` every XPC_LIVE_REFRESH_SECONDS: upstream calls per part
   per refresh interval. Goal: one.
4. With A's breaker open, the time to answer an A page, and the upstream
   calls it made. Goal: under 50 ms, none.

The per-agent rate limit on interaction pages is raised for the run
(XPC_RATE_LIMIT_INTERACTION): 20 agents without pause are a load test, not
a floor of people. Everything else is the documented production default.

Run: `make bench-faults` (about 3 minutes). XPC_BENCH_POSTGRES names the
PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
Every process is ours, stopped by PID; the database is dropped.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import requests

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.deploy.stack import DeployFailure, say
from tests.perf.production import (
    Agent,
    ProductionRun,
    Visit,
    ms,
    percentile,
    spread,
)

A, B = "acme", "northwind"
A_ID, B_ID = "12345678", "jan20"
B_LIVE = "7301846"
B_LATENCY_MS = 100
A_SLOW_MS = 4000
A_AGENTS = 20
B_SAMPLES = 60
VIEWERS = 20
REFRESH = 5  # XPC_LIVE_REFRESH_SECONDS, the default
INTERVALS = 5
DEADLINE = 8.0  # XPC_REQUEST_DEADLINE, the default
BUSY = "Too many X-Platform requests for this account"
# Parts of an interaction page, as the simulator names its methods.
PARTS = ("fullFlow", "summary", "variableSet")


class Bench(ProductionRun):
    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        # 20 agents reloading without pause are a load test, not people.
        self.extra_env = {"XPC_RATE_LIMIT_INTERACTION": "1000000"}

    def start_simulator(self) -> None:
        super().start_simulator()
        self.control(B_ID, latency_ms=B_LATENCY_MS)

    def gen_page(self, slug: str) -> str:
        return f"/a/{slug}/i/gen-{next(self.serial)}/"

    def b_pages(self, agent: Agent, count: int) -> list[Visit]:
        visits = []
        for _ in range(count):
            visit = agent.get(self.gen_page(B))
            if visit.status != 200:
                raise DeployFailure(f"a B page answered {visit.status}")
            visits.append(visit)
        return visits

    def a_load(
        self, agent: Agent, agents: int, stop: threading.Event, seen: list[Visit]
    ) -> list[threading.Thread]:
        def loop() -> None:
            while not stop.is_set():
                try:
                    visit = agent.get(self.gen_page(A))
                except requests.RequestException as exc:
                    visit = Visit(0.0, 0, "", f"{type(exc).__name__}")
                seen.append(visit)

        threads = [threading.Thread(target=loop, daemon=True) for _ in range(agents)]
        for thread in threads:
            thread.start()
        return threads

    def isolation(self, a_agent: Agent, b_agent: Agent) -> None:
        say("== 1. B's pages while A's X-Platform takes 4 s per call")
        self.b_pages(b_agent, 5)  # warm: connections, templates
        idle = self.b_pages(b_agent, B_SAMPLES)
        self.control(A_ID, latency_ms=A_SLOW_MS)
        stop, a_seen = threading.Event(), list[Visit]()
        threads = self.a_load(a_agent, A_AGENTS, stop, a_seen)
        time.sleep(A_SLOW_MS / 1000 + 1)  # every A agent is waiting by now
        loaded = self.b_pages(b_agent, B_SAMPLES)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        self.control(A_ID, latency_ms=0)
        idle_s = [v.seconds for v in idle]
        loaded_s = [v.seconds for v in loaded]
        path = self.critical_paths({v.request_id for v in idle + loaded})
        median_path = ms(statistics.median(path))
        say(f"  B's own critical path (slowest upstream call), median {median_path}")
        say(spread("B, A idle", idle_s))
        say(spread(f"B, A at 4 s x{A_AGENTS}", loaded_s))
        ratio = percentile(loaded_s, 0.95) / percentile(idle_s, 0.95)
        say(f"  B p95 loaded / idle: {ratio:.2f} (goal <= 1.5)")
        a_times = [v.seconds for v in a_seen if v.status == 200]
        busy = sum(BUSY in v.text for v in a_seen)
        say(
            f"  A meanwhile: {len(a_seen)} pages, {len(a_times)} answered 200, "
            f"median {ms(statistics.median(a_times) if a_times else 0)}, "
            f"{busy} with a part refused by A's bulkhead"
        )

    def hung(self, a_agent: Agent, b_agent: Agent) -> None:
        say("== 2. A's X-Platform hung (never answers)")
        self.control(A_ID, faults={"*": "hang:60"})
        stop, a_seen = threading.Event(), list[Visit]()
        threads = self.a_load(a_agent, A_AGENTS, stop, a_seen)
        time.sleep(1)
        b_visits = self.b_pages(b_agent, 20)
        time.sleep(max(0.0, DEADLINE + 4 - 20 * 0.15))
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        self.control(A_ID, faults={})
        finished = [v for v in a_seen if v.status]
        longest = max(v.seconds for v in finished)
        statuses = Counter(v.status for v in a_seen)
        say(f"  A pages: {len(a_seen)}, status {dict(statuses)}")
        say(f"  longest A request {ms(longest)} against the deadline {ms(DEADLINE)}")
        b_s = [v.seconds for v in b_visits]
        say(spread("B meanwhile", b_s))

    def live(self, b_agent: Agent) -> None:
        say(f"== 3. {VIEWERS} viewers of one live interaction on two instances")
        path = f"/a/{B}/i/{B_LIVE}/"
        first = b_agent.get(path)
        if first.status != 200:
            raise DeployFailure(f"the live interaction answered {first.status}")
        window = REFRESH * INTERVALS
        stop_at = time.time() + 1 + window
        errors: list[str] = []
        live_flags: list[bool] = []
        started = time.time() + 1

        def viewer(n: int) -> None:
            agent = Agent(b_agent.cookie, self.bases, itertools.count(n))
            agent.get(path)
            offset = secrets.randbelow(REFRESH * 1000) / 1000
            time.sleep(max(0.0, started - time.time()) + offset)
            while time.time() < stop_at:
                visit = agent.get(path + "live")
                if visit.status != 200:
                    errors.append(str(visit.status))
                else:
                    live_flags.append('"live": true' in visit.text)
                time.sleep(REFRESH)

        threads = [threading.Thread(target=viewer, args=(n,)) for n in range(VIEWERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(0.5)
        hits = [
            line
            for line in self.upstream_hits(started, stop_at)
            if line.get("account") == B_ID
        ]
        counts = Counter(str(line["api_method"]) for line in hits)
        say(
            f"  {len(live_flags)} refreshes in {window} s ({INTERVALS} intervals of "
            f"{REFRESH} s), {len(errors)} failed, live on "
            f"{sum(live_flags)} of them"
        )
        sets = 4  # northwind's variable sets
        for part in PARTS:
            per = counts[part] / INTERVALS / (sets if part == "variableSet" else 1)
            say(f"  {part:<12} {counts[part]:4d} calls = {per:.1f} per part, interval")
        say("  goal: 1.0 per part per interval (a refresh that finds the part")
        say("  fetched by any process within the interval makes no call)")

    def breaker_open(self, a_agent: Agent) -> None:
        say("== 4. A's breaker open")
        self.control(A_ID, faults={"*": "fail:503"})
        for _ in range(10):  # enough failures to open it on every group
            a_agent.get(self.gen_page(A))
        since = time.time()
        visits = [a_agent.get(self.gen_page(A)) for _ in range(40)]
        until = time.time()
        self.control(A_ID, faults={})
        calls = [
            line for line in self.upstream_hits(since, until) if line["account"] != B_ID
        ]
        times = [v.seconds for v in visits]
        said = sum("several times in a row" in v.text for v in visits)
        say(
            f"  {len(visits)} A pages, {said} saying the breaker is open, status "
            f"{dict(Counter(v.status for v in visits))}"
        )
        say(
            f"  time to answer p50 {ms(percentile(times, 0.5))}  p95 "
            f"{ms(percentile(times, 0.95))}  max {ms(max(times))} (goal < 50 ms)"
        )
        say(f"  upstream calls meanwhile: {len(calls)}")


def main() -> int:
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    folder = Path(tempfile.mkdtemp(prefix="xpc-bench-faults-"))
    bench = Bench(folder)
    failed = True
    say(f"make bench-faults in {folder}")
    rounds: list[Callable[[], None]] = []
    try:
        bench.prepare()
        bench.start()
        agent_a, agent_b = bench.sign_in("agent"), bench.sign_in("agent2")
        bench.start_simulator()
        rounds = [
            lambda: bench.live(agent_b),
            lambda: bench.isolation(agent_a, agent_b),
            lambda: bench.hung(agent_a, agent_b),
            lambda: bench.breaker_open(agent_a),
        ]
        for step in rounds:
            step()
        failed = False
    except (DeployFailure, requests.RequestException, OSError) as exc:
        say(f"FAILED: {exc}")
        bench.stack.print_log_tails()
    finally:
        bench.stack.stop_all()
        if failed or os.environ.get("XPC_BENCH_KEEP"):
            say(f"  kept {folder} for reading")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
