# Two commands matter on a fresh clone: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The OpenID provider the SSO tests start (tests/oidc): installed from the
# committed package-lock.json only, never at test run time.
OIDC_STAMP := tests/oidc/node_modules/.installed-stamp
# axe-core, injected by the browser tests into their pages (tests/browser/axe):
# installed the same way, from its committed package-lock.json.
AXE_STAMP := tests/browser/axe/node_modules/.installed-stamp
# The Spanish and Hebrew catalogues (locale/<lang>/LC_MESSAGES/django.po),
# compiled to .mo by `manage.py compilemessages` (GNU gettext's msgfmt) when
# a .po changes. The .mo files are committed as well, so the release tarball
# (`git archive`) carries them and servers need no gettext;
# tests/test_catalogues.py fails when a committed .mo is behind its .po.
LOCALE_PO := $(wildcard locale/*/LC_MESSAGES/django.po)
LOCALE_STAMP := locale/.compiled-stamp
DEMO_ENV := DJANGO_DEBUG=1 XPC_UPSTREAM_ALLOWED_HOSTS=.gointeract.io,127.0.0.1
SIM_PORT ?= 8001

# Development/CI-only settings for the targets that load Django's settings
# outside pytest (typecheck: the django-stubs plugin imports them; checks:
# manage.py). They let `make typecheck checks` run on a fresh clone with no
# environment set up. They are throwaway values, never used in production: a
# deployment sets its own environment and never runs these targets. Values
# already in the environment win (?=). pytest has its own in pyproject.toml.
typecheck checks $(LOCALE_STAMP): export DJANGO_SECRET_KEY ?= dev-ci-only-secret-key-never-used-in-production-0123456789abcdef
typecheck checks $(LOCALE_STAMP): export XPC_FIELD_ENCRYPTION_KEYS ?= fEssFPx5zPrHh1HCDvCeOLaIEtT___wiXbMsDnPK8m0=
typecheck checks $(LOCALE_STAMP): export DJANGO_ALLOWED_HOSTS ?= console.example.com
typecheck checks $(LOCALE_STAMP): export DATABASE_URL ?= sqlite:///:memory:

.PHONY: demo serve screenshots bench bench-faults loadtest profile test test-services test-deploy lint format typecheck checks check clean \
	lock lock-upgrade install-prod dist

# The locked install (docs/deployment.md, "Install"): requirements/dev.txt
# pins every package with its hashes, runtime and development tools alike;
# the project itself goes in editable, without dependencies of its own.
$(STAMP): pyproject.toml requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--no-deps --no-build-isolation -e .
	touch $(STAMP)

# pip-compile resolves against PyPI alone: this machine's pip configuration
# (local mirrors, find-links) is switched off, so the hashes are PyPI's and
# the lock installs on a clean machine. Existing pins are kept unless
# pyproject.toml asks for another version, so a re-lock is deterministic;
# `make lock-upgrade` moves every unpinned transitive dependency forward.
LOCK_ENV := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock"
PIP_COMPILE = $(LOCK_ENV) $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --index-url=https://pypi.org/simple \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	$(LOCK_FLAGS)

## lock: re-write requirements/runtime.txt and dev.txt from pyproject.toml
lock: $(STAMP)
	$(PIP_COMPILE) -o requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) --extra dev -c requirements/runtime.txt \
		-o requirements/dev.txt pyproject.toml

## lock-upgrade: as lock, also moving transitive dependencies to their newest
lock-upgrade: LOCK_FLAGS := --upgrade
lock-upgrade: lock

## install-prod: the runtime lock only, no dev tools (VENV=/srv/xpc/venv)
install-prod:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--require-hashes -r requirements/runtime.txt

## dist: the release tarball an operator deploys (committed HEAD + locks)
DIST_DIR ?= dist
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
# The compiled catalogues are committed (locale/*/LC_MESSAGES/django.mo), so
# the archive carries them; tests/test_catalogues.py keeps them current.
dist:
	mkdir -p $(DIST_DIR)
	git archive --format=tar.gz --prefix=xplatform-console-$(VERSION)/ \
		-o $(DIST_DIR)/xplatform-console-$(VERSION).tar.gz HEAD
	@echo $(DIST_DIR)/xplatform-console-$(VERSION).tar.gz

