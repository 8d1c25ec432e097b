"""Each user's permissions and accounts from the shared cache, stale at once
after a role or account change (interactions/permission_cache.py,
docs/security.md R-AC-01, R-AC-02)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interactions import permission_cache, roles
from interactions.identity.models import ApiToken
from interactions.models import AccountAssignment, InteractionAccess, XPlatformAccount
from tests.support.console import logged_in


@pytest.fixture(autouse=True)
def _on(settings):
    settings.XPC_PERMISSION_CACHE_SECONDS = 300


def fresh(user: User) -> User:
    """The user as the next request loads it (no per-request memo)."""
    return User.objects.get(pk=user.pk)


def permission_queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return sum("auth_permission" in q["sql"] for q in queries.captured_queries)


def account_queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return sum(
        "interactions_xplatformaccount" in q["sql"] for q in queries.captured_queries
    )


def account_of(user: User, slug: str = "acme") -> XPlatformAccount | None:
    """The account as the next request's ``account_for`` finds it."""
    permission_cache.prime(user)
    return permission_cache.account_for_user(user, slug)


def found(user: User) -> XPlatformAccount:
    account = account_of(user)
    assert account is not None
    return account


def test_the_next_request_reads_no_permission_rows(agent):
    first, second = fresh(agent), fresh(agent)
    assert permission_queries(lambda: permission_cache.prime(first)) == 2
    assert permission_queries(lambda: permission_cache.prime(second)) == 0
    assert second.has_perm(roles.VIEW_INTERACTION)
    assert permission_queries(lambda: second.has_perm(roles.VIEW_INTERACTION)) == 0


def test_off_means_django_reads_them_as_before(agent, settings):
    settings.XPC_PERMISSION_CACHE_SECONDS = 0
    permission_cache.prime(fresh(agent))
    user = fresh(agent)
    permission_cache.prime(user)
    assert permission_queries(lambda: user.has_perm(roles.VIEW_INTERACTION)) == 2


def test_a_role_taken_away_counts_at_the_next_request(agent):
    permission_cache.prime(fresh(agent))
    agent.groups.clear()
    user = fresh(agent)
    permission_cache.prime(user)
    assert not user.has_perm(roles.VIEW_INTERACTION)


def test_a_permission_taken_from_the_group_counts_at_the_next_request(agent):
    permission_cache.prime(fresh(agent))
    codename = roles.VIEW_INTERACTION.split(".")[1]
    Group.objects.get(name=roles.AGENT).permissions.remove(
        Permission.objects.get(codename=codename)
    )
    user = fresh(agent)
    permission_cache.prime(user)
    assert not user.has_perm(roles.VIEW_INTERACTION)


