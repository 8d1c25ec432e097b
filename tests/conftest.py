"""The cast, once for the whole suite, and the fixtures every package shares.

People (one role each, the role groups come from migration 0002_roles):

- ``agent``       Agnes, an agent of the home account
- ``supervisor``  Sam, supervisor of the home account
- ``admin_user``  Ada, admin (staff) of the home account; ``console_admin_client``
  is her session verified with a second factor, ``unverified_admin_client``
  her session with the password only
- ``outsider``    Oscar, an agent of the away account only
- ``away_supervisor``  Petra, supervisor of the away account only
- ``norole``      Nobody, signed in but with no role and no account

Accounts: ``acme`` and ``globex`` are offline rows (no server behind them);
``sim_accounts`` are Acme and Northwind served by the X-Platform simulator.
The cast works on ``home`` and ``away``: Acme and Globex by default; the
packages that talk to the simulator (api, review, browser) override those two
fixtures with ``sim_accounts``, so the same people work on the simulator's
accounts there. ``*_client`` fixtures are the people signed in.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

from interactions import ratelimit, resilient_cache, section_templates, shared_flight
from interactions.models import XPlatformAccount
from interactions.simulator import data
from interactions.xplatform import client as xplatform
from interactions.xplatform.schemas.summary import Summary
from tests.support.console import (
    PASSWORD,
    logged_in,
    logged_in_verified,
    make_user,
    sim_account,
)
from tests.support.console_log import ConsoleLog, captured_console_log
from tests.support.simulator import RunningSimulator, simulator

__all__ = ["KEY_ACME", "KEY_GLOBEX", "PASSWORD", "simulator"]

KEY_ACME = "acme-application-key-1234567890"
KEY_GLOBEX = "globex-application-key-0987654321"
SIM_ACME = data.DEMO_ACCOUNTS[0]
SIM_NORTHWIND = data.DEMO_ACCOUNTS[1]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Run the SQLite test database from a file, not from memory.

    With ``sqlite:///:memory:`` Django hands the live server's request threads
    the test thread's one connection (an in-memory database exists only
    inside its connection): concurrent requests then share its transaction
    state, so two thumbnail requests collide in ``transaction.atomic()``, and
    the shared-cache table locks fail at once ("database table is locked")
    instead of waiting. A file gives every thread its own connection with
    the WAL mode, IMMEDIATE transactions and busy timeout of production.
    """
    database = django_settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
        test["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _fresh_upstream_state() -> Iterator[None]:
    """Cached parts, rate-limit counters and pooled clients never leak between tests."""
    cache.clear()
    ratelimit.reset_local_counters()
    resilient_cache.reset_outages()
    xplatform.clear_clients()
    yield
    xplatform.clear_clients()


@pytest.fixture(autouse=True)
def _site_language() -> None:
    """Each test starts in the site's language. A request in Spanish leaves
    Spanish active on its thread (LocaleMiddleware does not reset it), and
    code a later test calls directly would speak Spanish."""
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_memos() -> None:
    """Each test starts with the process's memos empty (values decoded from
    Redis, the sections' translated messages), so none depends on what an
    earlier test left there."""
    shared_flight.decoded.clear()
    section_templates._MESSAGES.clear()


@pytest.fixture(autouse=True)
def _rate_limit_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts one second into a rate-limit minute.

    The limiter counts per calendar minute, so a test that makes its 31st
    lookup just after a minute boundary would see a fresh budget and pass or
    fail by the wall clock. Time still runs; only its start is moved.
    """
    started = time.time()
    base = (started // ratelimit.WINDOW) * ratelimit.WINDOW + 1
    monkeypatch.setattr(ratelimit, "clock", lambda: base + time.time() - started)


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Settings) -> None:
    # Argon2 is deliberately slow; tests of hashing itself override this.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- accounts --------------------------------------------------------------------


@pytest.fixture
def acme(db: None) -> XPlatformAccount:
    return XPlatformAccount.objects.create(
        name="Acme Insurance",
        slug="acme",
        base_url="https://acme.gointeract.io",
        account_id="12345678",
        application_key=KEY_ACME,
        variable_sets="customerInfoSet,routingDataSet",
        time_zone="America/New_York",
    )


@pytest.fixture
def globex(db: None) -> XPlatformAccount:
    return XPlatformAccount.objects.create(
        name="Globex Telecom",
        slug="globex",
        base_url="https://globex.gointeract.io",
        account_id="jan20",
        application_key=KEY_GLOBEX,
        environment_name="PROD",
    )


@pytest.fixture
def sim_accounts(simulator: RunningSimulator, db: None) -> dict[str, XPlatformAccount]:
    """Acme and Northwind on this test's simulator (slugs sim-acme, sim-northwind)."""
    return {
        "acme": sim_account(SIM_ACME, simulator.base_url),
        "northwind": sim_account(SIM_NORTHWIND, simulator.base_url),
    }


@pytest.fixture
def home(acme: XPlatformAccount) -> XPlatformAccount:
    """The account the cast works on (overridden where the simulator serves it)."""
    return acme


@pytest.fixture
def away(globex: XPlatformAccount) -> XPlatformAccount:
    """The other account: the outsider's and the away supervisor's."""
    return globex


# --- people ----------------------------------------------------------------------


@pytest.fixture
def agent(home: XPlatformAccount) -> User:
    return make_user("agnes", "agent", [home])


@pytest.fixture
def supervisor(home: XPlatformAccount) -> User:
    return make_user("sam", "supervisor", [home])


@pytest.fixture
def admin_user(home: XPlatformAccount) -> User:
    return make_user("ada", "admin", [home], staff=True)


@pytest.fixture
def outsider(away: XPlatformAccount) -> User:
    """An agent of the other account."""
    return make_user("oscar", "agent", [away])


@pytest.fixture
def away_supervisor(away: XPlatformAccount) -> User:
    """A supervisor of the other account only."""
    return make_user("petra", "supervisor", [away])


@pytest.fixture
def norole(db: None) -> User:
    return make_user("nobody", None, [])


# --- people, signed in -------------------------------------------------------------


@pytest.fixture
def agent_client(agent: User) -> Client:
    return logged_in(agent)


@pytest.fixture
def supervisor_client(supervisor: User) -> Client:
    return logged_in(supervisor)


@pytest.fixture
def console_admin_client(admin_user: User) -> Client:
    """Ada, signed in and verified with her second factor (R-AC-08)."""
    return logged_in_verified(admin_user)


@pytest.fixture
def unverified_admin_client(admin_user: User) -> Client:
    """Ada, signed in with her password only: no second factor yet."""
    return logged_in(admin_user)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return logged_in(outsider)


@pytest.fixture
def away_supervisor_client(away_supervisor: User) -> Client:
    return logged_in(away_supervisor)


@pytest.fixture
def console_log() -> Iterator[ConsoleLog]:
    """What the console's log handler prints during the test, filters applied."""
    with captured_console_log() as log:
        yield log


# --- cache writes ------------------------------------------------------------------


@pytest.fixture
def summary_pickles(monkeypatch: pytest.MonkeyPatch) -> list[Summary]:
    """Every interaction summary pickled meanwhile (for a cache write)."""
    pickles: list[Summary] = []
    reduce_ex: Any = Summary.__reduce_ex__

    def counting(summary: Summary, protocol: Any) -> Any:
        pickles.append(summary)
        return reduce_ex(summary, protocol)

    monkeypatch.setattr(Summary, "__reduce_ex__", counting)
    return pickles
