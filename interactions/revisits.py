"""Answers the customer changed after going back in the flow.

When the customer goes back to a page and answers again, the summary lists
both answers and the flow both visits. The page shows the final answer once,
marked with what it was before; these plain functions tell which entries
are final and what each replaced. `interactions.presenters` applies them to
the answers list and to the timeline.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Final:
    """An entry that holds a question's final answer."""

    index: int  # its place in the entries given
    changed: bool  # an earlier answer to the same question differed
    before: str  # that earlier answer (the last one that differed; "" for none)


def final_answers(entries: Sequence[tuple[Hashable, str]]) -> list[Final]:
    """The last entry of each question, in the order given, from entries of
    (question, answer). A question answered again with the same answer is
    not changed; one answered differently names the answer it replaced (the
    latest earlier answer that differs: A, B, A was "B" before)."""
    by_question: dict[Hashable, list[int]] = {}
    for index, (question, _) in enumerate(entries):
        by_question.setdefault(question, []).append(index)
    finals = []
    for indexes in by_question.values():
        last = indexes[-1]
        answer = entries[last][1]
        earlier = [entries[i][1] for i in indexes[:-1] if entries[i][1] != answer]
        finals.append(Final(last, bool(earlier), earlier[-1] if earlier else ""))
    return sorted(finals, key=lambda final: final.index)
