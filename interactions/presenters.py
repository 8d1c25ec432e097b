"""The interaction page's view model, built once from a fetched Interaction.

`InteractionPage` is the one shape of an interaction page: the HTML page and
its live refresh render it, the API serializers read it, and a snapshot
stores it as JSON (`interactions.snapshots`) and reads it back. Everything
computed for the page lives here: time spent per step, revisits
(back-navigation), the last page, answers in order, variable tables, photo
labels, and the plain-text summary agents paste into a CRM ticket. The
templates only display.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from interactions.errors import NOT_FOUND, agent_message, failure_of
from interactions.glance import (
    StopPoint,
    customer_values,
    outcome_label,
    summary_lines,
)
from interactions.interaction import Interaction, Part, PhotoRef
from interactions.page_parts import (
    PartError,
    StaleNote,
    Variable,
    VariableSetGroup,
    VariableSetView,
    variable_set_groups,
)
from interactions.revisits import final_answers
from interactions.view_model import TemplateLookup
from interactions.xplatform.schemas import FlowChoice, FlowSection


@dataclass(frozen=True)
class Option(TemplateLookup):
    label: str
    selected: bool


@dataclass(frozen=True)
class Column(TemplateLookup):
    field: str
    header: str


@dataclass(frozen=True)
class Table(TemplateLookup):
    columns: list[Column]
    rows: list[list[str]]


@dataclass(frozen=True)
class SectionPhoto(TemplateLookup):
    key: str
    file_name: str


@dataclass
class Section(TemplateLookup):
    label: str
    header: str
    footer: str
    kind: str  # "input", "choice", "table", "photos", "display"
    answers: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    multiple: bool = False
    table: Table | None = None
    photos: list[SectionPhoto] = field(default_factory=list)
    # On a page reached again by going back: the customer answered it
    # differently, and what the answer was on the visit before.
    changed: bool = False
    before: str = ""
    # On a page the customer came back to: the step where they changed this
    # answer (0: not changed later).
    changed_at: int = 0

    @property
    def photo_keys(self) -> list[str]:
        return [photo.key for photo in self.photos]


@dataclass
class Step(TemplateLookup):
    number: int
    title: str
    time: datetime | None
    spent: timedelta | None
    spent_so_far: bool  # the last page of a live flow: still being spent
    is_revisit: bool
    revisit_of: int | None
    is_last: bool
    header: str
    footer: str
    sections: list[Section]
    # The language the customer read and answered this step in ("" unknown).
    language: str = ""

    @property
    def key(self) -> str:
        return f"step-{self.number}"

    @property
    def spent_seconds(self) -> float | None:
        return self.spent.total_seconds() if self.spent is not None else None


@dataclass(frozen=True)
class Answer(TemplateLookup):
    page_title: str
    time: datetime | None
    question: str
    answer: str
    header: str = ""
    footer: str = ""
    # Answered again after going back, differently: what it was before.
    changed: bool = False
    before: str = ""
    # The language of the page it was asked on ("" unknown).
    language: str = ""


@dataclass(frozen=True)
class Photo(TemplateLookup):
    """A photo of the flow. The URLs are filled in by whoever shows the page
    (the console, the API or a stored copy); empty means nothing to load."""

    key: str
    file_name: str
    label: str
    step_number: int
    step_title: str
    time: datetime | None
    rejected: bool
    # The language of the step that uploaded it ("" unknown).
    language: str = ""
    # Where the photo loads from depends on who shows the page: not stored.
    thumb_url: str = field(default="", metadata={"stored": False})
    full_url: str = field(default="", metadata={"stored": False})


@dataclass(frozen=True)
class AccountRef(TemplateLookup):
    """The account as the page names it (no credentials, no model)."""

    slug: str
    name: str
    time_zone: str


@dataclass
class InteractionPage(TemplateLookup):
    """Everything an interaction page shows, and nothing the page cannot show."""

    unique_id: str
    flow_name: str
    account_name: str
    account_slug: str
    time_zone: str
    started_at: datetime | None
    last_activity: datetime | None
    live: bool
    data_as_of: datetime | None
    answers: list[Answer]
    answers_error: PartError | None
    steps: list[Step]
    flow_error: PartError | None
    variable_sets: list[VariableSetView]
    photos: list[Photo]
    # Made by ``with_console_url`` in the reader's language; not stored.
    summary_text: str = field(default="", metadata={"stored": False})
    # Who the customer is, from the variables the account names for it.
    customer_name: str = ""
    customer_id: str = ""
    # An interaction.Outcome value (snapshot_format fills it in for copies
    # stored before it was kept).
    outcome: str = ""
    # The language the customer went through the flow in (the last step's
    # that says one; "" unknown): the lang of their variables and name.
    language: str = ""
    # This page's address, filled in by whoever shows it: not stored.
    console_url: str = field(default="", metadata={"stored": False})
    # Parts shown from their last good copy (not stored: a stored copy shows
    # what was read, and when).
    answers_stale: StaleNote | None = field(default=None, metadata={"stored": False})
    flow_stale: StaleNote | None = field(default=None, metadata={"stored": False})

    @property
    def tz(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone or "UTC")
        except (ValueError, KeyError):
            return ZoneInfo("UTC")

    @property
    def account(self) -> AccountRef:
        return AccountRef(self.account_slug, self.account_name, self.time_zone)

    @property
    def has_photos(self) -> bool:
        return bool(self.photos)

    @property
    def shown_photos(self) -> list[Photo]:
        """The photos that can be shown (not those with an unusable path)."""
        return [photo for photo in self.photos if not photo.rejected]

    @property
    def photo_count(self) -> int:
        return len(self.shown_photos)

    @property
    def stopped(self) -> StopPoint | None:
        """Where the customer stopped, read from the steps (or, without
        them, the answers); None when neither could be read."""
        last = next((a for a in reversed(self.answers) if a.answer), None)
        if self.steps:
            step = self.steps[-1]
            for section in reversed(step.sections):
                if answer := _section_answer(section):
                    return StopPoint(
                        step.number, step.title, section.label, answer, step.language
                    )
            question, answer = (last.question, last.answer) if last else ("", "")
            return StopPoint(step.number, step.title, question, answer, step.language)
        if last is not None:
            return StopPoint(
                0, last.page_title, last.question, last.answer, last.language
            )
        return None

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.outcome, self.steps[-1].number if self.steps else 0)

    @property
    def answers_error_message(self) -> str:
        return self.answers_error.message if self.answers_error else ""

    @property
    def flow_error_message(self) -> str:
        return self.flow_error.message if self.flow_error else ""

    @property
    def variable_set_groups(self) -> list[VariableSetGroup]:
        return variable_set_groups(self.variable_sets)

    @property
    def status_unknown(self) -> bool:
        """Neither the answers nor the flow could be read: whether the
        interaction is live, and when it started, is not known."""
        return self.answers_error is not None and self.flow_error is not None

    @property
    def errors(self) -> dict[str, PartError | None]:
        """The parts that failed, by the names the API uses."""
        return {"summary": self.answers_error, "flow": self.flow_error}

    def with_photo_urls(self, url: Callable[[Photo, str], str]) -> InteractionPage:
        """A copy whose photos link to ``url(photo, "thumb" | "full")``;
        an empty URL means the photo cannot be loaded there."""
        photos = [
            dataclasses.replace(
                photo, thumb_url=url(photo, "thumb"), full_url=url(photo, "full")
            )
            for photo in self.photos
        ]
        return dataclasses.replace(self, photos=photos)

    def without_view_time(self) -> InteractionPage:
        """A copy without what changes with each view, not with the content
        ("data as of", the time so far on a live flow's last page)."""
        steps = [
            dataclasses.replace(step, spent=None) if step.spent_so_far else step
            for step in self.steps
        ]
        return dataclasses.replace(self, data_as_of=None, steps=steps)

    def with_console_url(self, url: str) -> InteractionPage:
        """A copy that knows its own address, and gives it in the summary."""
        page = dataclasses.replace(self, console_url=url)
        page.summary_text = summary_text(page)
        return page


# --------------------------------------------------------------------------
# Building the page from an Interaction
# --------------------------------------------------------------------------


def interaction_page(interaction: Interaction) -> InteractionPage:
    """The view model of a fetched interaction."""
    account = interaction.account
    account_names = account.customer_name_names()
    account_ids = account.customer_id_names()
    steps = _timeline(interaction)
    page = InteractionPage(
        unique_id=interaction.unique_id,
        flow_name=interaction.flow_name,
        account_name=account.name,
        account_slug=account.slug,
        time_zone=account.time_zone,
        started_at=interaction.started_at,
        last_activity=interaction.last_activity,
        live=interaction.is_live,
        data_as_of=interaction.fetched_at,
        answers=_answers(interaction, steps),
        answers_error=_part_error(
            interaction.summary,
            gettext("The X-Platform server has no answers for this interaction."),
        ),
        steps=steps,
        flow_error=_part_error(
            interaction.flow,
            gettext("The X-Platform server has no flow steps for this interaction."),
        ),
        variable_sets=_variable_sets(interaction),
        photos=[_photo(ref, steps) for ref in interaction.photos],
        customer_name=" ".join(customer_values(interaction, account_names)),
        customer_id=next(iter(customer_values(interaction, account_ids)), ""),
        outcome=interaction.outcome.value,
        language=next((s.language for s in reversed(steps) if s.language), ""),
        answers_stale=_stale(interaction.summary),
        flow_stale=_stale(interaction.flow),
    )
    return page


def _error(error: BaseException, message: str | None = None) -> PartError:
    failure = failure_of(error)
    return PartError(
        code=failure.code,
        message=message or agent_message(error),
        not_found=failure == NOT_FOUND,
    )


def _stale(part: Part[Any]) -> StaleNote | None:
    if part.stale_since is None or part.stale_error is None:
        return None
    return StaleNote(part.stale_since, agent_message(part.stale_error))


def _part_error(part: Part[Any], not_found_message: str) -> PartError | None:
    if part.error is None:
        return None
    return _error(part.error, not_found_message if part.not_found else None)


def _choice_label(choice: FlowChoice) -> str:
    return choice.label or choice.value or choice.reference_name


def _section(section: FlowSection, photos: list[PhotoRef]) -> Section:
    view = Section(
        label=section.label or section.reference_name,
        header=section.header_text,
        footer=section.footer_text,
        kind="display",
        multiple=(section.selection_type or "").upper().startswith("MULTI"),
    )
    paths = set(section.image_paths) | set(section.rejected_image_paths)
    if paths:
        view.kind = "photos"
        view.photos = [
            SectionPhoto(p.key, p.file_name) for p in photos if p.path in paths
        ]
    elif section.table is not None:
        view.kind = "table"
        view.table = Table(
            columns=[Column(f, h) for f, h in section.table.headers],
            rows=[list(row) for row in section.table.rows],
        )
    elif any(c.selected is not None for c in section.choices):
        view.kind = "choice"
        view.options = [
            Option(_choice_label(c), bool(c.selected)) for c in section.choices
        ]
    else:
        view.answers = [
            c.value
            for c in section.choices
            if c.kind == "textInput" or (c.kind is None and c.value)
        ]
        if view.answers:
            view.kind = "input"
    return view


def _timeline(interaction: Interaction) -> list[Step]:
    flow = interaction.flow.value
    if flow is None:
        return []
    photos = interaction.photos
    steps: list[Step] = []
    seen: dict[str, int] = {}
    last_visit: dict[str, Step] = {}
    pages = flow.pages
    for index, page in enumerate(pages):
        number = index + 1
        is_last = number == len(pages)
        identity = page.reference_name or page.title
        revisit_of = seen.get(identity)
        seen.setdefault(identity, number)
        following = pages[index + 1].timestamp if not is_last else None
        spent = None
        so_far = False
        if page.timestamp and following:
            spent = max(following - page.timestamp, timedelta(0))
        elif page.timestamp and interaction.is_live and is_last:
            spent = max(interaction.fetched_at - page.timestamp, timedelta(0))
            so_far = True
        steps.append(
            Step(
                number=number,
                title=page.title
                or page.reference_name
                or gettext("Page %(number)s") % {"number": number},
                time=page.timestamp,
                spent=spent,
                spent_so_far=so_far,
                is_revisit=revisit_of is not None,
                revisit_of=revisit_of,
                is_last=is_last,
                header=page.header_text,
                footer=page.footer_text,
                sections=[_section(s, photos) for s in page.sections],
                language=page.language,
            )
        )
        if identity in last_visit:
            _mark_changes(last_visit[identity], steps[-1])
        last_visit[identity] = steps[-1]
    return steps


def _mark_changes(earlier: Step, later: Step) -> None:
    """Mark the answers of ``later``, a page reached again by going back,
    that differ from those of its ``earlier`` visit (section by section)."""
    for before, after in zip(earlier.sections, later.sections, strict=False):
        if before.label != after.label:
            continue
        old, new = _section_value(before), _section_value(after)
        if old != new:
            after.changed, after.before = True, old
            before.changed_at = later.number


def _answers(interaction: Interaction, steps: list[Step]) -> list[Answer]:
    """Each question's final answer, in order; one answered again after going
    back is marked with what it was before. Its language is that of the step
    of the same title (the summary gives none)."""
    summary = interaction.summary.value
    if summary is None:
        return []
    languages = {step.title: step.language for step in steps if step.language}
    rows = [
        Answer(
            page_title=page.title,
            time=page.time,
            question=question.question or question.reference_name or "",
            answer=question.answer,
            header=question.header,
            footer=question.footer,
            language=languages.get(page.title, ""),
        )
        for page in summary.pages
        for question in page.questions
    ]
    keys = [((row.page_title, row.question), row.answer) for row in rows]
    return [
        dataclasses.replace(rows[f.index], changed=f.changed, before=f.before)
        for f in final_answers(keys)
    ]


def _variable_sets(interaction: Interaction) -> list[VariableSetView]:
    labels = interaction.account.variable_label_map()
    views = []
    for set_id, part in interaction.variable_sets:
        if part.value is not None:
            rows = [
                Variable(
                    v.name,
                    v.value,
                    v.is_set,
                    v.is_structured,
                    labels.get(v.name.casefold(), ""),
                )
                for v in part.value.values
            ]
            views.append(VariableSetView(set_id, rows, stale=_stale(part)))
        elif part.error is not None:
            views.append(VariableSetView(set_id, [], error=_error(part.error)))
    return views


def _section_value(section: Section) -> str:
    """What the customer answered in a section, as text ("" for nothing)."""
    files = ", ".join(photo.file_name for photo in section.photos)
    return _section_answer(section) or files


def _section_answer(section: Section) -> str:
    if section.kind == "input":
        return next((a for a in reversed(section.answers) if a), "")
    if section.kind == "choice":
        return ", ".join(o.label for o in section.options if o.selected)
    return ""


def _photo(ref: PhotoRef, steps: list[Step]) -> Photo:
    step = steps[ref.step_number - 1] if 0 < ref.step_number <= len(steps) else None
    return Photo(
        key=ref.key,
        file_name=ref.file_name,
        label=f"Step {ref.step_number}: {ref.step_title}",
        step_number=ref.step_number,
        step_title=ref.step_title,
        time=ref.time,
        rejected=ref.rejected,
        language=step.language if step is not None else "",
    )


def _when(moment: datetime | None, tz: ZoneInfo) -> str:
    if moment is None:
        return gettext("unknown time")
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def _status_note(page: InteractionPage) -> str:
    if page.status_unknown:
        return (
            " ("
            + gettext("status unknown: the X-Platform server could not be read")
            + ")"
        )
    return " (%s)" % (gettext("live") if page.live else gettext("finished"))


def _changed(row: Answer) -> str:
    if not row.changed:
        return ""
    before = row.before or gettext("no answer")
    return " (" + gettext("changed; before: %(before)s") % {"before": before} + ")"


def summary_text(page: InteractionPage) -> str:
    """A plain-text summary for pasting into a CRM ticket."""
    tz = page.tz
    # In the agent's language, like the page it is copied from.
    lines = [
        gettext("X-Platform interaction %(id)s") % {"id": page.unique_id}
        + (f": {page.flow_name}" if page.flow_name else ""),
        gettext("Account: %(name)s") % {"name": page.account_name},
        gettext("Started: %(when)s") % {"when": _when(page.started_at, tz)},
        gettext("Last activity: %(when)s") % {"when": _when(page.last_activity, tz)}
        + _status_note(page),
    ]
    lines += summary_lines(
        customer_name=page.customer_name,
        customer_id=page.customer_id,
        outcome=page.outcome_label,
        stop=page.stopped,
        console_url=page.console_url,
    )
    if page.answers:
        lines += ["", gettext("Answers:")]
        lines += [
            f"- {row.question}: {row.answer}{_changed(row)}" for row in page.answers
        ]
    for view in page.variable_sets:
        if view.rows:
            lines += ["", gettext("Variables (%(set)s):") % {"set": view.set_id}]
            lines += [
                f"- {row.name}: {row.value if row.is_set else gettext('(not set)')}"
                for row in view.rows
            ]
    photos = [p for p in page.photos if not p.rejected]
    if photos:
        lines += ["", gettext("Photos: %(count)s uploaded") % {"count": len(photos)}]
        lines += [
            f"- {p.file_name} ("
            + gettext("step %(number)s: %(title)s")
            % {"number": p.step_number, "title": p.step_title}
            + ")"
            for p in photos
        ]

    return "\n".join(lines)
