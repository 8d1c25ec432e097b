"""nginx for `make test-deploy`: the documented site, moved to loopback ports.

The site is docs/deploy/nginx-console.conf itself, with only what a test run
must change replaced (each replacement must match, so a change to the
documented file that this no longer understands fails the run rather than
testing something else):

- the ports: 80 and 443 become free loopback ports, the IPv6 listeners go;
- the redirect to HTTPS names the TLS port (it is 443 in production);
- the upstream lists the two gunicorn instances, with the documented
  `max_fails` and `fail_timeout`;
- the certificate is a self-signed one made by the run; logs go to the run's
  folder.

The main file around it is the least Debian's nginx needs to run as the
current user with every path in the run's folder.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
from pathlib import Path

from tests.deploy.stack import DeployFailure

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def nginx_binary() -> str | None:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _replace(text: str, pattern: str, replacement: str, what: str) -> str:
    new, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if count == 0:
        raise DeployFailure(
            f"docs/deploy/nginx-console.conf changed: no {what} ({pattern!r})"
        )
    return new


def site_config(
    documented: str,
    *,
    http_port: int,
    https_port: int,
    instances: list[int],
    cert: Path,
    key: Path,
    access_log: Path,
) -> str:
    site = documented
    site = _replace(site, r"^\s*listen \[::\]:\d+.*;\n", "", "IPv6 listen lines")
    site = _replace(
        site, r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{http_port};", "listen 80"
    )
    site = _replace(
        site,
        r"^(\s*)listen 443 ",
        rf"\1listen 127.0.0.1:{https_port} ",
        "listen 443",
    )
    site = _replace(
        site,
        r"return 301 https://\$host\$request_uri;",
        f"return 301 https://$host:{https_port}$request_uri;",
        "redirect to HTTPS",
    )
    server = re.search(r"^(\s*)server 127\.0\.0\.1:8000 ([^;]*);", site, re.MULTILINE)
    if server is None:
        raise DeployFailure("docs/deploy/nginx-console.conf changed: no upstream")
    indent, options = server.group(1), server.group(2)
    upstreams = "".join(
        f"{indent}server 127.0.0.1:{port} {options};" for port in instances
    )
    site = site.replace(server.group(0), upstreams.rstrip(), 1)
    site = _replace(
        site, r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", "certificate"
    )
    site = _replace(
        site, r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", "key"
    )
    return _replace(
        site,
        r"access_log /var/log/nginx/\S+ xpc_console;",
        f"access_log {access_log} xpc_console;",
        "access log",
    )


def main_config(folder: Path, site: Path) -> str:
    """nginx.conf: pid, logs and temporary files in `folder`; the site included."""
    temp = folder / "temp"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:
        # A root master would run its workers as `nobody`; keep the current user.
        user = (
            f"user {pwd.getpwuid(os.getuid()).pw_name} "
            f"{grp.getgrgid(os.getgid()).gr_name};\n"
        )
    return (
        f"{user}worker_processes 1;\n"
        f"pid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        f"    client_body_temp_path {temp}/body;\n"
        f"    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n"
        f"    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"    access_log {folder}/default.access.log;\n"
        f"    include {site};\n"
        "}\n"
    )
