"""Turn an Interaction into what the templates show. Templates only display.

Everything computed for the page lives here: time spent per step, revisits
(back-navigation), the last page, answers in order, variable tables, photo
labels, and the plain-text summary agents paste into a CRM ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from interactions.errors import agent_message
from interactions.interaction import Interaction, PhotoRef
from interactions.xplatform.schemas import (
    CollectionTable,
    FlowChoice,
    FlowSection,
    SummaryPage,
    VariableValue,
)


@dataclass(frozen=True)
class Option:
    label: str
    selected: bool


@dataclass
class SectionView:
    label: str
    header: str
    footer: str
    kind: str  # "input", "choice", "table", "photos", "display"
    answers: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    multiple: bool = False
    table: CollectionTable | None = None
    photos: list[PhotoRef] = field(default_factory=list)


@dataclass
class StepView:
    number: int
    title: str
    time: datetime | None
    spent: timedelta | None
    is_revisit: bool
    revisit_of: int | None
    is_last: bool
    header: str
    footer: str
    sections: list[SectionView]

    @property
    def key(self) -> str:
        return f"step-{self.number}"


@dataclass(frozen=True)
class AnswerView:
    page_title: str
    time: datetime | None
    question: str
    answer: str
    header: str
    footer: str


@dataclass
class VariableSetView:
    set_id: str
    rows: list[VariableValue]
    error: str = ""
    not_found: bool = False


@dataclass
class PhotoView:
    ref: PhotoRef
    thumb_url: str
    full_url: str
    label: str


def _choice_label(choice: FlowChoice) -> str:
    return choice.label or choice.value or choice.reference_name


def _section_view(section: FlowSection, photos: list[PhotoRef]) -> SectionView:
    view = SectionView(
        label=section.label or section.reference_name,
        header=section.header_text,
        footer=section.footer_text,
        kind="display",
        multiple=(section.selection_type or "").upper().startswith("MULTI"),
    )
    paths = set(section.image_paths) | set(section.rejected_image_paths)
    if paths:
        view.kind = "photos"
        view.photos = [p for p in photos if p.path in paths]
        return view
    if section.table is not None:
        view.kind = "table"
        view.table = section.table
        return view
    if any(c.selected is not None for c in section.choices):
        view.kind = "choice"
        view.options = [
            Option(_choice_label(c), bool(c.selected)) for c in section.choices
        ]
        return view
    inputs = [
        c.value
        for c in section.choices
        if c.kind == "textInput" or (c.kind is None and c.value)
    ]
    if inputs:
        view.kind = "input"
        view.answers = inputs
    return view


def timeline(interaction: Interaction) -> list[StepView]:
    flow = interaction.flow.value
    if flow is None:
        return []
    photos = interaction.photos
    steps: list[StepView] = []
    seen: dict[str, int] = {}
    pages = flow.pages
    for index, page in enumerate(pages):
        number = index + 1
        identity = page.reference_name or page.title
        revisit_of = seen.get(identity)
        seen.setdefault(identity, number)
        following = pages[index + 1].timestamp if index + 1 < len(pages) else None
        spent = None
        if page.timestamp and following:
            spent = max(following - page.timestamp, timedelta(0))
        elif page.timestamp and interaction.is_live and index + 1 == len(pages):
            spent = max(interaction.fetched_at - page.timestamp, timedelta(0))
        steps.append(
            StepView(
                number=number,
                title=page.title or page.reference_name or f"Page {number}",
                time=page.timestamp,
                spent=spent,
                is_revisit=revisit_of is not None,
                revisit_of=revisit_of,
                is_last=index + 1 == len(pages),
                header=page.header_text,
                footer=page.footer_text,
                sections=[_section_view(s, photos) for s in page.sections],
            )
        )
    return steps


def answers(interaction: Interaction) -> list[AnswerView]:
    summary = interaction.summary.value
    if summary is None:
        return []
    rows: list[AnswerView] = []
    page: SummaryPage
    for page in summary.pages:
        for question in page.questions:
            rows.append(
                AnswerView(
                    page_title=page.title,
                    time=page.time,
                    question=question.question or question.reference_name or "",
                    answer=question.answer,
                    header=question.header,
                    footer=question.footer,
                )
            )
    return rows


def variable_sets(interaction: Interaction) -> list[VariableSetView]:
    views = []
    for set_id, part in interaction.variable_sets:
        if part.value is not None:
            views.append(VariableSetView(set_id, list(part.value.values)))
        elif part.error is not None:
            views.append(
                VariableSetView(
                    set_id,
                    [],
                    error=agent_message(part.error),
                    not_found=part.not_found,
                )
            )
    return views


def photo_views(interaction: Interaction) -> list[PhotoView]:
    views = []
    slug = interaction.account.slug
    for ref in interaction.photos:
        args = [slug, interaction.unique_id, ref.key]
        label = f"Step {ref.step_number}: {ref.step_title}"
        views.append(
            PhotoView(
                ref=ref,
                thumb_url=reverse("interactions:photo", args=[*args, "thumb"]),
                full_url=reverse("interactions:photo", args=[*args, "full"]),
                label=label,
            )
        )
    return views


def _when(moment: datetime | None, tz: ZoneInfo) -> str:
    if moment is None:
        return "unknown time"
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def summary_text(interaction: Interaction) -> str:
    """A plain-text summary for pasting into a CRM ticket."""
    tz = interaction.account.tz()
    lines = [
        f"X-Platform interaction {interaction.unique_id}"
        + (f": {interaction.flow_name}" if interaction.flow_name else ""),
        f"Account: {interaction.account.name}",
        f"Started: {_when(interaction.started_at, tz)}",
        f"Last activity: {_when(interaction.last_activity, tz)}"
        + (" (live)" if interaction.is_live else " (finished)"),
    ]
    rows = answers(interaction)
    if rows:
        lines += ["", "Answers:"]
        lines += [f"- {row.question}: {row.answer}" for row in rows]
    for view in variable_sets(interaction):
        if view.rows:
            lines += ["", f"Variables ({view.set_id}):"]
            lines += [
                f"- {row.name}: {row.value if row.is_set else '(not set)'}"
                for row in view.rows
            ]
    photos = [p for p in interaction.photos if not p.rejected]
    if photos:
        lines += ["", f"Photos: {len(photos)} uploaded"]
        lines += [
            f"- {p.file_name} (step {p.step_number}: {p.step_title})" for p in photos
        ]
    return "\n".join(lines)


def part_error(interaction: Interaction, name: str) -> str:
    part = interaction.summary if name == "summary" else interaction.flow
    if part.error is None:
        return ""
    if part.not_found:
        if name == "summary":
            return "The X-Platform server has no answers for this interaction."
        return "The X-Platform server has no flow steps for this interaction."
    return agent_message(part.error)
