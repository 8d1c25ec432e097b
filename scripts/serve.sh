#!/usr/bin/env bash
# `make serve`: the console run the production way on a laptop.
#
# DEBUG off, gunicorn with gunicorn.conf.py, static files collected with
# hashed names and served by WhiteNoise, the X-Platform simulator behind it.
# Differences from a real deployment, all for a machine with no TLS and no
# secrets set up: the secret key and the field-encryption key are throwaway
# development values kept in the git-ignored var/local-secrets.json (the ones
# `make demo` uses, so both share var/db.sqlite3); no HTTPS redirect and no
# HSTS; loopback only. Values already in the environment win.
# Ctrl-C stops the console and the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
SIM_PORT=${SIM_PORT:-8001}
PORT=${PORT:-8000}

# The development secrets: created once by settings.py in debug mode, then
# exported unless the environment already has them.
DJANGO_DEBUG=1 "$BIN/python" -c "import xplatform_console.settings"
eval "$("$BIN/python" - <<'EOF'
import json
import os
import shlex
from pathlib import Path

stored = json.loads(Path("var/local-secrets.json").read_text(encoding="utf-8"))
for name in ("DJANGO_SECRET_KEY", "XPC_FIELD_ENCRYPTION_KEYS"):
    if not os.environ.get(name):
        print(f"export {name}={shlex.quote(stored[name])}")
EOF
)"

export DJANGO_DEBUG=0
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
export DJANGO_SECURE_SSL_REDIRECT=0   # no TLS on a laptop
export DJANGO_SECURE_HSTS_SECONDS=0
export XPC_UPSTREAM_ALLOWED_HOSTS=${XPC_UPSTREAM_ALLOWED_HOSTS:-.gointeract.io,127.0.0.1}
export XPC_GUNICORN_BIND=127.0.0.1:$PORT
# DATABASE_URL and REDIS_URL: used when set, else SQLite under var/ and
# local memory (settings.py).

"$BIN/python" manage.py migrate --no-input
"$BIN/python" manage.py seed_demo --simulator-url "http://127.0.0.1:$SIM_PORT"
"$BIN/python" manage.py collectstatic --no-input --verbosity 0

"$BIN/python" manage.py xplatform_simulator --port "$SIM_PORT" --live-cycle 120 &
simulator=$!
trap 'kill "$simulator" 2>/dev/null || true' EXIT INT TERM

echo "The console runs the production way at http://localhost:$PORT (gunicorn," \
    "DEBUG off), the X-Platform simulator at http://127.0.0.1:$SIM_PORT." \
    "Ctrl-C stops both."
"$BIN/gunicorn" -c gunicorn.conf.py
