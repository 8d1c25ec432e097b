"""Benchmark: the console against the simulator with 100 ms added per upstream call.

Run with `make bench` (or `python tests/perf/bench_console.py`). It prints:

- the interaction page's server time by unique ID and by phone number, next
  to the lower bound (phone lookup round trip plus the slowest parallel call)
  and the sequential sum of the same calls;
- cold and cached thumbnail time for the 12-megapixel photo;
- upstream calls per page view with ten concurrent viewers of one live
  interaction refreshing for a while.

It is a script, not a test: the figures go into the README.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xplatform_console.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ.setdefault(
    "XPC_FIELD_ENCRYPTION_KEYS", "fEssFPx5zPrHh1HCDvCeOLaIEtT___wiXbMsDnPK8m0="
)
# A file, not memory: the ten-viewer round uses threads, which an in-memory
# SQLite database cannot serve.
_DB = Path(tempfile.mkdtemp(prefix="xpc-bench-")) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{_DB}"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
os.environ["XPC_UPSTREAM_ALLOWED_HOSTS"] = "127.0.0.1"
os.environ["XPC_LOG_LEVEL"] = "WARNING"
# Pages rendered in-process without `collectstatic`, as the tests do: the
# hashed-name manifest exists only after a deployment's collect.
os.environ["XPC_STATIC_MANIFEST"] = "0"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from interactions import upstream  # noqa: E402
from interactions.models import AccountAssignment, XPlatformAccount  # noqa: E402
from interactions.simulator import data  # noqa: E402
from interactions.simulator.app import make_app  # noqa: E402
from interactions.simulator.clock import ManualClock  # noqa: E402
from interactions.simulator.faults import Faults  # noqa: E402
from interactions.simulator.server import serve  # noqa: E402
from interactions.xplatform.config import CallerAttribute  # noqa: E402
from interactions.xplatform.errors import XPlatformNotFound  # noqa: E402

LATENCY = 0.1
RUNS = 7


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _serve_forever(port: int) -> None:
    app = make_app(dataset=data.default_dataset(), faults=Faults(latency=LATENCY))
    serve(app, host="127.0.0.1", port=port)
    while True:
        time.sleep(3600)


def main() -> None:
    call_command("migrate", verbosity=0)
    # The timed runs use a simulator in its own process, as in production,
    # so the console and the simulator do not share one interpreter lock.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = multiprocessing.get_context("fork").Process(
        target=_serve_forever, args=(port,), daemon=True
    )
    process.start()
    # The counting run needs a controllable clock and the hit list: in-process.
    clock = ManualClock(start=time.time())
    app = make_app(dataset=data.default_dataset(), faults=Faults(), clock=clock)
    server = serve(app, host="127.0.0.1", port=0)
    try:
        _wait_for(port)
        _run(f"http://127.0.0.1:{port}", server.base_url, app, clock)
    finally:
        server.shutdown()
        process.terminate()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("The simulator process did not start.")


def _setup(base_url: str) -> tuple[dict[str, XPlatformAccount], Client]:
    accounts = {}
    for demo in data.DEMO_ACCOUNTS:
        accounts[demo.slug] = XPlatformAccount.objects.create(
            name=demo.name,
            slug=demo.slug,
            base_url=base_url,
            account_id=demo.account_id,
            application_key=demo.application_key,
            environment_name=demo.environment_name or "",
            variable_sets=",".join(demo.variable_sets),
            time_zone=demo.time_zone,
        )
    user = User.objects.create_user("bench", password="unused-password-123")
    user.groups.add(Group.objects.get(name="agent"))
    for account in accounts.values():
        AccountAssignment.objects.create(user=user, account=account)
    web = Client()
    web.force_login(user)
    return accounts, web


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _run(base_url: str, counting_url: str, app, clock: ManualClock) -> None:
    accounts, web = _setup(base_url)
    acme = accounts["acme"]
    client = upstream.get_client(acme)
    uid = data.LEADING_ZERO_UNIQUE_ID
    phone = "+1 (646) 555-0177"  # one match: the UUID interaction

    # Single upstream round trips, measured one by one with the real client.
    def call_times(unique_id: str) -> list[float]:
        times = [_timed(lambda: client.summary(unique_id))]
        times.append(_timed(lambda: client.full_flow(unique_id)))
        for set_id in acme.variable_set_ids():

            def one(set_id: str = set_id) -> None:
                with contextlib.suppress(XPlatformNotFound):
                    client.variable_set(unique_id, set_id)

            times.append(_timed(one))
        return times

    lookup_rt: list[float] = []
    bounds_uid, sums_uid, bounds_phone, sums_phone = [], [], [], []
    for _ in range(RUNS):
        calls = call_times(uid)
        bounds_uid.append(max(calls))
        sums_uid.append(sum(calls))
        rt = _timed(
            lambda: client.unique_ids(CallerAttribute.CLICK_TO_CALL, "6465550177")
        )
        lookup_rt.append(rt)
        calls = call_times(data.UUID_UNIQUE_ID)
        bounds_phone.append(rt + max(calls))
        sums_phone.append(rt * 4 + sum(calls))

    page_uid, page_phone = [], []
    detail = reverse("interactions:detail", args=["acme", uid])
    for _ in range(RUNS):
        cache.clear()
        page_uid.append(_timed(lambda: web.get(detail)))
        cache.clear()

        def by_phone() -> None:
            response = web.post(
                reverse("interactions:lookup"),
                {"query": phone, "kind": "phone", "account": "acme"},
            )
            assert response.status_code == 302, response.status_code
            web.get(response["Location"])

        page_phone.append(_timed(by_phone))

    _out(
        f"Interaction page, {LATENCY * 1000:.0f} ms added per upstream call "
        f"(median of {RUNS}):"
    )
    _out(
        f"  {'':28} {'page':>8} {'lower bound':>12} {'ratio':>6} {'sequential sum':>15}"
    )
    for name, page, bound, total in (
        ("by unique ID", page_uid, bounds_uid, sums_uid),
        ("by phone number", page_phone, bounds_phone, sums_phone),
    ):
        ratio = statistics.median(page) / statistics.median(bound)
        _out(
            f"  {name:28} {_median_ms(page):7.0f}ms {_median_ms(bound):10.0f}ms "
            f"{ratio:6.2f} {_median_ms(total):13.0f}ms"
        )

    # Thumbnails of the 12-megapixel photo.
    big = upstream.interaction_fetch(account=acme, unique_id=data.BIG_PHOTO_UNIQUE_ID)
    ref = next(p for p in big.photos if p.path == data.BIG_PHOTO_PATH)
    thumb_url = reverse(
        "interactions:photo", args=["acme", data.BIG_PHOTO_UNIQUE_ID, ref.key, "thumb"]
    )
    cold, warm = [], []
    for _ in range(3):
        cache.clear()
        upstream.interaction_fetch(account=acme, unique_id=data.BIG_PHOTO_UNIQUE_ID)
        cold.append(_timed(lambda: web.get(thumb_url)))
        warm += [_timed(lambda: web.get(thumb_url)) for _ in range(20)]
    _out("12-megapixel photo thumbnail (4000x3000 JPEG):")
    _out(
        f"  cold (fetch + decode + resize): {_median_ms(cold):7.1f} ms "
        f"(includes {LATENCY * 1000:.0f} ms upstream latency)"
    )
    _out(f"  cached:                         {_median_ms(warm):7.2f} ms")

    # Ten viewers of the live interaction, refreshing every 5 s for 30 s of
    # simulated time; the cache and single-flight keep upstream calls down.
    northwind = accounts["northwind"]
    northwind.base_url = counting_url
    northwind.save()
    live_detail = reverse(
        "interactions:detail", args=["northwind", data.LIVE_UNIQUE_ID]
    )
    live_url = reverse("interactions:live", args=["northwind", data.LIVE_UNIQUE_ID])
    cache.clear()
    app.clear_hits()
    views = 0
    lock = threading.Lock()
    viewers = []
    for _ in range(10):
        viewer = Client()
        viewer.force_login(User.objects.get(username="bench"))
        viewers.append(viewer)

    def view(viewer: Client, url: str) -> None:
        nonlocal views
        response = viewer.get(url)
        assert response.status_code == 200, response.status_code
        with lock:
            views += 1

    rounds = 7
    for round_number in range(rounds):
        url = live_detail if round_number == 0 else live_url
        threads = [threading.Thread(target=view, args=(v, url)) for v in viewers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        clock.advance(5)
        time.sleep(upstream.live_ttl() + 0.2)
    hits = len(app.hits)
    parts = 2 + len(northwind.variable_set_ids())
    _out("Ten concurrent viewers of the live interaction, 7 refresh rounds:")
    _out(f"  page views and refreshes: {views}")
    _out(
        f"  upstream calls:           {hits} ({hits / views:.2f} per view; "
        f"{parts} per uncached fetch)"
    )


if __name__ == "__main__":
    main()
