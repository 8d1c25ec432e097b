"""The simulator's model: accounts, flow definitions, instances and snapshots.

Plain frozen dataclasses, with no seed data: :class:`Instance` knows how to
show itself at one moment of the simulator clock (:meth:`Instance.snapshot`),
and :class:`Dataset` is what the WSGI app serves. The seed data built from
them lives in :mod:`interactions.simulator.seed`; the JSON shapes are made by
:mod:`interactions.simulator.render`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from interactions.simulator.photos import PhotoLibrary

RECENT_WINDOW = 24 * 3600.0  # widerSearch=false horizon, seconds

CallerAttributeKind = Literal[
    "dtmf", "dnid", "callReturn", "clickToCall", "historySearchId"
]
CALLER_ATTRIBUTE_KINDS: tuple[CallerAttributeKind, ...] = (
    "dtmf",
    "dnid",
    "callReturn",
    "clickToCall",
    "historySearchId",
)


@dataclass(frozen=True)
class DemoAccount:
    """An X-Platform tenant the simulator serves, and how the console reaches it."""

    account_id: str
    application_key: str
    environment_name: str | None
    name: str
    slug: str
    variable_sets: list[str]
    time_zone: str


@dataclass(frozen=True)
class Option:
    """One option of a single- or multiple-choice question."""

    value: str
    label: str


QuestionKind = Literal["text", "single", "multiple", "photo", "collection"]


@dataclass(frozen=True)
class Question:
    """A question element (section) of a page.

    ``collection`` is a display-only table (the captured "TableRows"
    section, CAP-FF); every other kind takes customer input. ``variable``
    names the user variable the answer is stored in.
    """

    ref: str
    kind: QuestionKind
    label: str = ""
    header_html: str = ""
    footer_html: str = ""
    options: tuple[Option, ...] = ()
    text_format: str = "TEXT"
    text_mask: str = ""
    max_characters: int = 150
    lines: int = 1
    mandatory: bool = True
    columns: tuple[tuple[str, str], ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    variable: str | None = None

    @property
    def takes_input(self) -> bool:
        """Whether the summary lists this element (U-SUM: input steps only)."""
        return self.kind != "collection"

    def option_labels(self, values: Iterable[str]) -> list[str]:
        """Labels of the given option values, in the question's order."""
        chosen = set(values)
        return [option.label for option in self.options if option.value in chosen]


PagePosition = Literal["first", "middle", "last"]


@dataclass(frozen=True)
class Page:
    """A page (step) of a flow definition."""

    ref: str
    title: str
    header_html: str = ""
    footer_html: str = ""
    questions: tuple[Question, ...] = ()
    position: PagePosition = "middle"

    @property
    def takes_input(self) -> bool:
        return any(question.takes_input for question in self.questions)


@dataclass(frozen=True)
class Flow:
    """An interaction (flow) definition built in the Designer."""

    flow_id: str
    name: str
    pages: tuple[Page, ...]
    variable_sets: Mapping[str, tuple[str, ...]]
    # The page-level "language" of every page (CAP-FF: "en").
    language: str = "en"

    def page(self, ref: str) -> Page:
        for page in self.pages:
            if page.ref == ref:
                return page
        raise KeyError(ref)


# Text, or the selected option values, or the uploaded photo paths.
Answer = str | Sequence[str]


@dataclass(frozen=True)
class Visit:
    """One page navigation of an instance.

    ``at`` is in seconds from the simulator's start (negative: before it).
    ``answers`` maps a question's ref to its text, the selected option values
    or the uploaded photo paths. ``variables`` are assigned on this page.
    """

    page: str
    at: float
    answers: Mapping[str, Answer] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CallerAttributes:
    """The read-only variables an instance can be found by.

    See docs/xplatform-api.md section 4.
    """

    dtmf: str | None = None
    dnid: str | None = None
    call_return_number: str | None = None
    click_to_call_caller_id: str | None = None
    history_search_id: str | None = None

    def get(self, kind: CallerAttributeKind) -> str | None:
        return {
            "dtmf": self.dtmf,
            "dnid": self.dnid,
            "callReturn": self.call_return_number,
            "clickToCall": self.click_to_call_caller_id,
            "historySearchId": self.history_search_id,
        }[kind]

    def values(self) -> tuple[str, ...]:
        found = (self.get(kind) for kind in CALLER_ATTRIBUTE_KINDS)
        return tuple(value for value in found if value)


