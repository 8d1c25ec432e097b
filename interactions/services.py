"""Orchestration: call the X-Platform, record the access, decide what to show.

This is the only module that knows about the fan-out: the independent
upstream calls of one page (summary, full flow, each variable set) run in
parallel on the account's pooled session, and each part comes back with its
own value or error, so one failing variable set does not sink the page.
Short-lived caching collapses reloads, live refreshes and several viewers of
one interaction into one upstream call per part; concurrent identical
fetches in one process wait for the first instead of calling again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from interactions import images, roles
from interactions.fields import CredentialDecryptError
from interactions.masking import mask_query
from interactions.models import (
    InteractionAccess,
    InteractionSnapshot,
    SnapshotPhoto,
    XPlatformAccount,
)
from interactions.queries import Method, ParsedQuery, parse_query
from interactions.xplatform import client as xplatform
from interactions.xplatform.config import CallerAttribute
from interactions.xplatform.errors import (
    XPlatformAuthError,
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformTimeout,
    XPlatformUnavailable,
)
from interactions.xplatform.schemas import FullFlow, Summary, VariableSet
from interactions.xplatform.validators import InvalidValue, validate_unique_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

logger = logging.getLogger(__name__)

T = TypeVar("T")

# An interaction whose last page is older than this is shown as finished.
LIVE_WINDOW = timedelta(minutes=30)
# Cache lifetimes: live interactions change every few seconds.
LIVE_TTL = 4
FINISHED_TTL = 120
PHOTO_TTL = 24 * 3600  # security.md R-PII-03: thumbnail cache 24 hours
THUMBNAIL_SIZE = 512

_executor_lock = threading.Lock()
_executors: dict[str, ThreadPoolExecutor] = {}


def _pool(name: str = "calls") -> ThreadPoolExecutor:
    """A shared thread pool. "calls" runs single upstream calls and never
    waits on anything; "fetches" runs whole fetches, which wait on "calls".
    Keeping the two apart means a full pool can never deadlock on itself.
    """
    with _executor_lock:
        if name not in _executors:
            _executors[name] = ThreadPoolExecutor(
                max_workers=settings.XPC_UPSTREAM_POOL_SIZE,
                thread_name_prefix=f"xplatform-{name}",
            )
        return _executors[name]


class _SingleFlight:
    """Collapse concurrent identical calls in this process into one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, Future[Any]] = {}

    def run(self, key: str, fn: Callable[[], T]) -> T:
        with self._lock:
            future = self._calls.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._calls[key] = future
        if not owner:
            result: T = future.result()
            return result
        try:
            value = fn()
        except BaseException as exc:
            future.set_exception(exc)
            raise
        else:
            future.set_result(value)
            return value
        finally:
            with self._lock:
                self._calls.pop(key, None)


_flights = _SingleFlight()


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


class AccountUnavailable(Exception):
    """The account's stored credentials cannot be used (R-SEC-02)."""

    message = (
        "This account's X-Platform credentials cannot be used at the moment; "
        "an administrator has to re-enter them."
    )


@dataclass(frozen=True)
class Part(Generic[T]):
    """One independently fetched part of an interaction: a value or an error."""

    value: T | None = None
    error: XPlatformError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None

    @property
    def not_found(self) -> bool:
        return isinstance(self.error, XPlatformNotFound)


def error_kind(error: BaseException) -> str:
    """A short, stable name of an upstream failure for logs and the access log."""
    if isinstance(error, XPlatformTimeout):
        return "timeout"
    if isinstance(error, XPlatformUnavailable):
        return "unavailable"
    if isinstance(error, XPlatformAuthError):
        return "bad_credentials"
    if isinstance(error, XPlatformNotFound):
        return "not_found"
    if isinstance(error, XPlatformResponseError):
        return "bad_response"
    if isinstance(error, AccountUnavailable | CredentialDecryptError):
        return "credentials_unavailable"
    return "error"


def agent_message(error: BaseException) -> str:
    """What to tell an agent about a failure, in plain words."""
    if isinstance(error, XPlatformAuthError):
        return (
            "The X-Platform server refused this account's credentials. "
            "An administrator has to check the application key."
        )
    if isinstance(error, AccountUnavailable | CredentialDecryptError):
        return AccountUnavailable.message
    if isinstance(error, XPlatformError):
        return error.message
    return "Something went wrong while asking the X-Platform server."


