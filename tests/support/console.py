"""Console rows for tests that run against the simulator: accounts and users."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, User

from interactions.models import AccountAssignment, XPlatformAccount
from interactions.simulator.data import DemoAccount

PASSWORD = "unused-password-123"


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
    role: str,
    accounts: Iterable[XPlatformAccount],
    *,
    staff: bool = False,
) -> User:
    """A user with one role (group) assigned to the given accounts."""
    user = User.objects.create_user(username, password=PASSWORD, is_staff=staff)
    user.groups.add(Group.objects.get(name=role))
    for account in accounts:
        AccountAssignment.objects.create(user=user, account=account)
    return user
