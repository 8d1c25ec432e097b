"""Each user's permissions and accounts, kept in the shared cache between
requests.

Django's ModelBackend reads a signed-in user's permissions with two queries
(their own and their groups') on every request that checks one, and every
console page and API call does; each interaction page and API call then
reads the account it names among the user's (R-AC-02), a third. `prime`
gives the request's user the permission set kept in the cache instead, as
the ModelBackend's own per-request memo (``_perm_cache``), so the first
check of the request finds it there, and the slugs and ids of the accounts
they may use, which `account_for_user` answers from (the account's row
itself from this process's memory, read once per generation).

A kept set is trusted only under the current *generation*, a token that
every change to a user's groups or permissions, a group's permissions, a
group or permission itself, an account or an account assignment replaces:
at once (so the same transaction reads its own change) and again after the
commit (so a reader that computed the set from the old rows meanwhile cannot
make it current). A role or an account taken away therefore takes effect at
the user's next request, and XPC_PERMISSION_CACHE_SECONDS only bounds how
long an unused set stays. Inactive users, anonymous users and object
permissions are never served from it. Without a cache shared by every
process (``REDIS_URL``) the setting defaults to 0 (off): one process's
change would not reach the others' memory.

docs/performance.md has the figures; docs/security.md (R-AC-01, R-AC-02)
the rules.
"""

from __future__ import annotations

import copy
import secrets
import threading
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from interactions import preferences
from interactions.models import AccountAssignment, XPlatformAccount

GENERATION = "xpc:permissions:generation"


def _key(user: Any) -> str:
    return f"xpc:permissions:user-accounts:{user.pk}"


def prime(user: Any) -> None:
    """Give a signed-in, active user their permissions and accounts from the
    cache, or read them once and keep them for the next requests; and their
    theme when the cache has it (``preferences.theme_of``)."""
    seconds = settings.XPC_PERMISSION_CACHE_SECONDS
    if not seconds or not getattr(user, "is_authenticated", False):
        return
    if not user.is_active or hasattr(user, "_perm_cache"):
        return
    # Their display theme in the same round trip (interactions/preferences.py).
    theme = preferences.theme_key(user)
    found = cache.get_many([GENERATION, _key(user), theme])
    user._xpc_theme = found.get(theme) or ""
    generation = found.get(GENERATION)
    kept = found.get(_key(user))
    if (
        generation is not None
        and kept is not None
        and kept[0] == generation
        and kept[1] == user.is_superuser
    ):
        user._perm_cache = set(kept[2])
        user._xpc_accounts = (generation, kept[3])
        return
    if generation is None:
        generation = new_generation()
    permissions = ModelBackend().get_all_permissions(user)  # also sets _perm_cache
    accounts = dict(XPlatformAccount.objects.for_user(user).values_list("slug", "pk"))
    user._xpc_accounts = (generation, accounts)
    kept = (generation, user.is_superuser, sorted(permissions), accounts)
    cache.set(_key(user), kept, seconds)


# This process's copy of each account row, with the generation it was read
# under: good for as long as that generation is current.
_accounts: dict[int, tuple[str, XPlatformAccount]] = {}
_accounts_lock = threading.Lock()


def account_for_user(user: Any, slug: str) -> XPlatformAccount | None:
    """The active account ``slug`` if ``user`` may use it (R-AC-02): from the
    set `prime` gave the user when there is one, else from the database."""
    primed = getattr(user, "_xpc_accounts", None)
    if primed is None:
        return XPlatformAccount.objects.for_user(user).filter(slug=slug).first()
    generation, accounts = primed
    pk = accounts.get(slug)
    if pk is None:
        return None
    with _accounts_lock:
        remembered = _accounts.get(pk)
    if remembered is None or remembered[0] != generation:
        account = XPlatformAccount.objects.filter(pk=pk, is_active=True).first()
        if account is None:
            return None
        with _accounts_lock:
            _accounts[pk] = (generation, account)
        remembered = (generation, account)
    # Each request its own instance: nothing it does reaches another's.
    return copy.copy(remembered[1])


def new_generation() -> str:
    """Make every kept set stale; the new generation."""
    generation = secrets.token_hex(8)
    cache.set(GENERATION, generation, None)
    return generation


def _changed(**kwargs: Any) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    new_generation()
    transaction.on_commit(new_generation)


def connect_signals() -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"perm-{through}")
    for model in (Group, Permission, XPlatformAccount, AccountAssignment):
        post_save.connect(_changed, sender=model, dispatch_uid=f"perm-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"perm-del-{model}")