@dataclass(frozen=True)
class PhotoRef:
    """A photo of the flow, addressed by a key derived from its path."""

    key: str
    path: str
    step_number: int
    step_title: str
    time: datetime | None
    rejected: bool = False

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def photo_key(path: str) -> str:
    # A hash, not the path, goes into console URLs: the console never takes
    # an upstream path from its own URL (xplatform-api.md section 7).
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Interaction:
    """Everything the interaction page shows, each part with its own outcome."""

    account: XPlatformAccount
    unique_id: str
    summary: Part[Summary]
    flow: Part[FullFlow]
    variable_sets: tuple[tuple[str, Part[VariableSet]], ...]
    fetched_at: datetime

    @cached_property
    def found(self) -> bool:
        parts: list[Part[Any]] = [self.summary, self.flow]
        return any(part.ok for part in parts) or not all(
            part.not_found for part in parts
        )

    @cached_property
    def flow_name(self) -> str:
        return self.summary.value.flow_name if self.summary.value else ""

    def _times(self) -> list[datetime]:
        times: list[datetime] = []
        if self.flow.value:
            times += [p.timestamp for p in self.flow.value.pages if p.timestamp]
        if self.summary.value:
            times += [p.time for p in self.summary.value.pages if p.time]
        return times

    @cached_property
    def started_at(self) -> datetime | None:
        times = self._times()
        return min(times) if times else None

    @cached_property
    def last_activity(self) -> datetime | None:
        times = self._times()
        return max(times) if times else None

    @cached_property
    def is_live(self) -> bool:
        """Live until the flow reaches an end page or goes quiet (a decision).

        The API has no live flag. A flow has ended when its last page offers
        no way forward (no visible right button), or is a closing page: a
        FINISH button on a page with nothing to answer. A FINISH button on a
        question page does not end it (the capture's first page has one,
        CAP-FF). A flow quiet for LIVE_WINDOW is treated as ended too.
        """
        last = self.last_activity
        if last is None or self.fetched_at - last > LIVE_WINDOW:
            return False
        if self.flow.value and self.flow.value.pages:
            page = self.flow.value.pages[-1]
            forward = page.nav_right
            if forward is None or not forward.visible:
                return False
            asks = any(section.choices for section in page.sections)
            if forward.action_type == "FINISH" and not asks:
                return False
        return True

    @cached_property
    def photos(self) -> list[PhotoRef]:
        refs: list[PhotoRef] = []
        if not self.flow.value:
            return refs
        seen: set[str] = set()
        for number, page in enumerate(self.flow.value.pages, start=1):
            for path, rejected in [(p, False) for p in page.image_paths] + [
                (p, True) for p in page.rejected_image_paths
            ]:
                if path in seen:
                    continue
                seen.add(path)
                refs.append(
                    PhotoRef(
                        key=photo_key(path),
                        path=path,
                        step_number=number,
                        step_title=page.title,
                        time=page.timestamp,
                        rejected=rejected,
                    )
                )
        return refs


@dataclass(frozen=True)
class Candidate:
    unique_id: str
    flow_name: str
    started_at: datetime | None
    last_activity: datetime | None
    is_live: bool
    available: bool


@dataclass
class LookupResult:
    """The outcome of a search: one match, several candidates, or none."""

    query: ParsedQuery
    unique_ids: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    errors: list[XPlatformError] = field(default_factory=list)

    @property
    def match(self) -> str | None:
        return self.unique_ids[0] if len(self.unique_ids) == 1 else None

    def not_found_sentence(self) -> str:
        return (
            f"No interaction matches {self.query.shown_as} "
            f"{self.query.tried()} in this account."
        )


# --------------------------------------------------------------------------
# Client and caching
# --------------------------------------------------------------------------


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
    return xplatform.get_client(config)


def _cache_key(account: XPlatformAccount, *parts: str) -> str:
    version = int(account.updated_at.timestamp() * 1000) if account.updated_at else 0
    raw = "|".join([str(account.pk), str(version), *parts])
    return "xpc:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


_NOT_FOUND = "xpc:not-found"


def _from_cache(value: Any) -> Part[Any]:
    if value == _NOT_FOUND:
        return Part(error=XPlatformNotFound())
    return Part(value=value)


def _gather(
    calls: dict[str, Callable[[], Any]], *, pool: str = "calls"
) -> dict[str, Part[Any]]:
    """Run independent upstream calls in parallel; each gets its own Part."""
    futures = {name: _pool(pool).submit(fn) for name, fn in calls.items()}
    results: dict[str, Part[Any]] = {}
    for name, future in futures.items():
        try:
            results[name] = Part(value=future.result())
        except XPlatformError as exc:
            results[name] = Part(error=exc)
    return results


