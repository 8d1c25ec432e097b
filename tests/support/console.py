"""Console rows for tests: accounts, users, signed-in clients and roles.

The cast itself (who is who) lives in ``tests/conftest.py``; these are the
helpers it and a few tests with one-off people build on.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import lru_cache

import django_otp
from django.apps.registry import Apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from interactions.models import AccountAssignment, XPlatformAccount
from interactions.simulator.data import DemoAccount

PASSWORD = "correct-horse-battery-staple-42"
ROLES_MIGRATION = ("interactions", "0002_roles")
# Identity migrations that give the admin role its permissions on the
# identity app's tables (SSO mappings, API tokens).
IDENTITY_GRANTS = (
    ("identity", "0002_admin_role_edits_sso_mappings"),
    ("identity", "0005_api_token_admin_permissions"),
)


def sim_account(
    demo: DemoAccount, base_url: str, *, slug: str | None = None
) -> XPlatformAccount:
    """An account row for a demo account of the simulator serving at base_url."""
    return XPlatformAccount.objects.create(
        name=demo.name,
        slug=slug or f"sim-{demo.slug}",
        base_url=base_url,
        account_id=demo.account_id,
        application_key=demo.application_key,
        environment_name=demo.environment_name or "",
        variable_sets=",".join(demo.variable_sets),
        time_zone=demo.time_zone,
    )


def make_user(
    username: str,
    role: str | None,
    accounts: Iterable[XPlatformAccount] = (),
    *,
    staff: bool = False,
) -> User:
    """A user with one role (group, or none) assigned to the given accounts."""
    user = User.objects.create_user(
        username, f"{username}@example.com", PASSWORD, is_staff=staff
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    for account in accounts:
        AccountAssignment.objects.create(user=user, account=account)
    return user


def logged_in(user: User) -> Client:
    """A test client with a session for ``user``."""
    client = Client()
    client.force_login(user)
    return client


def verify_second_factor(client: Client, user: User) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator and verify ``client``'s session
    with it, as the verify page does (django_otp.login on a request)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Authenticator app", defaults={"confirmed": True}
    )
    request = HttpRequest()
    request.session = client.session
    request.user = user
    django_otp.login(request, device)
    request.session.save()
    return device


def logged_in_verified(user: User) -> Client:
    """A test client for an admin whose session passed the second factor."""
    client = logged_in(user)
    verify_second_factor(client, user)
    return client


@lru_cache(maxsize=2)
def _migration_apps(node: tuple[str, str]) -> Apps:
    """The models as they stand right after a migration."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return loader.project_state(node).apps


def ensure_roles() -> None:
    """Run the roles data migration's own code again (it is idempotent).

    The test database gets the groups from migration 0002_roles (and the
    admin's SSO mapping and API token permissions from identity's
    migrations); a
    transactional test's flush removes them, and this puts them back exactly
    as the application ships them, with no copy of the permission lists here.
    """
    migration = importlib.import_module("interactions.migrations.0002_roles")
    migration.create_roles(_migration_apps(ROLES_MIGRATION), None)
    for node in IDENTITY_GRANTS:
        grants = importlib.import_module("interactions.identity.migrations." + node[1])
        grants.grant(_migration_apps(node), None)
