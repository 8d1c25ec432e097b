"""`make test-deploy`: deploy the console as docs/deployment.md says, and check it.

1. Install: `make dist`, the tarball unpacked as a release directory, `make
   install-prod VENV=...` (the runtime lock, with hashes) into a new venv;
   the documented environment (docs/deploy/console.env.example, secrets in
   `_FILE`s) pointed at a new PostgreSQL database and a Redis of our own;
   `check --deploy`, `collectstatic`, `migrate`, `seed_demo`.
2. Start the X-Platform simulator, two gunicorn instances with
   gunicorn.conf.py on loopback ports, and Debian's nginx with the
   documented site (docs/deploy/nginx-console.conf, TLS with a certificate
   made now) in front of both.
3. Through nginx: the HTTPS redirect, the login page and its hashed CSS with
   a one-year immutable cache header, signing in, a lookup and the
   interaction page, /readyz green.
4. The request ID of the lookup in nginx's log, the console's JSON log and
   the simulator's request log.
5. A rolling restart under load (4 threads of signed-in pages): `kill -HUP`
   of each instance, then a stop and start of each, with zero failures.
6. Our Redis stopped: /readyz 503 naming redis; started again: 200.

Every process is ours, stopped by PID, and the database is dropped, even on
failure. Run: `make test-deploy` (or `python -m tests.deploy.check_deployment`
from the checkout). XPC_DEPLOY_POSTGRES names the PostgreSQL server
(default postgres://postgres@127.0.0.1:5432/postgres); XPC_DEPLOY_KEEP=1
keeps the temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from cryptography.fernet import Fernet

from tests.deploy import nginx
from tests.deploy.load import Load
from tests.deploy.stack import (
    DeployFailure,
    Service,
    Stack,
    check,
    free_port,
    port_open,
    run,
    say,
    self_signed_certificate,
    signal_pidfile,
    step,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get(
    "XPC_DEPLOY_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
)
WORKERS = 2
AGENT_ACCOUNT, UNIQUE_ID, FLOW_NAME = "acme", "040100713", "Motor Claim FNOL"
HASHED_CSS = re.compile(r"/static/css/console\.[0-9a-f]{12}\.css")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONE_YEAR = 365 * 24 * 3600


class Deployment:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stack = Stack(folder)
        self.timings: list[tuple[str, float]] = []
        self.logs = folder / "logs"
        self.logs.mkdir()
        self.release = Path()
        self.venv = folder / "venv"
        self.env: dict[str, str] = {}
        self.ports = {
            name: free_port()
            for name in ("redis", "simulator", "a", "b", "http", "https")
        }
        self.base = f"https://127.0.0.1:{self.ports['https']}"
        self.cert = Path()
        self.instances: dict[str, Service] = {}
        self.redis: Service | None = None
        self.web = requests.Session()
        # Only this run's certificate, and no proxy or CA bundle from the
        # environment (requests would prefer REQUESTS_CA_BUNDLE to it).
        self.web.trust_env = False
        self.agent_password = ""

    # -- 1. install -----------------------------------------------------------

    def install(self) -> None:
        out = self.folder / "dist"
        built = run(
            ["make", "-s", "dist", f"DIST_DIR={out}"],
            cwd=ROOT,
            env=None,
            log=self.logs / "install.log",
        )
        tarball = Path(built.strip().splitlines()[-1])
        releases = self.folder / "releases"
        with tarfile.open(tarball) as archive:
            archive.extractall(releases, filter="data")
        (self.release,) = releases.iterdir()
        check(
            (self.release / "manage.py").exists()
            and not (self.release / "tests").exists(),
            f"release unpacked from {tarball.name} (manage.py, no tests)",
        )
        run(
            ["make", "install-prod", f"VENV={self.venv}"],
            cwd=self.release,
            env=None,
            log=self.logs / "install.log",
        )
        check(
            (self.venv / "bin" / "gunicorn").exists()
            and not (self.venv / "bin" / "pytest").exists(),
            "runtime lock installed with hashes (gunicorn, no dev tools)",
        )

    def create_database(self) -> str:
        return self.stack.postgres_database(POSTGRES, "xpc_deploy")

    def start_redis(self) -> None:
        self.redis = self.stack.redis_server(self.ports["redis"], self.redis)

    def environment(self, database_url: str) -> None:
        """The documented env file, its secrets in files, pointed at this run."""
        example = self.release / "docs" / "deploy" / "console.env.example"
        values: dict[str, str] = {}
        for line in example.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                key, value = line.split("=", 1)
                values[key] = value
        secret_values = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "XPC_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode() + "\n",
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
        }
        folder = self.folder / "secrets"
        folder.mkdir(mode=0o700)
        for key in [key for key in values if key.endswith("_FILE")]:
            path = folder / key.removesuffix("_FILE").lower()
            path.write_text(secret_values[key.removesuffix("_FILE")], "utf-8")
            values[key] = str(path)
        # What differs on a test machine: loopback names and ports, the
        # simulator as the X-Platform, a smaller server for 2 cores.
        values |= {
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": self.base,
            "XPC_UPSTREAM_ALLOWED_HOSTS": "127.0.0.1",
            "XPC_GUNICORN_WORKERS": str(WORKERS),
            "XPC_GUNICORN_THREADS": "4",
            "XPC_DB_POOL_MAX": "4",
            "XPC_GUNICORN_RUN_DIR": str(self.folder / "run"),
        }
        # Nothing from this shell leaks in: systemd starts from an empty one.
        base = {k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "HOME"}}
        self.env = base | values

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def manage(self, *args: str) -> str:
        return run(
            [self.python, "manage.py", *args],
            cwd=self.release,
            env=self.env,
            log=self.logs / "manage.log",
        )

    def prepare(self) -> None:
        checked = self.manage("check", "--deploy", "--fail-level", "WARNING")
        check("no issues" in checked, "check --deploy --fail-level WARNING clean")
        self.manage("collectstatic", "--no-input")
        manifest = self.release / "var" / "static" / "staticfiles.json"
        check(manifest.exists(), "collectstatic wrote the hashed-name manifest")
        self.manage("migrate", "--no-input")
        check(
            "[ ]" not in self.manage("showmigrations", "--list"),
            "migrate: every migration applied on PostgreSQL",
        )
        seeded = self.manage(
            "seed_demo",
            "--simulator-url",
            f"http://127.0.0.1:{self.ports['simulator']}",
        )
        found = re.search(r"^\s+agent\s+(\S+)\s+agent\s", seeded, re.MULTILINE)
        check(found, "seed_demo: accounts on the simulator, an agent user")
        assert found is not None
        self.agent_password = found.group(1)

    # -- 2. start -------------------------------------------------------------

    def start_simulator(self) -> None:
        port = self.ports["simulator"]
        self.stack.service(
            "simulator",
            [self.python, "manage.py", "xplatform_simulator", "--port", str(port)],
            cwd=self.release,
            env=self.env,
        )
        wait_until(lambda: port_open(port), "the simulator listens", 20)
        say(f"  simulator on 127.0.0.1:{port}")

    def start_instance(self, name: str) -> None:
        port = self.ports[name]
        if name in self.instances:
            self.instances[name].start()
        else:
            self.instances[name] = self.stack.service(
                f"gunicorn-{name}",
                [str(self.venv / "bin" / "gunicorn"), "-c", "gunicorn.conf.py"],
                cwd=self.release,
                env=self.env | {"XPC_GUNICORN_BIND": f"127.0.0.1:{port}"},
            )
        self.wait_healthy(name)

    def wait_healthy(self, name: str) -> None:
        url = f"http://127.0.0.1:{self.ports[name]}/healthz"
        service = self.instances[name]

        def healthy() -> bool:
            if not service.running():
                raise DeployFailure(f"gunicorn {name} exited:\n{service.log_text()}")
            try:
                return requests.get(url, timeout=2).status_code == 200
            except requests.ConnectionError:
                return False

        wait_until(healthy, f"gunicorn {name} answers /healthz", 40)

    def start_nginx(self) -> None:
        binary = nginx.nginx_binary()
        if binary is None:
            raise DeployFailure("nginx is not installed (apt-get install nginx)")
        folder = self.folder / "nginx"
        folder.mkdir()
        self.cert, key = self_signed_certificate(folder)
        documented = self.release / "docs" / "deploy" / "nginx-console.conf"
        site = folder / "xplatform-console.conf"
        site.write_text(
            nginx.site_config(
                documented.read_text(encoding="utf-8"),
                http_port=self.ports["http"],
                https_port=self.ports["https"],
                instances=[self.ports["a"], self.ports["b"]],
                cert=self.cert,
                key=key,
                access_log=self.logs / "nginx.access.log",
            ),
            "utf-8",
        )
        conf = folder / "nginx.conf"
        conf.write_text(nginx.main_config(folder, site), "utf-8")
        flags = ["-p", str(folder), "-e", str(self.logs / "nginx.error.log")]
        flags += ["-c", str(conf)]
        run([binary, "-t", *flags], cwd=folder, env=None, log=self.logs / "nginx.t.log")
        self.stack.service(
            "nginx", [binary, *flags, "-g", "daemon off;"], cwd=folder, env=None
        )
        wait_until(lambda: port_open(self.ports["https"]), "nginx listens", 10)
        self.web.verify = str(self.cert)
        say(f"  nginx on {self.base} in front of both instances")

    # -- 3. through nginx -----------------------------------------------------

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.web.get(self.base + path, timeout=20, **kwargs)

    def post_form(
        self, path: str, page: str, data: dict[str, str]
    ) -> requests.Response:
        token = CSRF.search(page)
        check(token, f"the form for {path} carries a CSRF token")
        assert token is not None
        return self.web.post(
            self.base + path,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            headers={"Referer": self.base + path},
            allow_redirects=False,
            timeout=20,
        )

    def pages(self) -> str:
        plain = requests.get(
            f"http://127.0.0.1:{self.ports['http']}/accounts/login/",
            allow_redirects=False,
            timeout=5,
        )
        check(
            plain.status_code == 301
            and plain.headers.get("Location") == self.base + "/accounts/login/",
            "plain HTTP is redirected to HTTPS by nginx",
            (plain.status_code, plain.headers.get("Location")),
        )
        health = self.get("/healthz")
        check(health.json() == {"status": "ok"}, "/healthz 200 through nginx")

        login = self.get("/accounts/login/")
        check(login.status_code == 200, "login page 200", login.status_code)
        check(
            "max-age=" in login.headers.get("Strict-Transport-Security", ""),
            "HSTS on the login page (DJANGO_BEHIND_TLS_PROXY=1 believed from nginx)",
        )
        css = HASHED_CSS.search(login.text)
        check(css, "login page links the hashed stylesheet")
        assert css is not None
        style = self.get(css.group(0), headers={"Accept-Encoding": "gzip"})
        cache = style.headers.get("Cache-Control", "")
        max_age = re.search(r"max-age=(\d+)", cache)
        check(
            style.status_code == 200
            and "text/css" in style.headers.get("Content-Type", "")
            and max_age is not None
            and int(max_age.group(1)) >= ONE_YEAR
            and "immutable" in cache,
            f"{css.group(0)}: 200, text/css, max-age >= 1 year, immutable",
            (style.status_code, cache),
        )
        check(
            style.headers.get("Content-Encoding") == "gzip",
            "the stylesheet is served compressed",
            style.headers.get("Content-Encoding"),
        )

        signed_in = self.post_form(
            "/accounts/login/",
            login.text,
            {"username": "agent", "password": self.agent_password},
        )
        check(
            signed_in.status_code == 302 and "sessionid" in self.web.cookies,
            "agent signs in (302, session cookie)",
            signed_in.status_code,
        )
        home = self.get("/")
        check(
            home.status_code == 200 and "Look up a customer" in home.text,
            "the signed-in home page answers 200",
            home.status_code,
        )
        lookup = self.post_form(
            "/lookup",
            home.text,
            {"query": UNIQUE_ID, "kind": "auto", "account": AGENT_ACCOUNT},
        )
        target = f"/a/{AGENT_ACCOUNT}/i/{UNIQUE_ID}/"
        check(
            lookup.status_code == 302 and lookup.headers.get("Location") == target,
            f"lookup of {UNIQUE_ID} redirects to its interaction page",
            (lookup.status_code, lookup.headers.get("Location")),
        )
        page = self.get(target)
        check(
            page.status_code == 200 and FLOW_NAME in page.text,
            f"interaction page 200 with the flow name {FLOW_NAME!r}",
            page.status_code,
        )
        # The release carries its compiled catalogues (locale/*/django.mo).
        hebrew = self.get(target, headers={"Accept-Language": "he"})
        check(
            '<html lang="he" dir="rtl"' in hebrew.text
            and "ציר הזמן של התהליך" in hebrew.text,
            "the interaction page in Hebrew, right to left, from the catalogue",
            hebrew.status_code,
        )

        self.readyz(expect_ok=True)
        return lookup.headers.get("X-Request-ID", "")

    def readyz(self, *, expect_ok: bool) -> dict[str, Any]:
        answer = self.get("/readyz")
        body: dict[str, Any] = answer.json()
        checks = body.get("checks", {})
        if expect_ok:
            check(
                answer.status_code == 200
                and body.get("status") == "ok"
                and {"database", "redis", "migrations"} <= set(checks)
                and all(item["ok"] for item in checks.values()),
                "/readyz 200, every check ok: " + ", ".join(sorted(checks)),
                body,
            )
        return body

    # -- 4. request IDs -------------------------------------------------------

    def request_id_everywhere(self, request_id: str) -> None:
        check(
            re.fullmatch(r"[0-9a-f]{32}", request_id),
            f"the lookup answered X-Request-ID {request_id} (nginx's $request_id)",
            request_id,
        )

        def console_lines() -> list[dict[str, Any]]:
            return [
                line
                for service in self.instances.values()
                for line in service.json_lines()
                if line.get("request_id") == request_id
            ]

        def simulator_lines() -> list[dict[str, Any]]:
            (simulator,) = [s for s in self.stack.services if s.name == "simulator"]
            return [
                line
                for line in simulator.json_lines()
                if line.get("event") == "simulator_request"
                and line.get("request_id") == request_id
            ]

        nginx_log = self.logs / "nginx.access.log"
        with contextlib.suppress(DeployFailure):
            wait_until(
                lambda: (
                    len({line.get("event") for line in console_lines()}) >= 3
                    and bool(simulator_lines())
                    and f"rid={request_id}" in nginx_log.read_text("utf-8")
                ),
                "logs written",
                5,
            )
        check(f"rid={request_id}" in nginx_log.read_text("utf-8"), "in nginx's log")
        seen = console_lines()
        events = {line.get("event") for line in seen}
        check(
            {"access", "upstream_call"} <= events
            and any(line["logger"] == "gunicorn.access" for line in seen),
            "in the console's JSON log (access, upstream_call, gunicorn access)",
            sorted(map(str, events)),
        )
        found = simulator_lines()
        check(found, "in the simulator's request log", len(found))
        say(f"     simulator: {found[0].get('message')}")

    # -- 5. rolling restart ---------------------------------------------------

    def hup(self, name: str) -> None:
        service = self.instances[name]
        booted = service.log_text().count("Booting worker")
        pidfile = next((self.folder / "run").glob(f"gunicorn-*-{self.ports[name]}.pid"))
        signal_pidfile(pidfile, signal.SIGHUP, service.pid)
        wait_until(
            lambda: service.log_text().count("Booting worker") >= booted + WORKERS,
            f"gunicorn {name} booted new workers after HUP",
            40,
        )
        self.wait_healthy(name)
        say(f"  kill -HUP {service.pid} (gunicorn {name}): new workers serve")

    def stop_start(self, name: str) -> None:
        service = self.instances[name]
        pid = service.pid
        service.stop(signal.SIGTERM)
        say(f"  gunicorn {name} (pid {pid}) stopped by SIGTERM")
        nginx_log = self.logs / "nginx.access.log"
        seen_before = nginx_log.stat().st_size
        self.start_instance(name)
        answered = time.monotonic()
        say(f"  gunicorn {name} started again (pid {service.pid}), /healthz 200")
        # nginx counts the stopped instance as down for fail_timeout (10 s)
        # after its last refused connection, /healthz or not: stopping the
        # next one before nginx uses this one again leaves no live upstream
        # (every request a 502). docs/deployment.md, "Rolling restart".
        served = f'" 200 .* upstream=127.0.0.1:{self.ports[name]} '

        def back_in_nginx() -> bool:
            with nginx_log.open("rb") as log:
                log.seek(seen_before)
                return re.search(served, log.read().decode()) is not None

        wait_until(back_in_nginx, f"nginx sends requests to gunicorn {name}", 30)
        waited = time.monotonic() - answered
        say(f"  nginx serves from gunicorn {name} again {waited:.1f} s later")

    def rolling_restart(self) -> None:
        load = Load(self.base, self.web, verify=str(self.cert), threads=4)
        started = time.monotonic()
        load.start()
        try:
            time.sleep(1)
            for name in ("a", "b"):
                self.hup(name)
                time.sleep(1)
            for name in ("a", "b"):
                self.stop_start(name)
                time.sleep(1)
        finally:
            load.stop()
        elapsed = time.monotonic() - started
        say(
            f"  {load.total} requests in {elapsed:.1f} s by 4 threads, "
            f"{len(load.failures)} failed"
        )
        for failure in load.failures[:10]:
            say(f"     failed: {failure}")
        check(load.total >= 100, "the load ran throughout", load.total)
        check(not load.failures, "zero failed requests during the rolling restart")

    # -- 6. readiness without Redis -------------------------------------------

    def readiness_follows_redis(self) -> None:
        assert self.redis is not None
        self.redis.stop()
        say(f"  our redis-server (pid {self.redis.pid}) stopped")
        body = self.readyz(expect_ok=False)
        answer_checks = body.get("checks", {})
        check(
            body.get("status") == "fail"
            and answer_checks.get("redis", {}).get("ok") is False
            and answer_checks.get("database", {}).get("ok") is True,
            "/readyz 503: redis false, database true",
            body,
        )
        # The console's own 503s must not make nginx count instances down.
        again = self.get("/readyz")
        health = self.get("/healthz")
        check(
            again.status_code == 503 and health.status_code == 200,
            "after two /readyz 503s nginx still serves /healthz (no instance "
            "taken out by the console's own 503s)",
            (again.status_code, health.status_code),
        )
        self.start_redis()
        say("  our redis-server started again")

        def ready() -> bool:
            return self.get("/readyz").status_code == 200

        wait_until(ready, "/readyz 200 again through nginx", 30, pause=0.5)
        check(True, "/readyz 200 again once Redis is back")


def main() -> int:
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ.pop("DJANGO_SETTINGS_MODULE")
    folder = Path(tempfile.mkdtemp(prefix="xpc-deploy-"))
    deployment = Deployment(folder)
    timings = deployment.timings
    started = time.monotonic()
    failed = True
    say(f"make test-deploy in {folder}")
    try:
        with step("1. install the release from the lock, configure, migrate", timings):
            deployment.install()
            database_url = deployment.create_database()
            deployment.start_redis()
            deployment.environment(database_url)
            deployment.prepare()
        with step("2. simulator, two gunicorn instances, nginx with TLS", timings):
            deployment.start_simulator()
            deployment.start_instance("a")
            deployment.start_instance("b")
            deployment.start_nginx()
        with step("3. pages through nginx", timings):
            request_id = deployment.pages()
        with step("4. one request ID in every log", timings):
            deployment.request_id_everywhere(request_id)
        with step("5. rolling restart under load", timings):
            deployment.rolling_restart()
        with step("6. /readyz without Redis", timings):
            deployment.readiness_follows_redis()
        failed = False
    except (DeployFailure, requests.RequestException, OSError) as exc:
        say(f"FAILED: {exc}")
        deployment.stack.print_log_tails()
    finally:
        say("== clean-up")
        deployment.stack.stop_all()
        if failed or os.environ.get("XPC_DEPLOY_KEEP"):
            say(f"  kept {folder} for reading")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    for title, seconds in timings:
        say(f"  {seconds:6.1f} s  {title}")
    total = time.monotonic() - started
    say(f"test-deploy {'FAILED' if failed else 'passed'} in {total:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
