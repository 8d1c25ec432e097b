"""Parts of the interaction page's view model (`presenters.InteractionPage`)
that stand on their own: why a part is missing or stale, and the variable
sets with their rows, groups and folding.

Kept apart from `interactions.presenters` only for size; the page imports
them from there, and snapshots store them as its fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from interactions.variable_labels import readable_name
from interactions.view_model import TemplateLookup


@dataclass(frozen=True)
class PartError(TemplateLookup):
    """Why one part of the page is missing, in plain words.

    ``code`` is the failure's API code (interactions.errors); snapshots
    stored before codes were kept have an empty code.
    """

    code: str
    message: str
    not_found: bool = False


@dataclass(frozen=True)
class StaleNote(TemplateLookup):
    """A part shown from its last good copy because reading it again failed."""

    since: datetime
    message: str


@dataclass(frozen=True)
class Variable(TemplateLookup):
    name: str
    value: str
    is_set: bool
    is_structured: bool
    # The account admin's label for the name, or one read from it; copies
    # stored before labels were kept read it as empty (see shown_label).
    label: str = ""

    @property
    def shown_label(self) -> str:
        return self.label or readable_name(self.name)


@dataclass
class VariableSetView(TemplateLookup):
    set_id: str
    rows: list[Variable]
    error: PartError | None = None
    # What is stale depends on when the page is shown: not stored.
    stale: StaleNote | None = field(default=None, metadata={"stored": False})

    @property
    def not_found(self) -> bool:
        return self.error is not None and self.error.not_found

    @property
    def set_rows(self) -> list[Variable]:
        """The rows that hold a value, shown."""
        return [row for row in self.rows if row.is_set]

    @property
    def unset_rows(self) -> list[Variable]:
        """The rows not set, folded away: they do not apply to this flow."""
        return [row for row in self.rows if not row.is_set]

    @property
    def all_unset(self) -> bool:
        """A set read without error whose every variable is not set: folded
        away whole."""
        return self.error is None and bool(self.rows) and not self.set_rows


@dataclass(frozen=True)
class VariableSetGroup(TemplateLookup):
    """Variable sets shown as one block: a single set, or several sets that
    failed the same way (one error naming them all, not the same error
    repeated for each)."""

    sets: list[VariableSetView]

    @property
    def merged(self) -> bool:
        return len(self.sets) > 1

    @property
    def first(self) -> VariableSetView:
        return self.sets[0]

    @property
    def set_ids(self) -> list[str]:
        return [view.set_id for view in self.sets]


def variable_set_groups(views: list[VariableSetView]) -> list[VariableSetGroup]:
    """The sets in order; failed sets with the same error join the block of
    the first of them."""
    groups: list[VariableSetGroup] = []
    by_error: dict[PartError, VariableSetGroup] = {}
    for view in views:
        if view.error is None:
            groups.append(VariableSetGroup([view]))
        elif view.error in by_error:
            by_error[view.error].sets.append(view)
        else:
            by_error[view.error] = VariableSetGroup([view])
            groups.append(by_error[view.error])
    return groups
