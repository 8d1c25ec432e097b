"""The interaction page at a glance: who the customer is, how the
interaction stands, and where the customer stopped.

Plain functions of an `Interaction` and of plain values, used by
`interactions.presenters` to fill the strip at the top of the page and the
lines it adds to the summary agents paste into a CRM ticket.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from interactions.interaction import Interaction, Outcome
from interactions.view_model import TemplateLookup


@dataclass(frozen=True)
class StopPoint(TemplateLookup):
    """Where the customer stopped: the last step reached, and the last answer
    they gave (on that step if it asked something, else the one before)."""

    step_number: int  # 0 when the steps could not be read: nothing to jump to
    step_title: str
    question: str
    answer: str
    language: str = ""  # of the step's text ("" unknown)

    @property
    def key(self) -> str:
        """The id of the step's element on the page (presenters.Step.key)."""
        return f"step-{self.step_number}" if self.step_number else ""


def customer_values(interaction: Interaction, names: list[str]) -> list[str]:
    """The values of the variables ``names`` (Interaction.variable_values)."""
    return interaction.variable_values(names)


_OUTCOME_LABELS: dict[str, str] = {
    Outcome.LIVE: gettext_noop("Live"),
    Outcome.COMPLETED: gettext_noop("Completed"),
    Outcome.ABANDONED: gettext_noop("Abandoned"),
    Outcome.UNKNOWN: gettext_noop("Unknown"),
}


def outcome_label(outcome: str, step_number: int) -> str:
    """Completed, Abandoned at step N, Live on step N; Finished or Unknown
    when the flow could not tell. ``step_number`` is the last step's (0:
    none)."""
    if outcome == Outcome.LIVE and step_number:
        return gettext("Live on step %(number)s") % {"number": step_number}
    if outcome == Outcome.ABANDONED and step_number:
        return gettext("Abandoned at step %(number)s") % {"number": step_number}
    # Only the one label shown is translated (several per page).
    return gettext(_OUTCOME_LABELS.get(outcome, gettext_noop("Finished")))


def summary_lines(
    *,
    customer_name: str,
    customer_id: str,
    outcome: str,
    stop: StopPoint | None,
    console_url: str,
) -> list[str]:
    """The summary's lines about the glance strip, and the page's link."""
    lines = []
    if customer_name or customer_id:
        who = customer_name or gettext("(name not known)")
        if customer_id:
            who += " " + gettext("(ID %(id)s)") % {"id": customer_id}
        lines.append(gettext("Customer: %(who)s") % {"who": who})
    lines.append(gettext("Outcome: %(outcome)s") % {"outcome": outcome})
    if stop is not None:
        where = stop.step_title
        if stop.step_number:
            where = gettext("step %(number)s, %(title)s") % {
                "number": stop.step_number,
                "title": stop.step_title,
            }
        line = gettext("Stopped at: %(where)s") % {"where": where}
        if stop.answer:
            answer = f"{stop.question}: {stop.answer}" if stop.question else stop.answer
            line += "; " + gettext("last answer: %(answer)s") % {"answer": answer}
        lines.append(line)
    if console_url:
        lines.append(gettext("Console: %(url)s") % {"url": console_url})
    return lines