# --------------------------------------------------------------------------
# Fetching an interaction
# --------------------------------------------------------------------------


def _fetch(account: XPlatformAccount, unique_id: str, *, fresh: bool) -> Interaction:
    client = get_client(account)
    set_ids = account.variable_set_ids()
    keys = {"summary": _cache_key(account, unique_id, "summary")}
    keys["flow"] = _cache_key(account, unique_id, "flow")
    for set_id in set_ids:
        keys[f"set:{set_id}"] = _cache_key(account, unique_id, "set", set_id)
    cached = {} if fresh else cache.get_many(list(keys.values()))
    cached = {key: value for key, value in cached.items() if value is not None}
    calls: dict[str, Callable[[], Any]] = {}
    if keys["summary"] not in cached:
        calls["summary"] = lambda: client.summary(unique_id)
    if keys["flow"] not in cached:
        calls["flow"] = lambda: client.full_flow(unique_id)
    for set_id in set_ids:
        if keys[f"set:{set_id}"] not in cached:
            calls[f"set:{set_id}"] = partial(client.variable_set, unique_id, set_id)
    fetched = _gather(calls)
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
    ttl = LIVE_TTL if interaction.is_live else FINISHED_TTL
    if not (interaction.summary.ok or interaction.flow.ok):
        # Nothing found yet: the customer may start the flow any second.
        ttl = LIVE_TTL
    # Values and "not found" answers are cached; failures are not, so the
    # next view retries them.
    cache.set_many(
        {
            keys[name]: part.value if part.ok else _NOT_FOUND
            for name, part in fetched.items()
            if part.ok or part.not_found
        },
        timeout=ttl,
    )
    return interaction


def interaction_fetch(
    *, account: XPlatformAccount, unique_id: str, fresh: bool = False
) -> Interaction:
    """Fetch every part of an interaction in parallel (cached briefly).

    Raises InvalidValue for a malformed unique ID (no request is made) and
    AccountUnavailable when the stored credentials cannot be decrypted.
    Upstream failures stay inside the parts.
    """
    unique_id = validate_unique_id(unique_id)
    key = _cache_key(account, unique_id, "fetch", "fresh" if fresh else "")
    return _flights.run(key, lambda: _fetch(account, unique_id, fresh=fresh))


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
                    "The X-Platform server named an interaction ID the console "
                    "cannot use."
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
    *, account: XPlatformAccount, query: str, kind: str
) -> LookupResult:
    """Resolve what an agent typed into unique IDs; all attempts in parallel.

    Raises InvalidValue (no request made) and AccountUnavailable. Upstream
    failures of single attempts are collected in `errors`; when every
    attempt failed the first error is raised.
    """
    parsed = parse_query(query, kind)
    client = get_client(account)
    calls = {
        f"{n}:{a.method.name}": _attempt_call(account, client, a.method, a.value)
        for n, a in enumerate(parsed.attempts)
    }
    result = LookupResult(query=parsed)
    for part in _gather(calls, pool="fetches").values():
        if part.ok and part.value is not None:
            for unique_id in part.value:
                if unique_id not in result.unique_ids:
                    result.unique_ids.append(unique_id)
        elif part.error is not None and not part.not_found:
            result.errors.append(part.error)
    if not result.unique_ids and result.errors and len(result.errors) == len(calls):
        raise result.errors[0]
    if len(result.unique_ids) > 1:
        result.candidates = _candidates(account, result.unique_ids)
    return result


def _candidates(
    account: XPlatformAccount, unique_ids: Iterable[str]
) -> list[Candidate]:
    ids = list(unique_ids)
    fetched = _gather(
        {
            unique_id: partial(interaction_fetch, account=account, unique_id=unique_id)
            for unique_id in ids
        },
        pool="fetches",
    )
    candidates = []
    for unique_id in ids:
        interaction = fetched[unique_id].value
        if interaction is None:
            candidates.append(Candidate(unique_id, "", None, None, False, False))
            continue
        candidates.append(
            Candidate(
                unique_id=unique_id,
                flow_name=interaction.flow_name,
                started_at=interaction.started_at,
                last_activity=interaction.last_activity,
                is_live=interaction.is_live,
                available=interaction.found,
            )
        )
    # Newest activity first: the customer on the line is most likely the latest.
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    candidates.sort(key=lambda c: c.last_activity or epoch, reverse=True)
    return candidates