$(OIDC_STAMP): tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $(OIDC_STAMP)

$(LOCALE_STAMP): $(LOCALE_PO) | $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore '.venv' --ignore 'tests' --ignore 'node_modules'
	touch $(LOCALE_STAMP)

$(AXE_STAMP): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	cd tests/browser/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE_STAMP)

## demo: install, migrate, seed demo data, run the simulator and the console
demo: $(STAMP) $(LOCALE_STAMP)
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo --simulator-url http://127.0.0.1:$(SIM_PORT)
	@echo "Starting the X-Platform simulator on port $(SIM_PORT) and the console on port 8000 (Ctrl-C stops both)."
	$(DEMO_ENV) $(BIN)/python manage.py xplatform_simulator --port $(SIM_PORT) --live-cycle 120 & sim=$$!; \
	trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## serve: the console the production way on a laptop: DEBUG off, gunicorn,
## collected static files, the simulator (scripts/serve.sh; Ctrl-C stops both)
serve: $(STAMP) $(LOCALE_STAMP)
	BIN=$(BIN) SIM_PORT=$(SIM_PORT) scripts/serve.sh

## screenshots: the README's screenshots, taken again into docs/screenshots/
## (the system Chromium on the simulator's demo data; tests/browser/screenshots.py)
screenshots: $(STAMP) $(LOCALE_STAMP)
	$(BIN)/pytest tests/browser/screenshots.py -p no:randomly -q

## bench: the console against the simulator with 100 ms upstream latency
bench: $(STAMP)
	$(BIN)/python tests/perf/bench_console.py

## bench-faults: two gunicorn instances on PostgreSQL and a Redis of its own,
## one account's X-Platform slow, hung or failing against another's
## (tests/perf/bench_faults.py; about 3 min; needs redis-server installed)
bench-faults: $(STAMP)
	$(BIN)/python tests/perf/bench_faults.py

## loadtest: open-loop load on two gunicorn instances, PostgreSQL and Redis:
## latency against the critical path and CPU per request (tests/perf/loadtest.py;
## about 4 min; needs redis-server installed)
loadtest: $(STAMP)
	$(BIN)/python tests/perf/loadtest.py

## profile: CPU per cold, cached and live page view in one process on
## PostgreSQL and Redis, and a cProfile of cold pages (tests/perf/profile_page.py;
## about a minute; needs redis-server installed)
profile: $(STAMP)
	$(BIN)/python tests/perf/profile_page.py

## test: install if needed and run the whole suite (SQLite, local memory)
test: $(STAMP) $(OIDC_STAMP) $(AXE_STAMP) $(LOCALE_STAMP)
	$(BIN)/pytest

## test-services: the whole suite on the production path: PostgreSQL and Redis
test-services: $(STAMP) $(OIDC_STAMP) $(AXE_STAMP) $(LOCALE_STAMP)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/xpc \
	REDIS_URL=redis://127.0.0.1:6379/15 \
	$(BIN)/pytest

## test-deploy: the release installed from the lock into a new venv, two
## gunicorn instances on PostgreSQL and a Redis of its own behind Debian's
## nginx with TLS, checked through nginx, restarted under load (about 1 min;
## needs nginx and redis-server installed; tests/deploy/check_deployment.py)
test-deploy: $(STAMP)
	$(BIN)/python -m tests.deploy.check_deployment

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## typecheck: mypy --strict over the application code, and over the tests
## (which may leave test functions unannotated, see pyproject.toml)
typecheck: $(STAMP)
	$(BIN)/mypy interactions xplatform_console manage.py tests

## checks: Django's own checks, including the deployment checklist
checks: $(STAMP)
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SECURE_SSL_REDIRECT=1 $(BIN)/python manage.py check --deploy --fail-level WARNING

## check: everything CI runs on SQLite: lint, typecheck, Django's checks, tests
check: lint typecheck checks test

clean:
	rm -rf $(VENV) $(LOCALE_STAMP) tests/oidc/node_modules tests/browser/axe/node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis
