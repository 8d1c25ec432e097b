"""Reading interactions from the X-Platform: the fan-out, caching and photos.

The independent upstream calls of one page (summary, full flow, each
variable set) run in parallel on the account's pooled session, and each part
comes back with its own value or error, so one failing variable set does not
sink the page. Short-lived caching collapses reloads, live refreshes and
several viewers of one interaction into one upstream call per part;
concurrent identical fetches in one process wait for the first instead of
calling again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_noop

from interactions import breakers, images, metrics, shared_flight
from interactions.caller_query import Method, parse_query
from interactions.errors import (
    BAD_PATH,
    NOT_FOUND,
    AccountUnavailable,
    LookupFailed,
    PhotoUnavailable,
    agent_message,
    failure_of,
    image_failure,
)
from interactions.fanout import flights, gather
from interactions.fields import CredentialDecryptError
from interactions.interaction import Candidate, Interaction, LookupResult, Part
from interactions.models import XPlatformAccount
from interactions.resilient_cache import Pickled
from interactions.xplatform import breaker
from interactions.xplatform import client as xplatform
from interactions.xplatform.config import CallerAttribute
from interactions.xplatform.errors import (
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
)
from interactions.xplatform.validators import InvalidValue, validate_unique_id

logger = logging.getLogger(__name__)

# Cache lifetimes: a live interaction's parts live one refresh interval of
# its page (``live_ttl``), so its viewers cause one fetch per part per refresh.
FINISHED_TTL = 120
# How long the last good copy of a part is kept, to show (marked stale) when
# reading it again fails: the live window of an interaction.
LAST_GOOD_TTL = 30 * 60
PHOTO_TTL = 24 * 3600  # docs/security.md R-PII-03: thumbnail cache 24 hours
THUMBNAIL_SIZE = 512


def live_ttl() -> int:
    """Seconds a live interaction's parts stay cached: the page's refresh
    interval, ``XPC_LIVE_REFRESH_SECONDS``."""
    return int(settings.XPC_LIVE_REFRESH_SECONDS)


def get_client(account: XPlatformAccount) -> xplatform.XPlatformClient:
    """The pooled client of an account; fails closed on unusable credentials."""
    try:
        config = account.client_config()
    except CredentialDecryptError:
        logger.error("Credentials of account %s cannot be decrypted", account.slug)
        raise AccountUnavailable() from None
    except ValueError:
        # A stored key or environment name that cannot be sent as a header
        # (stored before the form checked it); the message never holds it.
        logger.error("Credentials of account %s cannot be sent", account.slug)
        raise AccountUnavailable() from None
    breakers.use_shared_store()
    return xplatform.get_client(config)


def cache_key(account: XPlatformAccount, *parts: str) -> str:
    version = int(account.updated_at.timestamp() * 1000) if account.updated_at else 0
    raw = "|".join([str(account.pk), str(version), *parts])
    return "xpc:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


_NOT_FOUND = "xpc:not-found"


def _from_cache(value: Any) -> Part[Any]:
    if value == _NOT_FOUND:
        return Part(error=XPlatformNotFound())
    return Part(value=value)


def _part_keys(account: XPlatformAccount, unique_id: str) -> dict[str, str]:
    keys = {"summary": cache_key(account, unique_id, "summary")}
    keys["flow"] = cache_key(account, unique_id, "flow")
    for set_id in account.variable_set_ids():
        keys[f"set:{set_id}"] = cache_key(account, unique_id, "set", set_id)
    return keys


def _fetch(
    account: XPlatformAccount,
    unique_id: str,
    *,
    fresh: bool,
    read: shared_flight.Read | None = None,
    client: xplatform.XPlatformClient | None = None,
) -> Interaction:
    """The interaction, its parts from ``read`` (the shared cache, read by
    ``shared_flight.run``) or fetched; ``fresh`` reads nothing from the cache."""
    client = client or get_client(account)
    set_ids = account.variable_set_ids()
    keys = _part_keys(account, unique_id)
    cached = {} if fresh or read is None else read.values
    cached = {key: value for key, value in cached.items() if value is not None}
    if not fresh:
        for name, key in keys.items():
            metrics.cache_lookup(name.split(":", 1)[0], hit=key in cached)
    store = cache.set_many if read is None else read.store
    calls: dict[str, Callable[[], Any]] = {}
    if keys["summary"] not in cached:
        calls["summary"] = lambda: client.summary(unique_id)
    if keys["flow"] not in cached:
        calls["flow"] = lambda: client.full_flow(unique_id)
    for set_id in set_ids:
        if keys[f"set:{set_id}"] not in cached:
            calls[f"set:{set_id}"] = partial(client.variable_set, unique_id, set_id)
    fetched = gather(calls, bulkhead=client.bulkhead)
    # Each good part is written twice (below, and as its last good copy):
    # pickled once for both.
    pickled = {name: Pickled(part.value) for name, part in fetched.items() if part.ok}
    fetched = _with_last_good(account, unique_id, fetched, pickled, store)
    parts: dict[str, Part[Any]] = {
        name: _from_cache(cached[key]) if key in cached else fetched[name]
        for name, key in keys.items()
    }
    interaction = Interaction(
        account=account,
        unique_id=unique_id,
        summary=parts["summary"],
        flow=parts["flow"],
        variable_sets=tuple((s, parts[f"set:{s}"]) for s in set_ids),
        fetched_at=timezone.now(),
    )
    ttl = live_ttl() if interaction.is_live else FINISHED_TTL
    if not (interaction.summary.ok or interaction.flow.ok):
        # Nothing found yet: the customer may start the flow any second.
        ttl = live_ttl()
    # Values and "not found" answers are cached; failures (also those shown
    # from their last good copy) are not, so the next view retries them.
    store(
        {
            keys[name]: pickled[name] if part.ok else _NOT_FOUND
            for name, part in fetched.items()
            if (part.ok and part.stale_since is None) or part.not_found
        },
        ttl,
    )
    return interaction


def _with_last_good(
    account: XPlatformAccount,
    unique_id: str,
    fetched: dict[str, Part[Any]],
    pickled: dict[str, Pickled],
    store: Callable[[dict[str, Any], int], Any],
) -> dict[str, Part[Any]]:
    """The fetched parts, a failed one replaced by its last good copy (marked
    stale) when there is one; good ones (``pickled``: their values) kept as
    the last good copy.

    A part that fails keeps the data the agent already saw instead of
    blanking it, and a retry of one section never turns a good section
    into an error (issue 10).
    """
    keys = {name: cache_key(account, unique_id, "last-good", name) for name in fetched}
    failed = [
        name
        for name, part in fetched.items()
        if part.error is not None and not part.not_found
    ]
    last_good = cache.get_many([keys[name] for name in failed]) if failed else {}
    now = timezone.now()
    good = {keys[name]: (pickled[name], now) for name in pickled}
    if good:
        store(good, LAST_GOOD_TTL)
    parts = dict(fetched)
    for name in failed:
        kept = last_good.get(keys[name])
        if kept is not None:
            value, since = kept
            parts[name] = Part(
                value=value, stale_since=since, stale_error=fetched[name].error
            )
    return parts


def interaction_fetch(
    *, account: XPlatformAccount, unique_id: str, fresh: bool = False
) -> Interaction:
    """Fetch every part of an interaction in parallel (cached briefly).

    Raises InvalidValue for a malformed unique ID (no request is made) and
    AccountUnavailable when the stored credentials cannot be decrypted.
    Upstream failures stay inside the parts.
    """
    unique_id = validate_unique_id(unique_id)
    key = cache_key(account, unique_id, "fetch", "fresh" if fresh else "")
    if fresh:
        # A retry asks this process for new data: no shared result to wait for.
        return flights.run(key, lambda: _fetch(account, unique_id, fresh=True))
    # One fetch per process, then one across processes (shared_flight).
    return flights.run(key, lambda: _shared_fetch(account, unique_id, key))


def _shared_fetch(account: XPlatformAccount, unique_id: str, key: str) -> Interaction:
    """``_fetch`` once across processes. The parts, the account's breakers
    and the lock are read in one round trip; a closed breaker then admits
    the calls that follow without another (``breaker.ReadAhead``), and the
    leader's cache writes go with the lock's release: a cold fetch is two
    round trips to Redis, a cached one is one (docs/performance.md)."""
    client = get_client(account)
    ahead = breaker.read_ahead(client.breakers())

    def fetch(read: shared_flight.Read) -> Interaction:
        if ahead is None or read.extra is None:
            return _fetch(account, unique_id, fresh=False, read=read, client=client)
        with ahead.admitting(read.extra, read.at):
            return _fetch(account, unique_id, fresh=False, read=read, client=client)

    keys = list(_part_keys(account, unique_id).values())
    extra = ahead.keys() if ahead is not None else ()
    return shared_flight.run(key, keys, fetch, extra=extra)


# --------------------------------------------------------------------------
# Lookup
# --------------------------------------------------------------------------


def _attempt_call(
    account: XPlatformAccount,
    client: xplatform.XPlatformClient,
    method: Method,
    value: str,
) -> Callable[[], list[str]]:
    def by_attribute(attribute: CallerAttribute) -> Callable[[], list[str]]:
        return lambda: list(client.unique_ids(attribute, value).ids)

    if method is Method.UNIQUE_ID:

        def check_unique_id() -> list[str]:
            # Fetching the whole interaction proves the ID exists and leaves
            # the parts in the cache for the page after the redirect.
            interaction = interaction_fetch(account=account, unique_id=value)
            parts: list[Part[Any]] = [interaction.summary, interaction.flow]
            if not any(part.ok for part in parts):
                failure = next(
                    (p.error for p in parts if p.error and not p.not_found), None
                )
                if failure is not None:
                    raise failure
                return []
            return [value]

        return check_unique_id
    if method is Method.DNID:
        # DNID has no unique-ID form; the summary by caller attribute names
        # the instance (decision b).
        def by_dnid() -> list[str]:
            summary = client.summary_by_attribute(value, wider_search=False)
            if not summary.unique_id:
                return []
            try:
                return [validate_unique_id(summary.unique_id)]
            except InvalidValue:
                # Upstream data, not the agent's typing (R-URL-01).
                raise XPlatformResponseError(
                    gettext_noop(
                        "The X-Platform server named an interaction ID the "
                        "console cannot use."
                    )
                ) from None

        return by_dnid
    attribute = {
        Method.CALL_RETURN: CallerAttribute.CALL_RETURN,
        Method.CLICK_TO_CALL: CallerAttribute.CLICK_TO_CALL,
        Method.DTMF: CallerAttribute.DTMF,
        Method.HISTORY_SEARCH_ID: CallerAttribute.HISTORY_SEARCH_ID,
    }[method]
    return by_attribute(attribute)


def interaction_lookup(
    *, account: XPlatformAccount, query: str, kind: str, candidates_from: int = 2
) -> LookupResult:
    """Resolve what an agent typed into unique IDs; all attempts in parallel.

    Raises InvalidValue (no request made) and AccountUnavailable. Upstream
    failures of single attempts are collected in `errors`; when every
    attempt failed the first error is raised. From ``candidates_from``
    matches on, each is described as a `Candidate` (a search across several
    accounts describes even a single match: another account may add more).
    """
    parsed = parse_query(query, kind)
    client = get_client(account)
    attempts = {f"{n}:{a.method.name}": a for n, a in enumerate(parsed.attempts)}
    calls = {
        name: _attempt_call(account, client, a.method, a.value)
        for name, a in attempts.items()
    }
    result = LookupResult(query=parsed)
    failed: list[tuple[str, BaseException]] = []
    for name, part in gather(calls, pool_name="fetches").items():
        if part.ok and part.value is not None:
            for unique_id in part.value:
                if unique_id not in result.unique_ids:
                    result.unique_ids.append(unique_id)
                methods = result.matched_by.setdefault(unique_id, [])
                if attempts[name].method.name not in methods:
                    methods.append(attempts[name].method.name)
        elif part.error is not None and not part.not_found:
            result.errors.append(part.error)
            failed.append((attempts[name].method.label, part.error))
    if not result.unique_ids and failed:
        # Nothing found is no answer when a search failed: it may have
        # held the interaction (issue 10).
        raise LookupFailed(failed)
    if result.unique_ids and len(result.unique_ids) >= candidates_from:
        result.candidates = _candidates(account, result.unique_ids, result.matched_by)
    return result


def _candidates(
    account: XPlatformAccount,
    unique_ids: Iterable[str],
    matched_by: dict[str, list[str]],
) -> list[Candidate]:
    ids = list(unique_ids)
    fetched = gather(
        {
            unique_id: partial(interaction_fetch, account=account, unique_id=unique_id)
            for unique_id in ids
        },
        pool_name="fetches",
    )
    candidates = []
    for unique_id in ids:
        interaction = fetched[unique_id].value
        matched = tuple(matched_by.get(unique_id, ()))
        if interaction is None:
            candidates.append(
                Candidate(unique_id, "", None, None, False, False, matched=matched)
            )
            continue
        step_number, step_title = interaction.last_step
        candidates.append(
            Candidate(
                unique_id=unique_id,
                flow_name=interaction.flow_name,
                started_at=interaction.started_at,
                last_activity=interaction.last_activity,
                is_live=interaction.is_live,
                available=interaction.found,
                customer_name=interaction.customer_name,
                matched=matched,
                step_number=step_number,
                step_title=step_title,
            )
        )
    # Newest activity first: the customer on the line is most likely the latest.
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    candidates.sort(key=lambda c: c.last_activity or epoch, reverse=True)
    return candidates


def photo_render(
    *, account: XPlatformAccount, unique_id: str, key: str, size: str
) -> images.RenderedImage:
    """Return a photo of the interaction as a re-encoded thumbnail or full view.

    The photo is found by its key among the flow's image paths, fetched once
    with the account's maxSize, and both sizes are made and cached together.
    Raises PhotoUnavailable with a reason for the agent.
    """
    photo_cache_key = cache_key(account, unique_id, "photo", key)
    rendered: dict[str, images.RenderedImage] | None = cache.get(photo_cache_key)
    metrics.cache_lookup("photo", hit=rendered is not None)
    if rendered is not None:
        return rendered["thumb" if size == "thumb" else "full"]
    interaction = interaction_fetch(account=account, unique_id=unique_id)
    ref = next((p for p in interaction.photos if p.key == key), None)
    flow_error = interaction.flow.error
    if ref is None and flow_error is not None and not interaction.flow.not_found:
        # The photos are listed in the flow: when the flow cannot be read,
        # its failure is the reason, not a photo that does not exist.
        raise PhotoUnavailable(
            agent_message(flow_error), failure=failure_of(flow_error)
        )
    if ref is None:
        raise PhotoUnavailable(
            "This photo is not part of the interaction.", failure=NOT_FOUND
        )
    if ref.rejected:
        raise PhotoUnavailable(BAD_PATH.message, failure=BAD_PATH)
    path = ref.path

    def fetch_photo(read: shared_flight.Read) -> dict[str, images.RenderedImage]:
        # Read again: another process may have stored it meanwhile.
        stored: dict[str, images.RenderedImage] | None = read.values.get(
            photo_cache_key
        )
        if stored is not None:
            return stored
        return _fetch_photo(account, unique_id, path, photo_cache_key, read.store)

    rendered = flights.run(
        photo_cache_key,
        lambda: shared_flight.run(photo_cache_key, [photo_cache_key], fetch_photo),
    )
    return rendered["thumb" if size == "thumb" else "full"]


def _fetch_photo(
    account: XPlatformAccount,
    unique_id: str,
    path: str,
    photo_cache_key: str,
    store: Callable[[dict[str, Any], int], Any],
) -> dict[str, images.RenderedImage]:
    client = get_client(account)
    try:
        photo = client.photo(unique_id, path)
    except XPlatformNotFound:
        raise PhotoUnavailable(
            "The X-Platform server no longer has this photo.", failure=NOT_FOUND
        ) from None
    except XPlatformError as exc:
        raise PhotoUnavailable(agent_message(exc), failure=failure_of(exc)) from None
    try:
        rendered = {
            "thumb": images.render_thumbnail(photo.content, size=THUMBNAIL_SIZE),
            "full": images.render_photo(photo.content, max_size=account.photo_max_size),
        }
    except images.ImageRejected as exc:
        raise PhotoUnavailable(
            exc.reason, failure=image_failure(exc.code, exc.reason)
        ) from None
    store({photo_cache_key: rendered}, PHOTO_TTL)
    return rendered
