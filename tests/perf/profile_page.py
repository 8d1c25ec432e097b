"""`make profile`: CPU per page view, and where it goes, on the production path.

The console runs in this process (Django's test client, no HTTP server in
front) on a new PostgreSQL database and a Redis of its own, with the
production settings otherwise; the X-Platform simulator runs in its own
process in generated-interaction mode (``tests/perf/production.py``) with no
added latency, so every figure is the console's own work. CPU time is this
process's user plus system time (``time.process_time``, every thread: the
upstream calls run on the console's pool threads), per request:

- ``html``: a cold interaction page (a new interaction every time);
- ``api``: the same through the JSON API with a token;
- ``cached``: one interaction's page again, its parts in the cache;
- ``live``: the live interaction's refresh (``/live``), cached between
  refresh intervals as in production.

Each scenario also prints what it sent to Redis per request, read from the
private redis-server's ``INFO commandstats`` and ``INFO stats`` before and
after (the console is its only client): round trips (the server's reply
writes: one per command or pipeline the client waits for) and commands (a
script's own ``redis.call``s included), the most frequent by name.

Then cProfile over 100 requests of one scenario (XPC_PROFILE, default
``html``; ``0`` for none): the functions with the most cumulative and the
most own time of the main thread, and, profiled apart on the pool threads
that make them (CPU time of each thread), the upstream calls: HTTP,
connections, JSON parsing and validation. ``XPC_PROFILE_SAVE=DIR`` also
writes the main thread's profile to ``DIR/<scenario>.prof`` (the
upstream calls' to ``DIR/<scenario>-upstream.prof``), for
``python -m pstats`` (who calls what). ``XPC_PROFILE=phases`` instead
times the steps of a page (``PHASES``) by the request thread's CPU clock,
for the cold HTML and API pages and the cached one: what each step really
costs, without a profiler's overhead; with ``XPC_PROFILE_CLOCK=wall``, the
elapsed time of each step instead (the waits for PostgreSQL, Redis and
the upstream calls included: where one agent's latency goes). The console
logs at WARNING here; ``XPC_PROFILE_LOG_LEVEL=INFO`` adds the lines
production writes (one per upstream call and one per view), to stderr.
`make loadtest` measures the same on gunicorn under load; this is the
quiet, repeatable view to compare before and after a change. Loopback
only; about a minute.
"""

from __future__ import annotations

import contextlib
import cProfile
import functools
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import redis

from tests.deploy.stack import DeployFailure, say
from tests.perf.production import ProductionRun

RUNS = int(os.environ.get("XPC_PROFILE_RUNS", "200"))
PROFILED = 100
LIVE = "/a/northwind/i/7301846/live"


class Profile(ProductionRun):
    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        # The load comes from one agent; the page limits are for people.
        self.extra_env = {
            "XPC_RATE_LIMIT_INTERACTION": "100000000",
            "XPC_RATE_LIMIT_SEARCH": "100000000",
            "XPC_LOG_LEVEL": os.environ.get("XPC_PROFILE_LOG_LEVEL", "WARNING"),
        }

    def in_process(self) -> None:
        """Load the console's settings in this process, as gunicorn would."""
        os.environ.update(self.env)
        os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
        os.environ["DJANGO_SETTINGS_MODULE"] = "xplatform_console.settings"
        import django

        django.setup()


class RedisCounts:
    """What the console sent to its private Redis, from the server's own
    statistics (nothing in the console is wrapped, so CPU is not disturbed)."""

    def __init__(self, port: int) -> None:
        self.client = redis.Redis(port=port, socket_timeout=5)

    def _read(self) -> tuple[dict[str, int], int]:
        info = self.client.info("commandstats", "stats")
        calls = {
            name.removeprefix("cmdstat_"): int(row["calls"])
            for name, row in info.items()
            if name.startswith("cmdstat_") and isinstance(row, dict)
        }
        return calls, int(info["total_writes_processed"])

    def __enter__(self) -> RedisCounts:
        self.commands: dict[str, int] = {}
        self.round_trips = 0
        self._before = self._read()
        return self

    def __exit__(self, *_exc: object) -> None:
        calls, writes = self._read()
        before_calls, before_writes = self._before
        self.commands = {
            name: count - before_calls.get(name, 0)
            for name, count in calls.items()
            if name != "info" and count > before_calls.get(name, 0)
        }
        # The first INFO's own reply is written after it read the counter.
        self.round_trips = writes - before_writes - 1

    def summary(self, requests: int) -> str:
        total = sum(self.commands.values())
        top = sorted(self.commands.items(), key=lambda item: -item[1])[:6]
        named = ", ".join(f"{name} {count / requests:.1f}" for name, count in top)
        return (
            f"redis: {self.round_trips / requests:.1f} round trips, "
            f"{total / requests:.1f} commands ({named})"
        )