def test_a_set_read_before_the_commit_is_stale_after_it(
    agent, django_capture_on_commit_callbacks
):
    """Another process may read the old rows between the change and its
    commit, and keep them under the generation of the moment: the commit
    replaces the generation again."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        agent.groups.clear()
    during = cache.get(permission_cache.GENERATION)
    old = sorted(
        Group.objects.get(name=roles.AGENT).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    cache.set(
        permission_cache._key(agent),
        (during, False, [f"{app}.{code}" for app, code in old], {"acme": 1}),
        300,
    )
    for callback in callbacks:
        callback()
    user = fresh(agent)
    permission_cache.prime(user)
    assert not user.has_perm(roles.VIEW_INTERACTION)


def test_superuser_status_is_never_taken_from_an_older_set(agent):
    permission_cache.prime(fresh(agent))
    User.objects.filter(pk=agent.pk).update(is_superuser=True)  # no signal
    user = fresh(agent)
    permission_cache.prime(user)
    assert user.has_perm("auth.delete_user")


def test_inactive_and_anonymous_users_are_not_served(agent):
    from django.contrib.auth.models import AnonymousUser

    permission_cache.prime(fresh(agent))
    User.objects.filter(pk=agent.pk).update(is_active=False)
    user = fresh(agent)
    permission_cache.prime(user)
    assert not hasattr(user, "_perm_cache")
    assert not user.has_perm(roles.VIEW_INTERACTION)
    permission_cache.prime(AnonymousUser())  # nothing to do, no error


@pytest.mark.parametrize("kind", ["page", "api"])
def test_pages_and_the_api_use_it_and_refuse_at_once_after_a_role_change(agent, kind):
    if kind == "page":
        caller, url = logged_in(agent), "/a/acme/i/12345/"
    else:
        _, token = ApiToken.objects.issue(user=agent, name="CTI")
        caller = Client(HTTP_AUTHORIZATION=f"Token {token}")
        url = "/api/v1/accounts/acme/interactions/12345"
    caller.get(url)
    assert permission_queries(lambda: caller.get(url)) == 0
    agent.groups.clear()
    assert caller.get(url).status_code == 404
    assert InteractionAccess.objects.filter(
        username="agnes", outcome=InteractionAccess.Outcome.DENIED
    ).exists()


def test_the_next_request_reads_no_account_row(agent, home):
    assert account_of(fresh(agent)) == home  # read, and kept
    user = fresh(agent)
    assert account_queries(lambda: account_of(user)) == 0
    assert account_of(fresh(agent)) == home
    assert account_of(fresh(agent), "globex") is None


@pytest.mark.parametrize("change", ["unassigned", "deactivated", "deleted"])
def test_an_account_taken_away_counts_at_the_next_request(agent, home, change):
    assert account_of(fresh(agent)) == home
    if change == "unassigned":
        AccountAssignment.objects.filter(user=agent).delete()
    elif change == "deactivated":
        home.is_active = False
        home.save()
    else:
        home.delete()
    assert account_of(fresh(agent)) is None


def test_an_account_given_counts_at_the_next_request(agent, away):
    assert account_of(fresh(agent), "globex") is None
    AccountAssignment.objects.create(user=agent, account=away)
    assert account_of(fresh(agent), "globex") == away


def test_an_edited_account_is_read_again(agent, home):
    assert found(fresh(agent)).time_zone == "America/New_York"
    home.time_zone = "Europe/Madrid"
    home.save()
    account = found(fresh(agent))
    assert account.time_zone == "Europe/Madrid"
    assert account.updated_at == home.updated_at


def test_each_request_gets_its_own_account_instance(agent):
    first = found(fresh(agent))
    first.name = "Changed by one request only"
    assert found(fresh(agent)).name == "Acme Insurance"


def test_accounts_read_before_the_commit_are_stale_after_it(
    agent, home, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        AccountAssignment.objects.filter(user=agent).delete()
    during = cache.get(permission_cache.GENERATION)
    perms = sorted(fresh(agent).get_all_permissions())
    cache.set(
        permission_cache._key(agent), (during, False, perms, {"acme": home.pk}), 300
    )
    for callback in callbacks:
        callback()
    assert account_of(fresh(agent)) is None


def test_off_means_the_account_is_read_every_time(agent, home, settings):
    settings.XPC_PERMISSION_CACHE_SECONDS = 0
    account_of(fresh(agent))
    user = fresh(agent)
    assert account_queries(lambda: account_of(user)) == 1


@pytest.mark.parametrize("kind", ["page", "api"])
def test_pages_and_the_api_read_no_account_and_refuse_at_once_after_unassigning(
    agent, kind
):
    if kind == "page":
        caller, url = logged_in(agent), "/a/acme/i/12345/"
    else:
        _, token = ApiToken.objects.issue(user=agent, name="CTI")
        caller = Client(HTTP_AUTHORIZATION=f"Token {token}")
        url = "/api/v1/accounts/acme/interactions/12345"
    caller.get(url)
    assert account_queries(lambda: caller.get(url)) == 0
    AccountAssignment.objects.filter(user=agent).delete()
    assert caller.get(url).status_code == 404
    assert InteractionAccess.objects.filter(
        username="agnes", outcome=InteractionAccess.Outcome.DENIED
    ).exists()