# --------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------


class PhotoUnavailable(Exception):
    """A photo cannot be shown; `reason` is for the agent."""

    def __init__(self, reason: str, *, kind: str = "unavailable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def photo_render(
    *, account: XPlatformAccount, unique_id: str, key: str, size: str
) -> images.RenderedImage:
    """Return a photo of the interaction as a re-encoded thumbnail or full view.

    The photo is found by its key among the flow's image paths, fetched once
    with the account's maxSize, and both sizes are made and cached together.
    Raises PhotoUnavailable with a reason for the agent.
    """
    cache_key = _cache_key(account, unique_id, "photo", key)
    rendered: dict[str, images.RenderedImage] | None = cache.get(cache_key)
    if rendered is not None:
        return rendered["thumb" if size == "thumb" else "full"]
    interaction = interaction_fetch(account=account, unique_id=unique_id)
    ref = next((p for p in interaction.photos if p.key == key), None)
    if ref is None:
        raise PhotoUnavailable(
            "This photo is not part of the interaction.", kind="not_found"
        )
    if ref.rejected:
        raise PhotoUnavailable(
            "The X-Platform gave an unusable location for this photo.", kind="bad_path"
        )
    rendered = _flights.run(
        cache_key, lambda: _fetch_photo(account, unique_id, ref.path, cache_key)
    )
    return rendered["thumb" if size == "thumb" else "full"]


def _fetch_photo(
    account: XPlatformAccount, unique_id: str, path: str, cache_key: str
) -> dict[str, images.RenderedImage]:
    client = get_client(account)
    try:
        photo = client.photo(unique_id, path)
    except XPlatformNotFound:
        raise PhotoUnavailable(
            "The X-Platform server no longer has this photo.", kind="not_found"
        ) from None
    except XPlatformError as exc:
        raise PhotoUnavailable(agent_message(exc), kind=error_kind(exc)) from None
    try:
        rendered = {
            "thumb": images.render_thumbnail(photo.content, size=THUMBNAIL_SIZE),
            "full": images.render_photo(photo.content, max_size=account.photo_max_size),
        }
    except images.ImageRejected as exc:
        raise PhotoUnavailable(exc.reason, kind=exc.code) from None
    cache.set(cache_key, rendered, timeout=PHOTO_TTL)
    return rendered


# --------------------------------------------------------------------------
# Access log and connection test
# --------------------------------------------------------------------------


def _printable(text: str, limit: int) -> str:
    # What a user typed into a URL or a form may hold NUL and other control
    # characters, which PostgreSQL text refuses; the log keeps a readable copy.
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text[:limit])


def interaction_access_record(
    *,
    user: Any,
    account: XPlatformAccount | None,
    account_slug: str = "",
    action: str,
    outcome: str,
    request: HttpRequest | None = None,
    started: float | None = None,
    interaction_id: str = "",
    query: str = "",
    search_kind: str = "",
    error: BaseException | None = None,
    flow_name: str = "",
    has_photos: bool | None = None,
    source: str = "page",
) -> InteractionAccess:
    """Write one append-only access-log row (security.md, R-PII-01)."""
    duration = int((time.monotonic() - started) * 1000) if started is not None else 0
    row = InteractionAccess.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        role=roles.role_label(user),
        account=account,
        account_slug=account.slug if account else _printable(account_slug, 50),
        action=action,
        outcome=outcome,
        error_kind=error_kind(error) if error is not None else "",
        search_kind=_printable(search_kind, 20),
        query_masked=_printable(mask_query(query), 120) if query else "",
        interaction_id=_printable(interaction_id, 64),
        flow_name=_printable(flow_name, 200),
        has_photos=has_photos,
        source=source,
        duration_ms=max(0, duration),
        client_ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
    logger.info(
        "access user=%s account=%s action=%s outcome=%s id=%s query=%s ms=%s",
        row.username,
        row.account_slug,
        action,
        outcome,
        row.interaction_id,
        row.query_masked,
        row.duration_ms,
    )
    return row


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str


def account_connection_test(*, account: XPlatformAccount) -> ConnectionResult:
    """Call the X-Platform with the stored credentials and say what happened."""
    try:
        client = get_client(account)
    except AccountUnavailable:
        return ConnectionResult(
            False,
            "Credentials unavailable: the stored application key cannot be "
            "decrypted with the configured keys. Enter it again.",
        )
    check = client.check_connection()
    return ConnectionResult(check.ok, check.message)


