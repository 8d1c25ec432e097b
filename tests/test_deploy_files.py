"""The files docs/deployment.md tells an operator to install are right.

- The example env file passes `check --deploy --fail-level WARNING`, with
  throwaway secrets in files as the example's _FILE lines expect.
- The nginx site passes `nginx -t` (when nginx is installed) and overwrites,
  never appends, the forwarded headers.
- The systemd units read the same env file; the purge runs from a timer.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.deploy.stack import self_signed_certificate
from tests.support.settings_process import run_python

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "docs" / "deploy"
ENV_EXAMPLE = DEPLOY / "console.env.example"
LINE = re.compile(r"^[A-Z][A-Z0-9_]*=[^\s'\"]*$")


def _env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        # Plain KEY=VALUE: read alike by systemd and by `set -a; . file`.
        assert LINE.match(line), f"not a plain KEY=VALUE line: {line!r}"
        key, value = line.split("=", 1)
        values[key] = value
    return values


def _with_secret_files(env: dict[str, str], folder: Path) -> dict[str, str]:
    throwaway = {
        "DJANGO_SECRET_KEY": "deploy-check-" + "s" * 60,
        "XPC_FIELD_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()}\n",
        "DATABASE_URL": "postgres://xpc:pw@db.internal:5432/xpc",
        "REDIS_URL": "redis://:pw@cache.internal:6379/0",
    }
    resolved = dict(env)
    for key in [k for k in env if k.endswith("_FILE")]:
        name = key.removesuffix("_FILE")
        assert name in throwaway, f"no throwaway value for {key}"
        path = folder / name.lower()
        path.write_text(throwaway[name], encoding="utf-8")
        resolved[key] = str(path)
    return resolved


def test_example_env_passes_the_deployment_checklist(tmp_path):
    env = _with_secret_files(_env_example(), tmp_path)
    assert env["DJANGO_DEBUG"] == "0"
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', "
        "'--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="xplatform_console.settings",
        DJANGO_SECRET_KEY="",
        XPC_FIELD_ENCRYPTION_KEYS="",
        DATABASE_URL="",
        REDIS_URL="",
        **env,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_example_env_turns_on_what_production_needs(tmp_path):
    env = _with_secret_files(_env_example(), tmp_path)
    printed = run_python(
        "import xplatform_console.settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_PROXY_SSL_HEADER, s.DATABASES['default']['ENGINE'], "
        "s.DATABASES['default']['OPTIONS']['pool']['max_size'], "
        "s.CACHES['default']['BACKEND'], s.XPC_TRUSTED_PROXIES)",
        DJANGO_SECRET_KEY="",
        XPC_FIELD_ENCRYPTION_KEYS="",
        DATABASE_URL="",
        REDIS_URL="",
        **env,
    )
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.split() == [
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "django.db.backends.postgresql",
        "8",
        "interactions.resilient_cache.ResilientRedisCache",
        "['127.0.0.1',",
        "'::1']",
    ]


def test_nginx_site_overwrites_forwarded_headers():
    site = (DEPLOY / "nginx-console.conf").read_text(encoding="utf-8")
    live = "\n".join(
        line for line in site.splitlines() if not line.lstrip().startswith("#")
    )
    assert "$proxy_add_x_forwarded_for" not in live
    assert re.search(r"proxy_set_header X-Forwarded-For\s+\$remote_addr;", live)
    assert re.search(r"proxy_set_header X-Forwarded-Proto\s+\$scheme;", live)
    assert re.search(r"proxy_set_header X-Request-ID\s+\$request_id;", live)
    timeout = re.search(r"proxy_read_timeout (\d+)s;", live)
    assert timeout
    assert int(timeout[1]) > 30  # above gunicorn's worker timeout


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_site_passes_nginx_t(tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    site = (DEPLOY / "nginx-console.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/certs/console.example.com.fullchain.pem", str(cert))
    site = site.replace("/etc/ssl/private/console.example.com.key", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    nginx = shutil.which("nginx")
    assert nginx is not None
    # Only checks the configuration: nothing listens.
    result = subprocess.run(  # noqa: S603
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _unit(name: str) -> configparser.RawConfigParser:
    unit = configparser.RawConfigParser(strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / name, encoding="utf-8")
    return unit


def test_systemd_units_share_the_env_file_and_reload_gracefully():
    server = _unit("xplatform-console.service")
    purge = _unit("xplatform-console-purge.service")
    timer = _unit("xplatform-console-purge.timer")
    env_file = "/etc/xplatform-console/console.env"
    assert server["Service"]["EnvironmentFile"] == env_file
    assert purge["Service"]["EnvironmentFile"] == env_file
    assert server["Service"]["ExecReload"] == "/bin/kill -s HUP $MAINPID"
    assert "--chdir /srv/xpc/current" in server["Service"]["ExecStart"]
    assert "manage.py clearsessions" in purge["Service"]["ExecStart"]
    assert timer["Timer"]["OnCalendar"]
    assert timer["Timer"]["Persistent"] == "true"


def test_python_running_the_tests_is_the_locked_version():
    assert sys.version_info[:2] == (3, 11)
