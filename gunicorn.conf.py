"""gunicorn settings for the X-Platform console: ``gunicorn -c gunicorn.conf.py``.

Every value comes from the environment (README, "Configuration"); the
reasons are in docs/deployment.md, "Application server". Bad values stop
start-up with a message naming the variable. R-OPS-01 in docs/security.md.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from xplatform_console.env import env_float, env_int, env_list, env_str  # noqa: E402
from xplatform_console.server_logging import (  # noqa: E402
    ACCESS_LOG_FORMAT,
    gunicorn_logconfig_dict,
)

wsgi_app = "xplatform_console.wsgi:application"
chdir = str(ROOT)

# Loopback unless told otherwise: nginx in front on the same machine.
bind = env_list("XPC_GUNICORN_BIND", ["127.0.0.1:8000"])

# Threads, not processes, wait on the X-Platform: a page blocks for up to
# the upstream deadline while holding little CPU, so a few processes with
# several threads each serve many slow pages at once with little memory.
# 2 workers x 8 threads per 2 cores (R-OPS-01): 16 requests at a time, and so
# up to 16 database connections per instance (docs/deployment.md).
worker_class = "gthread"
workers = env_int("XPC_GUNICORN_WORKERS", 2, minimum=1)
threads = env_int("XPC_GUNICORN_THREADS", 8, minimum=1)

# The longest request makes two upstream calls one after the other (a lookup,
# then the prefetch of its match), each bounded by XPC_UPSTREAM_DEADLINE.
# timeout (a worker silent that long is killed) and graceful_timeout (time
# left to requests in flight on HUP, TERM or max_requests) must exceed it,
# or a restart cuts pages off mid-answer.
_longest_request = 2 * env_float("XPC_UPSTREAM_DEADLINE", 8.0)
timeout = env_int(
    "XPC_GUNICORN_TIMEOUT", max(30, math.ceil(_longest_request) + 10), minimum=1
)
if timeout <= _longest_request:
    raise ImproperlyConfigured(
        f"XPC_GUNICORN_TIMEOUT must be above twice XPC_UPSTREAM_DEADLINE "
        f"({_longest_request:g} s), the longest a request can wait on the "
        f"X-Platform; got {timeout}."
    )
graceful_timeout = timeout

# Longer than nginx's upstream keepalive_timeout (60 s): the proxy, not
# gunicorn, closes idle connections, so nginx never reuses one that gunicorn
# is closing at that moment (a 502). Idle connections hold no thread in gthread.
keepalive = env_int("XPC_GUNICORN_KEEPALIVE", 75, minimum=1)

# A worker is replaced after this many requests (0: never), with jitter so
# the workers do not all restart at once; bounds slow memory growth (Pillow,
# caches of parsed payloads).
max_requests = env_int("XPC_GUNICORN_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10

# Not preloaded: each worker imports the application itself, so `kill -HUP`
# loads new code after an upgrade, and no database connection, thread pool
# or HTTP pool is created before the fork and shared by the workers. The
# memory it would save with 2 workers is small.
preload_app = False

# The same proxies the console trusts for X-Forwarded-For
# (XPC_TRUSTED_PROXIES, interactions/client_address.py) may set the scheme.
# Only X-Forwarded-Proto, which nginx overwrites on every request; gunicorn's
# other scheme headers would pass through nginx from the client untouched.
forwarded_allow_ips = ",".join(
    str(ipaddress.ip_network(proxy, strict=False))
    for proxy in env_list("XPC_TRUSTED_PROXIES", [])
)
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
forwarder_headers = ""

# One pid file and control socket per instance (named after its first bind
# address), so two instances on one machine do not collide: `kill -HUP
# $(cat <pidfile>)` reloads gracefully (new workers, then the old ones finish).
_instance = re.sub(r"[^A-Za-z0-9]+", "-", bind[0]).strip("-")
_run_dir = Path(env_str("XPC_GUNICORN_RUN_DIR", str(ROOT / "var" / "run")))
_run_dir.mkdir(parents=True, exist_ok=True)
pidfile = str(_run_dir / f"gunicorn-{_instance}.pid")
control_socket = str(_run_dir / f"gunicorn-{_instance}.ctl")
proc_name = f"xpc-console-{_instance}"
# The workers' heartbeat files on tmpfs: a slow disk never looks like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Logs: gunicorn's messages to stderr, one access line per request to stdout;
# the format lives in xplatform_console/server_logging.py.
loglevel = env_str("XPC_LOG_LEVEL", "INFO").upper()
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT
logconfig_dict = gunicorn_logconfig_dict(loglevel)


# Metrics (docs/deployment.md, "Logs and metrics"): each worker writes its
# values to files in PROMETHEUS_MULTIPROC_DIR, one directory per instance,
# and /metrics adds them up. Set in the master before any worker starts (and
# before prometheus_client is imported, which reads it once).
_metrics_dir = str(_run_dir / f"prometheus-{_instance}")


def on_starting(server: object) -> None:
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", _metrics_dir)
    from interactions import metrics

    metrics.prepare_multiprocess_dir()


def child_exit(server: object, worker: Any) -> None:
    from interactions import metrics

    metrics.worker_exit(worker.pid)