# --------------------------------------------------------------------------
# Snapshots: what an interaction page showed, kept for supervisors
# --------------------------------------------------------------------------

SNAPSHOT_SCHEMA = 1
# Parts of the page that change with every view, not with the interaction:
# "data as of", and the time spent so far on the last page of a live flow.
_VOLATILE_HEADER = ("data_as_of",)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _seconds(spent: timedelta | None) -> int | None:
    return int(spent.total_seconds()) if spent is not None else None


def interaction_snapshot_data(interaction: Interaction) -> dict[str, Any]:
    """The interaction page as plain JSON: what the agent saw, nothing more."""
    # presenters imports this module; imported here to keep the import order.
    from interactions import presenters

    account = interaction.account
    steps = presenters.timeline(interaction)
    return {
        "schema": SNAPSHOT_SCHEMA,
        "header": {
            "unique_id": interaction.unique_id,
            "flow_name": interaction.flow_name,
            "account_name": account.name,
            "account_slug": account.slug,
            "time_zone": account.time_zone,
            "started_at": _iso(interaction.started_at),
            "last_activity": _iso(interaction.last_activity),
            "live": interaction.is_live,
            "data_as_of": _iso(interaction.fetched_at),
        },
        "answers_error": presenters.part_error(interaction, "summary"),
        "answers": [
            {
                "page_title": row.page_title,
                "time": _iso(row.time),
                "question": row.question,
                "answer": row.answer,
            }
            for row in presenters.answers(interaction)
        ],
        "flow_error": presenters.part_error(interaction, "flow"),
        "steps": [
            {
                "number": step.number,
                "title": step.title,
                "time": _iso(step.time),
                "spent_seconds": _seconds(step.spent),
                "spent_so_far": step.is_last and interaction.is_live,
                "is_revisit": step.is_revisit,
                "revisit_of": step.revisit_of,
                "is_last": step.is_last,
                "header": step.header,
                "footer": step.footer,
                "sections": [
                    {
                        "label": section.label,
                        "header": section.header,
                        "footer": section.footer,
                        "kind": section.kind,
                        "answers": list(section.answers),
                        "options": [
                            {"label": o.label, "selected": o.selected}
                            for o in section.options
                        ],
                        "multiple": section.multiple,
                        "table": (
                            {
                                "headers": [h for _, h in section.table.headers],
                                "rows": [list(r) for r in section.table.rows],
                            }
                            if section.table is not None
                            else None
                        ),
                        "photos": [
                            {"key": p.key, "file_name": p.file_name}
                            for p in section.photos
                        ],
                    }
                    for section in step.sections
                ],
            }
            for step in steps
        ],
        "variable_sets": [
            {
                "set_id": view.set_id,
                "rows": [
                    {
                        "name": row.name,
                        "value": row.value,
                        "is_set": row.is_set,
                        "is_structured": row.is_structured,
                    }
                    for row in view.rows
                ],
                "error": view.error,
                "not_found": view.not_found,
            }
            for view in presenters.variable_sets(interaction)
        ],
        "photos": [
            {
                "key": ref.key,
                "file_name": ref.file_name,
                "label": f"Step {ref.step_number}: {ref.step_title}",
                "step_number": ref.step_number,
                "step_title": ref.step_title,
                "time": _iso(ref.time),
                "rejected": ref.rejected,
            }
            for ref in interaction.photos
        ],
        "summary_text": presenters.summary_text(interaction),
    }


