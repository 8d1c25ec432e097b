"""Benchmark: how many wrong passwords one client can try per minute.

Run with `python tests/perf/bench_login.py [SECONDS]` (default 60). For each
sign-in page (/accounts/login/ and /admin/login/) one client, from one
address, as fast as it can, with the real Argon2 hasher and the default
settings (10 failures per user name and address, 15-minute lockout, 30 failed
password checks per address and minute):

- "one name": wrong passwords for one user name;
- "spray": wrong passwords over ever new user names (a password spray).

It prints, per run: requests sent, passwords actually checked (a hash was
computed, counted at the Argon2 hasher), and the refusals (429, no hash):
by the lockout or by the per-address limit. It is a
script, not a test: the figures go into docs/security.md (R-AC-03).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xplatform_console.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ.setdefault(
    "XPC_FIELD_ENCRYPTION_KEYS", "fEssFPx5zPrHh1HCDvCeOLaIEtT___wiXbMsDnPK8m0="
)
_DB = Path(tempfile.mkdtemp(prefix="xpc-bench-login-")) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{_DB}"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
os.environ["XPC_LOG_LEVEL"] = "ERROR"
# Pages rendered in-process without `collectstatic`, as the tests do.
os.environ["XPC_STATIC_MANIFEST"] = "0"

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = ["/accounts/login/", "/admin/login/"]
HASHES = Counter[str]()
_encode = Argon2PasswordHasher.encode
_verify = Argon2PasswordHasher.verify


def _counted_encode(self: Argon2PasswordHasher, password: str, salt: str) -> str:
    HASHES["argon2"] += 1  # an unknown user name: Django hashes anyway
    return _encode(self, password, salt)


def _counted_verify(self: Argon2PasswordHasher, password: str, encoded: str) -> bool:
    HASHES["argon2"] += 1  # a known user name: the stored hash is checked
    return _verify(self, password, encoded)


Argon2PasswordHasher.encode = _counted_encode  # type: ignore[method-assign,assignment]
Argon2PasswordHasher.verify = _counted_verify  # type: ignore[method-assign,assignment]


def _run(url: str, *, spray: bool, seconds: float, address: str) -> Counter[str]:
    client = Client()
    seen: Counter[str] = Counter()
    HASHES.clear()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        name = f"sprayed{n}" if spray else "victim"
        response = client.post(
            url,
            {"username": name, "password": f"wrong-{n}"},
            REMOTE_ADDR=address,
        )
        seen["sent"] += 1
        if response.status_code == 429:
            locked = b"for this user name" in response.content
            seen["locked out" if locked else "address limit"] += 1
        elif response.status_code != 200:
            seen[f"status {response.status_code}"] += 1
    seen["checked"] = HASHES["argon2"]
    return seen


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    call_command("migrate", verbosity=0)
    User.objects.create_user("victim", password="correct-horse-battery-staple-42")
    _say(f"One client, {seconds:.0f} s per run, Argon2, default limits:")
    for i, url in enumerate(PAGES):
        for j, spray in enumerate([False, True]):
            cache.clear()
            address = f"192.0.2.{10 * i + j + 1}"
            seen = _run(url, spray=spray, seconds=seconds, address=address)
            kind = "spray" if spray else "one name"
            per_minute = 60.0 / seconds
            _say(
                f"{url:18} {kind:8} sent {seen['sent']:6d}  "
                f"passwords checked {seen['checked']:3d} "
                f"({seen['checked'] * per_minute:.0f}/min)  "
                f"429 locked out {seen['locked out']:6d}  "
                f"429 address limit {seen['address limit']:6d}"
                + "".join(
                    f"  {k} {v}" for k, v in seen.items() if k.startswith("status")
                )
            )


if __name__ == "__main__":
    main()
