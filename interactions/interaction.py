"""What one interaction is, as fetched: plain result types and the liveness rule.

No I/O here: `interactions.upstream` fills these from the X-Platform and
`interactions.presenters` turns them into the page's view model.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.utils.translation import gettext

from interactions.caller_query import ParsedQuery
from interactions.xplatform.errors import XPlatformError, XPlatformNotFound
from interactions.xplatform.schemas import FlowPage, FullFlow, Summary, VariableSet

if TYPE_CHECKING:
    from interactions.models import XPlatformAccount

T = TypeVar("T")

# An interaction whose last page is older than this is shown as finished.
LIVE_WINDOW = timedelta(minutes=30)


class Outcome(StrEnum):
    """How an interaction stands, by the liveness rule of `Interaction`."""

    LIVE = "live"  # still moving through the flow
    COMPLETED = "completed"  # reached an end page
    ABANDONED = "abandoned"  # quiet for LIVE_WINDOW before an end page
    FINISHED = "finished"  # quiet, and the flow could not be read to tell which
    UNKNOWN = "unknown"  # no time at all: nothing could be read


@dataclass(frozen=True)
class Part(Generic[T]):
    """One independently fetched part of an interaction: a value or an error."""

    value: T | None = None
    error: XPlatformError | None = None
    # Set when the fetch failed and ``value`` is the last good one, read at
    # ``stale_since``; ``stale_error`` is why it could not be read again.
    stale_since: datetime | None = None
    stale_error: XPlatformError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None

    @property
    def not_found(self) -> bool:
        return isinstance(self.error, XPlatformNotFound)


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
    # an upstream path from its own URL (docs/xplatform-api.md section 7).
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
    def outcome(self) -> Outcome:
        """Live until the flow reaches an end page or goes quiet (a decision).

        The API has no live flag. A flow has ended when its last page offers
        no way forward (no visible right button), or is a closing page: a
        FINISH button on a page with nothing to answer. A FINISH button on a
        question page does not end it (the capture's first page has one,
        CAP-FF). A flow that ended is completed however long ago; one quiet
        for LIVE_WINDOW on any other page was abandoned there.
        """
        pages = self.flow.value.pages if self.flow.value else ()
        if pages and _ends_flow(pages[-1]):
            return Outcome.COMPLETED
        last = self.last_activity
        if last is None:
            return Outcome.UNKNOWN
        if self.fetched_at - last > LIVE_WINDOW:
            return Outcome.ABANDONED if pages else Outcome.FINISHED
        return Outcome.LIVE

    @cached_property
    def is_live(self) -> bool:
        return self.outcome is Outcome.LIVE

    @cached_property
    def last_step(self) -> tuple[int, str]:
        """The number and title of the last page the customer reached."""
        if self.flow.value and self.flow.value.pages:
            pages = self.flow.value.pages
            return len(pages), pages[-1].title
        if self.summary.value and self.summary.value.pages:
            summary_pages = self.summary.value.pages
            return len(summary_pages), summary_pages[-1].title
        return 0, ""

    def variable_values(self, names: list[str]) -> list[str]:
        """The values of the variables ``names``, in that order, skipping
        those not set; a name matches a variable of any set, whatever its
        case."""
        found: dict[str, str] = {}
        for _, part in self.variable_sets:
            for variable in part.value.values if part.value else ():
                value = variable.value.strip()
                if variable.is_set and value and not variable.is_structured:
                    found.setdefault(variable.name.casefold(), value)
        return [found[name.casefold()] for name in names if name.casefold() in found]

    @cached_property
    def customer_name(self) -> str:
        """The customer's name from the variable sets, when a set has one.

        Read from the variables the account names as the customer's name
        (``customer_name_variables``, as the strip on the page does), else
        from the usual names ("Customer Name", "Full Name", "Name", or
        "First Name" with "Last Name"), in the account's set order.
        """
        configured = self.variable_values(self.account.customer_name_names())
        if configured:
            return " ".join(configured)
        first = last = ""
        for _set_id, part in self.variable_sets:
            if part.value is None:
                continue
            for variable in part.value.values:
                if not variable.is_set or variable.is_structured:
                    continue
                key = _NAME_KEY.sub("", variable.name.lower())
                if key in _FULL_NAME_KEYS:
                    return variable.value.strip()
                if key in _FIRST_NAME_KEYS and not first:
                    first = variable.value.strip()
                elif key in _LAST_NAME_KEYS and not last:
                    last = variable.value.strip()
        return " ".join(name for name in (first, last) if name)

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


_NAME_KEY = re.compile(r"[^a-z]")
_FULL_NAME_KEYS = frozenset({"customername", "fullname", "name"})
_FIRST_NAME_KEYS = frozenset({"firstname", "givenname"})
_LAST_NAME_KEYS = frozenset({"lastname", "surname", "familyname"})


def _ends_flow(page: FlowPage) -> bool:
    forward = page.nav_right
    if forward is None or not forward.visible:
        return True
    asks = any(section.choices for section in page.sections)
    return forward.action_type == "FINISH" and not asks


@dataclass(frozen=True)
class Candidate:
    unique_id: str
    flow_name: str
    started_at: datetime | None
    last_activity: datetime | None
    is_live: bool
    available: bool
    customer_name: str = ""
    # How the query matched it: names of caller_query.Method members.
    matched: tuple[str, ...] = ()
    step_number: int = 0
    step_title: str = ""


@dataclass
class LookupResult:
    """The outcome of a search: one match, several candidates, or none."""

    query: ParsedQuery
    unique_ids: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    errors: list[XPlatformError] = field(default_factory=list)
    # Per unique ID, the caller_query.Method names that found it.
    matched_by: dict[str, list[str]] = field(default_factory=dict)

    @property
    def match(self) -> str | None:
        return self.unique_ids[0] if len(self.unique_ids) == 1 else None

    def not_found_sentence(self, where: str) -> str:
        """'No interaction matches 959595 as a unique ID in Northwind Telecom.'

        ``where`` names the account, or the accounts searched: the agent must
        never guess which account "this account" was.
        """
        return gettext("No interaction matches %(query)s %(tried)s in %(where)s.") % {
            "query": self.query.shown_as,
            "tried": self.query.tried(),
            "where": where,
        }
