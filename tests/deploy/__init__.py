"""`make test-deploy`: the console deployed as docs/deployment.md says, checked.

Not collected by pytest (no test_*.py here): it installs a fresh
environment, starts PostgreSQL-backed gunicorn instances behind a real nginx
and takes about two minutes, so it runs on its own (`.ci/run`).
"""