@dataclass
class Measured:
    """CPU seconds of each request: the process (every thread) and the
    request's own thread (the rest is the upstream calls on the pool's
    threads); the database queries the request's thread sent."""

    process: list[float] = field(default_factory=list)
    thread: list[float] = field(default_factory=list)
    queries: int = 0


def cpu_per_request(request: Callable[[], int], runs: int) -> Measured:
    """Each request's CPU (every answer must be 200) and its queries."""
    from django.db import connection

    measured = Measured()
    show = os.environ.get("XPC_PROFILE_SQL") == "1" and runs == RUNS

    def count(execute, sql, params, many, context):
        measured.queries += 1
        if show and not measured.process:  # the first request's statements
            say(f"    sql: {' '.join(sql.split())[:150]}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for _ in range(runs):
            started, thread_started = time.process_time(), time.thread_time()
            status = request()
            measured.thread.append(time.thread_time() - thread_started)
            measured.process.append(time.process_time() - started)
            if status != 200:
                raise DeployFailure(f"a request answered {status}")
    return measured


def main() -> int:
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    folder = Path(tempfile.mkdtemp(prefix="xpc-profile-"))
    run = Profile(folder)
    failed = True
    say(f"make profile in {folder}")
    try:
        run.prepare()
        run.start_simulator()
        run.in_process()
        failed = measure(run)
    except DeployFailure as exc:
        say(f"FAILED: {exc}")
        run.stack.print_log_tails()
    finally:
        run.stack.stop_all()
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


def measure(run: Profile) -> bool:
    from django.contrib.auth.models import User
    from django.test import Client

    from interactions.identity.models import ApiToken

    agent = User.objects.get(username="agent")  # acme
    web, live_web = Client(), Client()
    web.force_login(agent)
    live_web.force_login(User.objects.get(username="agent2"))  # northwind
    token = ApiToken.objects.issue(user=agent, name="profile")[1]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")

    def html() -> int:
        return web.get(f"/a/acme/i/gen-{next(run.serial)}/").status_code

    def api_page() -> int:
        path = f"/api/v1/accounts/acme/interactions/gen-{next(run.serial)}"
        return api.get(path).status_code

    cached_id = f"gen-{next(run.serial)}"

    def cached() -> int:
        return web.get(f"/a/acme/i/{cached_id}/").status_code

    def live() -> int:
        return live_web.get(LIVE).status_code

    for request in (html, api_page, cached, live):  # warm every code path
        cpu_per_request(request, 3)
    counts = RedisCounts(run.ports["redis"])
    say(f"== CPU per request, {RUNS} requests each (ms)")
    say(
        f"  {'scenario':<8} {'mean':>6} {'p50':>6} {'p95':>6} {'thread':>6}"
        "  queries/request"
    )
    say("  (thread: the request's own thread; the rest is the upstream calls")
    say("  on the pool's threads. XPC_PROFILE_SQL=1 prints the statements)")
    for name, request in (
        ("html", html),
        ("api", api_page),
        ("cached", cached),
        ("live", live),
    ):
        with counts:
            measured = cpu_per_request(request, RUNS)
        ordered = sorted(measured.process)
        say(
            f"  {name:<8} {statistics.fmean(ordered) * 1000:6.2f} "
            f"{ordered[len(ordered) // 2] * 1000:6.2f} "
            f"{ordered[int(len(ordered) * 0.95)] * 1000:6.2f} "
            f"{statistics.fmean(measured.thread) * 1000:6.2f}"
            f"  {measured.queries / RUNS:.1f}"
        )
        say(f"           {counts.summary(RUNS)}")
    say("  goals: cold page (html, api) <= 8 ms, cached page <= 2 ms")
    scenarios = {"html": html, "api": api_page, "cached": cached, "live": live}
    chosen = os.environ.get("XPC_PROFILE", "html")
    if chosen == "phases":
        for name in ("html", "api", "cached"):
            phases(name, scenarios[name])
    elif chosen in scenarios:
        profile(chosen, scenarios[chosen])
    return False


# What XPC_PROFILE=phases times: (module, function or Class.method, label),
# a step's parts indented under it. Each is timed by the request thread's
# CPU clock, so waiting (for PostgreSQL, Redis or the upstream calls) and
# other threads' work are left out: unlike a sampling profiler, which also
# counts a thread waiting for the GIL (docs/performance.md).
PHASES = (
    ("django.core.handlers.base", "BaseHandler.get_response", "the request"),
    ("django.contrib.auth.middleware", "get_user", "  session and user"),
    (
        "interactions.identity.tokens",
        "ApiTokenAuthentication.authenticate",
        "  API token",
    ),
    ("interactions.services", "interaction_open", "  interaction_open"),
    ("interactions.upstream", "interaction_fetch", "    fetch"),
    ("interactions.shared_flight", "_read_or_lock", "      read or lock"),
    ("interactions.upstream", "gather", "      start the calls, wait"),
    ("interactions.shared_flight", "_release", "      store parts, release"),
    ("interactions.services", "interaction_page", "    page"),
    ("interactions.access_log", "Access.record", "    access log row"),
    ("interactions.services", "interaction_snapshot_store", "    snapshot"),
    ("interactions.snapshots", "page_content_hash", "      content hash"),
    ("interactions.snapshots", "_known_kept", "      kept already? (Redis)"),
    ("interactions.snapshots", "_insert_new", "      insert"),
    ("interactions.snapshots", "_remember_kept", "      remember it (Redis)"),
    ("interactions.views", "_console_page", "  console links, summary"),
    ("interactions.views", "page_sections", "  sections"),
    ("interactions.section_cache", "_render", "    rendered (Jinja2)"),
    ("interactions.views", "render", "  page template (frame, card)"),
    ("interactions.api.views", "_api_photo_urls", "  API photo links"),
    ("interactions.api.views", "interaction_data", "  API representation"),
)


def phases(name: str, request: Callable[[], int]) -> None:
    """Mean CPU per request of each step in ``PHASES``, request thread (or
    elapsed time, with ``XPC_PROFILE_CLOCK=wall``)."""
    import importlib

    wall = os.environ.get("XPC_PROFILE_CLOCK") == "wall"
    clock = time.perf_counter if wall else time.thread_time

    spent: dict[str, float] = dict.fromkeys([label for *_, label in PHASES], 0.0)
    restore: list[tuple[Any, str, Any]] = []

    def timed(original: Callable[..., Any], label: str) -> Callable[..., Any]:
        @functools.wraps(original)
        def call(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += clock() - started

        return call

    for module, dotted, label in PHASES:
        owner: Any = importlib.import_module(module)
        *path, attribute = dotted.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = owner.__dict__[attribute]
        restore.append((owner, attribute, original))
        setattr(owner, attribute, timed(original, label))
    try:
        for _ in range(RUNS):
            request()
    finally:
        for owner, attribute, original in reversed(restore):
            setattr(owner, attribute, original)
    what = "elapsed time" if wall else "CPU of the request's thread"
    say(f"== {name}: {what} by step, ms per request")
    for label, seconds in spent.items():
        if seconds:
            say(f"  {label:<34} {seconds * 1000 / RUNS:6.2f}")


def profile(name: str, request: Callable[[], int]) -> None:
    profiler = cProfile.Profile()
    with upstream_profiles() as upstream:
        profiler.enable()
        for _ in range(PROFILED):
            request()
        profiler.disable()
    say_areas(f"{PROFILED} {name} requests", pstats.Stats(profiler), PROFILED)
    if saved := os.environ.get("XPC_PROFILE_SAVE"):
        # For pstats' callers and callees: python -m pstats FILE
        Path(saved).mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(Path(saved) / f"{name}.prof")
        say(f"  saved {Path(saved) / f'{name}.prof'}")
    if upstream:
        calls = pstats.Stats(*upstream)
        if saved := os.environ.get("XPC_PROFILE_SAVE"):
            calls.dump_stats(Path(saved) / f"{name}-upstream.prof")
        say_areas(
            f"their {len(upstream)} upstream calls (pool threads, CPU)",
            calls,
            PROFILED,
        )
        out = io.StringIO()
        pstats.Stats(*upstream, stream=out).sort_stats("tottime").print_stats(25)
        say("== cProfile of the upstream calls, by own CPU time")
        body = out.getvalue()
        say(body[body.index("   ncalls") :].rstrip())
    for order, title in (("cumulative", "cumulative"), ("tottime", "own")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(40)
        say(f"== cProfile of {PROFILED} {name} requests, by {title} time")
        body = out.getvalue()
        say(body[body.index("   ncalls") :].rstrip())


@contextlib.contextmanager
def upstream_profiles() -> Iterator[list[cProfile.Profile]]:
    """Profile each X-Platform call on the thread that makes it.

    cProfile sees one thread; the calls run on the upstream pool's threads.
    Each call of the client's methods gets a profiler of its own, timed by
    its thread's CPU clock (not the wall clock, which would count waiting
    for the upstream).
    """
    from interactions.xplatform.client import XPlatformClient

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    methods = ("summary", "full_flow", "variable_set", "unique_ids", "photo")
    originals = {method: getattr(XPlatformClient, method) for method in methods}

    def profiled(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def call(*args: Any, **kwargs: Any) -> Any:
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            try:
                return original(*args, **kwargs)
            finally:
                profiler.disable()
                with lock:
                    profiles.append(profiler)

        return call

    for method, original in originals.items():
        setattr(XPlatformClient, method, profiled(original))
    try:
        yield profiles
    finally:
        for method, original in originals.items():
            setattr(XPlatformClient, method, original)


def say_areas(title: str, stats: pstats.Stats, requests: int) -> None:
    """Own time by area, in ms per request of ``requests``."""
    by_area: dict[str, float] = {}
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        area = _area(filename, function)
        by_area[area] = by_area.get(area, 0.0) + row[2]  # own time
    total = sum(by_area.values()) or 1.0
    say(
        f"== cProfile of {title}: own time by area, ms per request "
        f"(in all {total * 1000 / requests:.2f}, with the profiler's overhead)"
    )
    for area, seconds in sorted(by_area.items(), key=lambda item: -item[1])[:18]:
        say(f"  {area:<34} {seconds * 1000 / requests:6.2f}  {seconds / total:4.0%}")


AREAS = (
    ("django/template", "django templates"),
    ("django/db", "django ORM"),
    ("django/contrib/sessions", "django sessions"),
    ("django/contrib/auth", "django auth"),
    ("django/utils", "django utils (translation, safestring...)"),
    ("/django/", "django (other)"),
    ("psycopg", "psycopg (PostgreSQL client)"),
    ("redis", "redis client"),
    ("requests", "requests/urllib3 (upstream HTTP)"),
    ("urllib3", "requests/urllib3 (upstream HTTP)"),
    ("http/client", "http.client (upstream HTTP)"),
    ("/email/", "http.client (upstream HTTP)"),
    ("rest_framework", "django REST framework"),
    ("pydantic", "pydantic (upstream validation)"),
    ("/interactions/", "console code"),
    ("site-packages", "other libraries"),
)


def _area(filename: str, function: str) -> str:
    if "/interactions/" in filename:
        return "console: " + filename.split("/interactions/", 1)[1]
    for fragment, area in AREAS:
        if fragment in filename:
            return area
    if filename == "~":  # built-ins: {method 'acquire' ...}
        return "built-in: " + function.split("'")[1] if "'" in function else function
    if filename.startswith("<frozen"):
        return "standard library: " + filename.strip("<>").split()[-1]
    return "standard library: " + "/".join(Path(filename).parts[-2:])


if __name__ == "__main__":
    sys.exit(main())