@dataclass(frozen=True)
class TimedVisit:
    """A visit with its page definition and absolute time."""

    visit: Visit
    page: Page
    time_ms: int
    time_zone_minutes: int


@dataclass(frozen=True)
class Snapshot:
    """What an instance looks like at one moment of the simulator clock."""

    instance: Instance
    visits: tuple[TimedVisit, ...]
    live: bool
    last_activity: float
    variables: Mapping[str, str]
    photo_paths: tuple[str, ...]


@dataclass(frozen=True)
class Instance:
    """One run of a flow by an end user, identified by its unique id."""

    unique_id: str
    account_id: str
    flow: Flow
    attributes: CallerAttributes
    visits: tuple[Visit, ...]
    time_zone: str
    variables: Mapping[str, str] = field(default_factory=dict)

    def snapshot(self, started_at: float, now: float) -> Snapshot | None:
        """The instance as of ``now``; None before its first page."""
        reached = [v for v in self.visits if started_at + v.at <= now]
        if not reached:
            return None
        zone = ZoneInfo(self.time_zone)
        timed = []
        for visit in reached:
            at = started_at + visit.at
            offset = datetime.fromtimestamp(at, UTC).astimezone(zone).utcoffset()
            minutes = int(offset.total_seconds() // 60) if offset else 0
            timed.append(
                TimedVisit(visit, self.flow.page(visit.page), round(at * 1000), minutes)
            )
        return Snapshot(
            instance=self,
            visits=tuple(timed),
            live=len(reached) < len(self.visits),
            last_activity=started_at + reached[-1].at,
            variables=self._variables(reached),
            photo_paths=self._photo_paths(reached),
        )

    def _variables(self, reached: list[Visit]) -> dict[str, str]:
        values = dict(self.variables)
        for visit in reached:
            page = self.flow.page(visit.page)
            for question in page.questions:
                answer = visit.answers.get(question.ref)
                if question.variable and answer is not None:
                    values[question.variable] = _variable_text(question, answer)
            values.update(visit.variables)
        return values

    def _photo_paths(self, reached: list[Visit]) -> tuple[str, ...]:
        paths: list[str] = []
        for visit in reached:
            for question in self.flow.page(visit.page).questions:
                answer = visit.answers.get(question.ref, ())
                if question.kind == "photo" and isinstance(answer, tuple):
                    paths.extend(p for p in answer if p not in paths)
        return tuple(paths)


def _variable_text(question: Question, answer: Answer) -> str:
    if question.kind == "photo":
        return str(len(answer)) if isinstance(answer, tuple) else "0"
    if isinstance(answer, str):
        if question.kind in ("single", "multiple"):
            return ", ".join(question.option_labels([answer]))
        return answer
    return ", ".join(question.option_labels(answer))


@dataclass(frozen=True)
class Dataset:
    """Accounts, instances and photos the simulator serves."""

    accounts: tuple[DemoAccount, ...]
    instances: tuple[Instance, ...]
    photos: PhotoLibrary

    def account(self, account_id: str) -> DemoAccount | None:
        for account in self.accounts:
            if account.account_id == account_id:
                return account
        return None

    def instances_of(self, account_id: str) -> tuple[Instance, ...]:
        return tuple(i for i in self.instances if i.account_id == account_id)

    def instance(self, account_id: str, unique_id: str) -> Instance | None:
        for instance in self.instances_of(account_id):
            if instance.unique_id == unique_id:
                return instance
        return None


def element_id(*parts: str) -> str:
    """A designer-style element id, ``<13-digit ms>-<39 hex>-<4 hex>`` (CAP-FF).

    Derived from a hash of ``parts``, so ids are stable across runs.
    """
    digest = hashlib.sha1("/".join(parts).encode("utf-8"), usedforsecurity=False)
    hexdigest = digest.hexdigest()
    millis = 1_428_325_000_000 + int(hexdigest[:8], 16) % 900_000_000
    return f"{millis}-{hexdigest[:39]}-{hexdigest[-4:]}"


def lower_camel(name: str) -> str:
    """The response key of a variable: lowerCamelCase of its name (5.4).

    ``"Customer ID"`` becomes ``customerId`` and ``"Wi-Fi Name"``
    ``wiFiName``.
    """
    words = [w for w in "".join(c if c.isalnum() else " " for c in name).split() if w]
    if not words:
        return ""
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])
