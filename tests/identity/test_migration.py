"""The data migration carries DRF's plain-text tokens over, hashed, so existing
integrations keep working for a transition (docs/security.md, R-AC-07)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from interactions.identity.models import ApiToken
from interactions.models import XPlatformAccount
from tests.support.console import ensure_roles, make_user

BEFORE = ("identity", "0003_api_tokens")
COPY = ("identity", "0004_migrate_authtoken_keys")
OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # DRF's 40 hex digits
# DRF's authtoken_token as its migrations leave it, in SQL both backends read.
OLD_TABLE = (
    'CREATE TABLE "authtoken_token" ("key" varchar(40) NOT NULL PRIMARY KEY, '
    '"created" timestamp NOT NULL, "user_id" integer NOT NULL UNIQUE)'
)


@pytest.fixture
def _roles_back(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Put the role groups back after the flush that ends a transactional test.

    Requested before ``transactional_db``, so it is torn down after it."""
    yield
    with django_db_blocker.unblock():
        ensure_roles()


@pytest.fixture
def old_table(transactional_db: None) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(OLD_TABLE)
    yield
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE "authtoken_token"')


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


@pytest.mark.usefixtures("_roles_back")
def test_old_key_is_stored_hashed_and_still_authenticates(old_table):
    ensure_roles()  # an earlier transactional test's flush may have removed them
    acme = XPlatformAccount.objects.create(
        name="Acme",
        slug="acme",
        base_url="https://acme.gointeract.io",
        account_id="1",
        application_key="k",
    )
    user = make_user("cti", "supervisor", [acme])
    _migrate(BEFORE)
    created = timezone.now() - timedelta(days=400)
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO "authtoken_token" ("key", "created", "user_id") '
            "VALUES (%s, %s, %s)",
            [OLD_KEY, created, user.pk],
        )

    _migrate(COPY)

    token = ApiToken.objects.get()
    assert (token.user, token.name) == (user, "migrated token")
    assert token.digest == hashlib.sha256(OLD_KEY.encode()).hexdigest()
    assert abs(token.created_at - created) < timedelta(seconds=1)
    remaining = token.expires_at - timezone.now()
    assert timedelta(days=29) < remaining <= timedelta(days=30)
    assert not token.prefix.startswith(OLD_KEY[:4])  # no part of the old secret
    with connection.cursor() as cursor:
        cursor.execute('SELECT COUNT(*) FROM "authtoken_token"')
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT * FROM identity_apitoken")
        assert OLD_KEY not in repr(cursor.fetchall())

    api = Client(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert api.get("/api/v1/history").status_code == 200

    # Backwards keeps the copy (a hash cannot be turned back into a key), and
    # running forwards again does not copy twice.
    _migrate(BEFORE)
    _migrate(COPY)
    assert ApiToken.objects.count() == 1