def snapshot_content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a snapshot, volatile parts left out."""
    stable = dict(data)
    stable["header"] = {
        k: v for k, v in data.get("header", {}).items() if k not in _VOLATILE_HEADER
    }
    stable["steps"] = [
        {**step, "spent_seconds": None} if step.get("spent_so_far") else step
        for step in data.get("steps", [])
    ]
    canonical = json.dumps(
        stable, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _snapshot_photo_fields(entry: dict[str, Any]) -> dict[str, Any]:
    moment = entry.get("time")
    return {
        "label": str(entry.get("label", ""))[:300],
        "step_number": int(entry.get("step_number") or 0),
        "time": datetime.fromisoformat(moment) if moment else None,
    }


def _carry_thumbnails(snapshot: InteractionSnapshot) -> None:
    """Give a new snapshot the thumbnails already known for its photos.

    From an earlier snapshot of the interaction (a photo's key is derived
    from its upstream path, so the same key is the same photo), else from
    the rendered-photo cache. No upstream call is made here.
    """
    entries = {
        p["key"]: p for p in snapshot.data.get("photos", []) if not p.get("rejected")
    }
    if not entries:
        return
    known: dict[str, tuple[bytes, str]] = {}
    earlier = (
        SnapshotPhoto.objects.filter(
            snapshot__account=snapshot.account,
            snapshot__interaction_id=snapshot.interaction_id,
            key__in=list(entries),
        )
        .exclude(snapshot=snapshot)
        .order_by("-snapshot__created_at", "-snapshot__pk")
        .values_list("key", "thumbnail", "content_type")
    )
    for key, thumbnail, content_type in earlier:
        known.setdefault(key, (bytes(thumbnail), content_type))
    for key in entries.keys() - known.keys():
        cache_key = _cache_key(snapshot.account, snapshot.interaction_id, "photo", key)
        rendered: dict[str, images.RenderedImage] | None = cache.get(cache_key)
        if rendered is not None:
            known[key] = (rendered["thumb"].content, rendered["thumb"].content_type)
    SnapshotPhoto.objects.bulk_create(
        [
            SnapshotPhoto(
                snapshot=snapshot,
                key=key,
                thumbnail=content,
                content_type=content_type,
                **_snapshot_photo_fields(entries[key]),
            )
            for key, (content, content_type) in known.items()
        ]
    )


def interaction_snapshot_store(
    *, user: Any, interaction: Interaction
) -> InteractionSnapshot:
    """Keep a copy of what the interaction page showed, once per change.

    The same content (volatile parts left out of the hash) gives back the
    existing snapshot and writes nothing; new content adds a snapshot that
    starts with the thumbnails already known for its photos.
    """
    data = interaction_snapshot_data(interaction)
    digest = snapshot_content_hash(data)
    lookup = {
        "account": interaction.account,
        "interaction_id": interaction.unique_id,
        "content_hash": digest,
    }
    # The stored JSON is not needed to know the snapshot exists.
    existing = InteractionSnapshot.objects.filter(**lookup).defer("data").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            snapshot = InteractionSnapshot.objects.create(
                **lookup,
                first_viewed_by=user if getattr(user, "pk", None) else None,
                flow_name=interaction.flow_name[:200],
                has_photos=bool(interaction.photos),
                data=data,
            )
            _carry_thumbnails(snapshot)
    except IntegrityError:
        # Another viewer stored the same content a moment ago.
        return InteractionSnapshot.objects.get(**lookup)
    return snapshot


def snapshot_photo_store(
    *,
    account: XPlatformAccount,
    unique_id: str,
    key: str,
    image: images.RenderedImage,
) -> SnapshotPhoto | None:
    """Keep a thumbnail that was just shown in the interaction's latest snapshot.

    Only when that snapshot lists the photo and lacks its thumbnail; returns
    the stored row, or None when there was nothing to do.
    """
    latest = (
        InteractionSnapshot.objects.filter(account=account, interaction_id=unique_id)
        .order_by("-created_at", "-pk")
        .only("pk")
        .first()
    )
    if latest is None:
        return None
    if SnapshotPhoto.objects.filter(snapshot=latest, key=key).exists():
        return None
    entry = latest.photo_entry(key)  # loads the deferred JSON
    if entry is None or entry.get("rejected"):
        return None
    try:
        with transaction.atomic():
            return SnapshotPhoto.objects.create(
                snapshot=latest,
                key=key,
                thumbnail=image.content,
                content_type=image.content_type,
                **_snapshot_photo_fields(entry),
            )
    except IntegrityError:
        return None  # stored by a concurrent request


def snapshots_purge(*, batch_size: int = 200) -> tuple[int, int]:
    """Delete snapshots past XPC_SNAPSHOT_RETENTION_DAYS; (snapshots, photos)."""
    cutoff = timezone.now() - timedelta(days=settings.XPC_SNAPSHOT_RETENTION_DAYS)
    return InteractionSnapshot.objects.purge_before(cutoff, batch_size=batch_size)


def access_log_purge(*, batch_size: int = 1000) -> int:
    """Delete access-log rows past XPC_ACCESS_LOG_RETENTION_DAYS (R-PII-03)."""
    cutoff = timezone.now() - timedelta(days=settings.XPC_ACCESS_LOG_RETENTION_DAYS)
    return InteractionAccess.objects.purge_before(cutoff, batch_size=batch_size)
