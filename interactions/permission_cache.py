"""Each user's permissions, kept in the shared cache between requests.

Django's ModelBackend reads a signed-in user's permissions with two queries
(their own and their groups') on every request that checks one, and every
console page and API call does. `prime` gives the request's user the set
kept in the cache instead, as the ModelBackend's own per-request memo
(``_perm_cache``), so the first check of the request finds it there.

A kept set is trusted only under the current *generation*, a token that
every change to a user's groups or permissions, a group's permissions, or a
group or permission itself replaces: at once (so the same transaction reads
its own change) and again after the commit (so a reader that computed the
set from the old rows meanwhile cannot make it current). A role taken away
therefore takes effect at the user's next request, and XPC_PERMISSION_CACHE_
SECONDS only bounds how long an unused set stays. Inactive users, anonymous
users and object permissions are never served from it. Without a cache
shared by every process (``REDIS_URL``) the setting defaults to 0 (off): one
process's change would not reach the others' memory.

docs/performance.md has the figures; docs/security.md (R-AC-01) the rule.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION = "xpc:permissions:generation"


def _key(user: Any) -> str:
    return f"xpc:permissions:user:{user.pk}"


def prime(user: Any) -> None:
    """Give a signed-in, active user their permissions from the cache, or
    read them once and keep them for the next requests."""
    seconds = settings.XPC_PERMISSION_CACHE_SECONDS
    if not seconds or not getattr(user, "is_authenticated", False):
        return
    if not user.is_active or hasattr(user, "_perm_cache"):
        return
    found = cache.get_many([GENERATION, _key(user)])
    generation = found.get(GENERATION)
    kept = found.get(_key(user))
    if (
        generation is not None
        and kept is not None
        and kept[0] == generation
        and kept[1] == user.is_superuser
    ):
        user._perm_cache = set(kept[2])
        return
    if generation is None:
        generation = new_generation()
    permissions = ModelBackend().get_all_permissions(user)  # also sets _perm_cache
    cache.set(_key(user), (generation, user.is_superuser, sorted(permissions)), seconds)


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
    for model in (Group, Permission):
        post_save.connect(_changed, sender=model, dispatch_uid=f"perm-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"perm-del-{model}")
