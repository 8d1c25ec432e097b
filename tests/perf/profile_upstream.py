"""CPU of the X-Platform client alone: the six calls of a cold page.

``XPlatformClient`` (breaker, bulkhead, HTTP, parsing and validation) runs in
this process, one call after another on one thread, against the simulator in
its own process in generated mode (a new interaction for every page),
started twice: keeping connections open, as the real X-Platform does behind
its load balancers, and closing each after one answer (``--keep-alive 0``,
what the simulator did before 2026-12-03). Rounds alternate between the two
so a busy machine weighs on both alike. CPU is this process's
(``time.process_time``) per page. Then cProfile, on the CPU clock, of 200
pages on kept connections: own time by area. No database, no Redis (the
breaker is per process); loopback only; about 20 s.

`make profile` (``profile_page.py``) measures the whole page; this is the
quiet view of the HTTP path under it.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.deploy.stack import (
    DeployFailure,
    Stack,
    free_port,
    port_open,
    say,
    wait_until,
)
from tests.perf.profile_page import say_areas

ROOT = Path(__file__).resolve().parents[2]
ROUNDS, PAGES = 10, 30
PROFILED = 200
# Throwaway values, as `make typecheck` uses: settings need them, nothing
# here reads a database or a signed value.
ENV = {
    "DJANGO_SECRET_KEY": "profile-upstream-only-secret-key-never-used-0123456789abcdef",
    "XPC_FIELD_ENCRYPTION_KEYS": "fEssFPx5zPrHh1HCDvCeOLaIEtT___wiXbMsDnPK8m0=",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": "sqlite:///:memory:",
    "XPC_LOG_LEVEL": "WARNING",
}


def main() -> int:
    for name, value in ENV.items():
        os.environ.setdefault(name, value)
    os.environ["DJANGO_SETTINGS_MODULE"] = "xplatform_console.settings"
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="xpc-upstream-") as folder:
        stack = Stack(Path(folder))
        try:
            bases = {
                "kept": start_simulator(stack, keep_alive="20"),
                "closed": start_simulator(stack, keep_alive="0"),
            }
            measure(bases)
        except DeployFailure as exc:
            say(f"FAILED: {exc}")
            return 1
        finally:
            stack.stop_all()
    return 0


def start_simulator(stack: Stack, *, keep_alive: str) -> str:
    port = free_port()
    command = [sys.executable, "manage.py", "xplatform_simulator", "--generated"]
    command += ["--port", str(port), "--keep-alive", keep_alive]
    stack.service(f"simulator-{keep_alive}", command, cwd=ROOT, env=dict(os.environ))
    wait_until(lambda: port_open(port), "the simulator listens", 20)
    return f"http://127.0.0.1:{port}"


def page_of(base_url: str) -> Callable[[], None]:
    """One cold page's calls: summary, full flow, the account's four sets."""
    import itertools

    from interactions.simulator.seed.accounts import ACME
    from interactions.xplatform.client import XPlatformClient
    from interactions.xplatform.config import AccountConfig, CallPolicy

    account = AccountConfig(
        base_url=base_url,
        account_id=ACME.account_id,
        application_key=ACME.application_key,
        slug=ACME.slug,
    )
    client = XPlatformClient(account, policy=CallPolicy(allowed_hosts=("127.0.0.1",)))
    serial = itertools.count(10**9)

    def page() -> None:
        unique_id = f"gen-{next(serial)}"
        client.summary(unique_id)
        client.full_flow(unique_id)
        for set_id in ACME.variable_sets:
            client.variable_set(unique_id, set_id)

    return page


def measure(bases: dict[str, str]) -> None:
    pages = {name: page_of(base) for name, base in bases.items()}
    for page in pages.values():  # connections, imports, caches
        for _ in range(10):
            page()
    samples: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(ROUNDS):
        for name, page in pages.items():
            for _ in range(PAGES):
                started = time.process_time()
                page()
                samples[name].append(time.process_time() - started)
    say(f"== CPU per cold page's six upstream calls, {ROUNDS * PAGES} pages (ms)")
    say(f"  {'connections':<12} {'mean':>6} {'p50':>6} {'p95':>6}  per call")
    for name, values in samples.items():
        ordered = sorted(values)
        mean = statistics.fmean(values) * 1000
        say(
            f"  {name:<12} {mean:6.2f} {ordered[len(ordered) // 2] * 1000:6.2f} "
            f"{ordered[int(len(ordered) * 0.95)] * 1000:6.2f}  {mean / 6:.2f}"
        )
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(PROFILED):
        pages["kept"]()
    profiler.disable()
    say_areas(f"{PROFILED} pages on kept connections", pstats.Stats(profiler), PROFILED)


if __name__ == "__main__":
    sys.exit(main())
