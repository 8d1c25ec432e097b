"""Access checks shared by the pages and the JSON API: roles and account scope.

Roles are checked with ``user.has_perm`` (docs/security.md, R-AC-01), and the
account of every request is resolved and checked before any upstream call
(R-AC-02), exactly as the HTML views do it: an account the user may not use
answers 404 and leaves a ``denied`` row in the access log.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from interactions import permission_cache, roles, selectors
from interactions.access_log import Access, Actor
from interactions.models import InteractionAccess, InteractionSnapshot, XPlatformAccount

# Larger IDs cannot exist and would overflow a database integer.
MAX_ID = 2**63 - 1


def access_denied_record(actor: Actor, slug: str, *, action: str) -> None:
    """Write the 'denied' access-log row of a refused account (R-PII-01)."""
    Access(
        actor,
        action,
        XPlatformAccount.objects.filter(slug=slug).first(),
        account_slug=slug,
    ).record(InteractionAccess.Outcome.DENIED)


def account_for(actor: Actor, slug: str, *, action: str) -> XPlatformAccount:
    """The account if this user may use it; else 404 and a 'denied' row (R-AC-02).

    Shared by the pages and the API: Http404 becomes DRF's NotFound there.
    """
    user = actor.user
    account = None
    if user.has_perm(roles.VIEW_INTERACTION):
        # The user's accounts from the shared cache when it holds them.
        account = permission_cache.account_for_user(user, slug)
    if account is None:
        access_denied_record(actor, slug, action=action)
        raise Http404("No such interaction.")
    return account


def snapshot_for(
    actor: Actor, snapshot_id: int | str, *, action: str
) -> InteractionSnapshot:
    """A snapshot of one of the user's accounts; else 404 and, when it exists
    in another account, a 'denied' row. Pages and API alike."""
    try:
        number = int(snapshot_id)
    except ValueError:
        raise Http404("No such snapshot.") from None
    if not 0 < number <= MAX_ID:
        raise Http404("No such snapshot.")
    try:
        return selectors.snapshot_get(user=actor.user, snapshot_id=number)
    except Http404:
        found = (
            InteractionSnapshot.objects.filter(pk=number)
            .defer("data")
            .select_related("account")
            .first()
        )
        if found is not None:
            Access(
                actor,
                action,
                found.account,
                interaction_id=found.interaction_id,
                source=InteractionAccess.Source.SNAPSHOT,
            ).record(InteractionAccess.Outcome.DENIED)
        raise


class HasConsolePermission(BasePermission):
    """The permission a view names in ``required_permission`` (default:
    ``interactions.view_interaction``), checked with ``user.has_perm``.

    A signed-in user without it gets 404, as on the pages: the API does not
    confirm that a supervisor-only endpoint exists. Views that name an
    ``access_action`` and an account in their URL also get the page's
    'denied' row.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        permission = getattr(view, "required_permission", roles.VIEW_INTERACTION)
        if user.has_perm(permission):
            return True
        action = getattr(view, "access_action", None)
        slug = getattr(view, "kwargs", {}).get("slug")
        if action and slug:
            actor = Actor.from_request(request, source=InteractionAccess.Source.API)
            access_denied_record(actor, str(slug), action=action)
        raise NotFound()
