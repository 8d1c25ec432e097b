"""The cast: an agent, a supervisor, an admin and an outsider, two accounts."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client

from interactions.models import AccountAssignment, XPlatformAccount
from interactions.xplatform import client as xplatform
from tests.support.simulator import simulator  # noqa: F401

PASSWORD = "correct-horse-battery-staple-42"
KEY_ACME = "acme-application-key-1234567890"
KEY_GLOBEX = "globex-application-key-0987654321"


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
def _fresh_upstream_state():
    """Cached parts, rate-limit counters and pooled clients never leak between tests."""
    cache.clear()
    xplatform.clear_clients()
    yield
    xplatform.clear_clients()


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Argon2 is deliberately slow; tests of hashing itself override this.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def acme(db) -> XPlatformAccount:
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
def globex(db) -> XPlatformAccount:
    return XPlatformAccount.objects.create(
        name="Globex Telecom",
        slug="globex",
        base_url="https://globex.gointeract.io",
        account_id="jan20",
        application_key=KEY_GLOBEX,
        environment_name="PROD",
    )


def _user(username: str, role: str | None, accounts, *, staff=False) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    user.is_staff = staff
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    for account in accounts:
        AccountAssignment.objects.create(user=user, account=account)
    return user


@pytest.fixture
def agent(acme) -> User:
    return _user("alice", "agent", [acme])


@pytest.fixture
def supervisor(acme) -> User:
    return _user("sam", "supervisor", [acme])


@pytest.fixture
def admin_user(acme) -> User:
    return _user("ada", "admin", [acme], staff=True)


@pytest.fixture
def outsider(globex) -> User:
    """An agent of another account."""
    return _user("oscar", "agent", [globex])


@pytest.fixture
def norole(db) -> User:
    return _user("nobody", None, [])


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent_client(agent) -> Client:
    return _client_for(agent)


@pytest.fixture
def supervisor_client(supervisor) -> Client:
    return _client_for(supervisor)


@pytest.fixture
def console_admin_client(admin_user) -> Client:
    return _client_for(admin_user)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return _client_for(outsider)
