"""Use cases: what the pages and the API do, each in one function.

Views translate HTTP in and out and nothing more; these functions read the
X-Platform through `interactions.upstream`, build the page's view model,
write the access-log row of every outcome, and keep snapshots. The HTML
pages and the JSON API call the same functions, so both record the same
rows (only the actor's source differs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from interactions import images, upstream
from interactions.access_log import Access, Actor
from interactions.caller_query import parse_query
from interactions.errors import (
    NOT_FOUND,
    AccountUnavailable,
    InteractionNotFound,
    LookupFailed,
    PhotoUnavailable,
    failure_of,
)
from interactions.fanout import gather
from interactions.interaction import LookupResult
from interactions.models import (
    InteractionAccess,
    InteractionSnapshot,
    SnapshotPhoto,
    XPlatformAccount,
)
from interactions.presenters import InteractionPage, interaction_page
from interactions.snapshots import (
    interaction_snapshot_store,
    snapshot_page,
    snapshot_photo_store,
)
from interactions.xplatform.errors import XPlatformError, XPlatformNotFound
from interactions.xplatform.validators import InvalidValue

Action = InteractionAccess.Action
Outcome = InteractionAccess.Outcome
Source = InteractionAccess.Source


# --------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------


def interaction_search(
    *, actor: Actor, account: XPlatformAccount, query: str, kind: str
) -> LookupResult:
    """Resolve what an agent typed; one match is fetched ahead for its page.

    Records the outcome. Raises InvalidValue (no upstream call),
    AccountUnavailable, or LookupFailed when nothing matched and a search
    failed upstream.
    """
    access = Access(actor, Action.SEARCH, account, query=query, search_kind=kind)
    try:
        result = upstream.interaction_lookup(account=account, query=query, kind=kind)
    except InvalidValue:
        access.record(Outcome.INVALID)
        raise
    except (XPlatformError, AccountUnavailable, LookupFailed) as exc:
        access.record(Outcome.UPSTREAM_ERROR, error=exc)
        raise
    if result.match:
        # Fetch now, in parallel, so the page that follows is a cache hit.
        upstream.interaction_fetch(account=account, unique_id=result.match)
        access.record(Outcome.FOUND, interaction_id=result.match)
    elif result.candidates:
        access.record(Outcome.CANDIDATES)
    else:
        access.record(Outcome.NOT_FOUND)
    return result


@dataclass(frozen=True)
class AccountSearch:
    """The search in one account: its result, or why it failed."""

    account: XPlatformAccount
    result: LookupResult | None = None
    error: BaseException | None = None


def _search_one(account: XPlatformAccount, query: str, kind: str) -> AccountSearch:
    # One account's failure is its own (errors.py): never raised across the
    # fan-out, where it would hide another account's match.
    try:
        result = upstream.interaction_lookup(
            account=account, query=query, kind=kind, candidates_from=1
        )
    except (XPlatformError, AccountUnavailable, LookupFailed) as exc:
        return AccountSearch(account, error=exc)
    return AccountSearch(account, result=result)


def interaction_search_accounts(
    *, actor: Actor, accounts: Sequence[XPlatformAccount], query: str, kind: str
) -> list[AccountSearch]:
    """Search every given account at once (the agent chose none of them).

    The accounts are searched in parallel (interactions/fanout.py), each
    with its own outcome; one row per account is recorded, in this thread.
    Raises InvalidValue, recorded once, before any upstream call.
    """
    try:
        parse_query(query, kind)
    except InvalidValue:
        interaction_search_refused(actor=actor, account=None, query=query, kind=kind)
        raise
    started = {
        account.slug: Access(
            actor, Action.SEARCH, account, query=query, search_kind=kind
        )
        for account in accounts
    }
    parts = gather(
        {a.slug: partial(_search_one, a, query, kind) for a in accounts},
        pool_name="searches",
    )
    searches = []
    for account in accounts:
        part = parts[account.slug]
        search = (
            part.value
            if part.value is not None
            else AccountSearch(account, error=part.error)
        )
        _record_search(started[account.slug], search)
        searches.append(search)
    return searches


def _record_search(access: Access, search: AccountSearch) -> None:
    if search.result is None:
        access.record(Outcome.UPSTREAM_ERROR, error=search.error)
    elif search.result.match:
        access.record(Outcome.FOUND, interaction_id=search.result.match)
    elif search.result.unique_ids:
        access.record(Outcome.CANDIDATES)
    else:
        access.record(Outcome.NOT_FOUND)


def interaction_search_refused(
    *, actor: Actor, account: XPlatformAccount | None, query: object, kind: object
) -> None:
    """Record a search refused before any upstream call, when something was
    typed (an empty box is not a search)."""
    if isinstance(query, str) and query:
        Access(
            actor, Action.SEARCH, account, query=query, search_kind=str(kind or "")
        ).record(Outcome.INVALID)


# --------------------------------------------------------------------------
# The interaction page
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedInteraction:
    """An interaction page, and the upstream failure when neither its answers
    nor its flow could be read (the page then shows only errors)."""

    page: InteractionPage
    failure: XPlatformError | None = None


def interaction_open(
    *, actor: Actor, account: XPlatformAccount, unique_id: str
) -> OpenedInteraction:
    """Open an interaction page: fetch, record, and keep a snapshot.

    Raises InvalidValue, AccountUnavailable and InteractionNotFound, each
    recorded first.
    """
    access = Access(actor, Action.VIEW, account, interaction_id=unique_id)
    try:
        interaction = upstream.interaction_fetch(account=account, unique_id=unique_id)
    except InvalidValue:
        access.record(Outcome.INVALID)
        raise
    except AccountUnavailable as exc:
        access.record(Outcome.UPSTREAM_ERROR, error=exc)
        raise
    if not interaction.found:
        access.record(Outcome.NOT_FOUND)
        raise InteractionNotFound(account.name, unique_id)
    page = interaction_page(interaction)
    summary, flow = interaction.summary, interaction.flow
    failure = None
    if not summary.ok and not flow.ok:
        # A 404 of one part is not the reason when the other part failed.
        errors = [e for e in (summary.error, flow.error) if e is not None]
        failure = next(
            (e for e in errors if not isinstance(e, XPlatformNotFound)), errors[0]
        )
    access.record(
        Outcome.UPSTREAM_ERROR if failure else Outcome.FOUND,
        error=failure,
        flow_name=page.flow_name,
        has_photos=page.has_photos,
    )
    if failure is None:
        interaction_snapshot_store(user=actor.user, account=account, page=page)
    return OpenedInteraction(page, failure)


def interaction_refresh(
    *, actor: Actor, account: XPlatformAccount, unique_id: str, fresh: bool
) -> InteractionPage:
    """The page again, for live refresh and section retries; what it shows
    is kept too, once per change. Raises InvalidValue, AccountUnavailable and
    InteractionNotFound (neither part exists upstream)."""
    interaction = upstream.interaction_fetch(
        account=account, unique_id=unique_id, fresh=fresh
    )
    if not interaction.found:
        raise InteractionNotFound(account.name, unique_id)
    page = interaction_page(interaction)
    if interaction.found and (interaction.summary.ok or interaction.flow.ok):
        interaction_snapshot_store(user=actor.user, account=account, page=page)
    return page


# --------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------


def photo_open(
    *, actor: Actor, account: XPlatformAccount, unique_id: str, key: str, size: str
) -> images.RenderedImage:
    """A photo of the interaction, recorded; a thumbnail shown is kept with
    the latest snapshot. Raises InvalidValue, PhotoUnavailable and
    AccountUnavailable, each recorded first."""
    source = actor.source if actor.source == Source.API else size
    access = Access(
        actor, Action.PHOTO, account, interaction_id=unique_id, source=source
    )
    try:
        rendered = upstream.photo_render(
            account=account, unique_id=unique_id, key=key, size=size
        )
    except InvalidValue:
        access.record(Outcome.INVALID)
        raise
    except (PhotoUnavailable, AccountUnavailable) as exc:
        not_found = failure_of(exc) == NOT_FOUND
        access.record(
            Outcome.NOT_FOUND if not_found else Outcome.UPSTREAM_ERROR, error=exc
        )
        raise
    access.record(Outcome.FOUND)
    if size == "thumb":
        snapshot_photo_store(
            account=account, unique_id=unique_id, key=key, image=rendered
        )
    return rendered


# --------------------------------------------------------------------------
# Stored snapshots (supervisor review)
# --------------------------------------------------------------------------


def _snapshot_access(
    actor: Actor, snapshot: InteractionSnapshot, action: str
) -> Access:
    return Access(
        actor,
        action,
        snapshot.account,
        interaction_id=snapshot.interaction_id,
        source=Source.SNAPSHOT,
    )


def snapshot_open(*, actor: Actor, snapshot: InteractionSnapshot) -> InteractionPage:
    """What a stored snapshot shows, recorded; no upstream call."""
    _snapshot_access(actor, snapshot, Action.VIEW).record(
        Outcome.FOUND, flow_name=snapshot.flow_name, has_photos=snapshot.has_photos
    )
    return snapshot_page(snapshot)


def snapshot_photo_open(*, actor: Actor, photo: SnapshotPhoto) -> SnapshotPhoto:
    """A thumbnail stored with a snapshot, recorded; no upstream call."""
    _snapshot_access(actor, photo.snapshot, Action.PHOTO).record(Outcome.FOUND)
    return photo


# --------------------------------------------------------------------------
# Administration
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str


def account_connection_test(*, account: XPlatformAccount) -> ConnectionResult:
    """Call the X-Platform with the stored credentials and say what happened."""
    try:
        client = upstream.get_client(account)
    except AccountUnavailable:
        return ConnectionResult(
            False,
            "Credentials unavailable: the stored application key cannot be "
            "decrypted with the configured keys. Enter it again.",
        )
    check = client.check_connection()
    return ConnectionResult(check.ok, check.message)
