"""What a live refresh has that the agent's page did not: the sentences its
live region announces ("New step 8: Back of the router", "New photo",
"Customer finished"), and nothing else.

The page tells each refresh what it shows (``Seen``: how many steps and
photos, and the outcome, as query parameters: counts, never customer data),
and the refresh answers with what it shows now and the news between the two.
The sections themselves are rendered from the page alone and shared between
viewers (interactions/section_cache.py); the news depends on the viewer's own
page, so it travels beside them in the refresh's JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext, ngettext

from interactions.interaction import Outcome
from interactions.presenters import InteractionPage, Step

# More new steps than this at once (a page left in a background tab) are
# summed up in one sentence, not read out one by one.
MAX_STEPS_READ = 3
_ENDED = {Outcome.COMPLETED, Outcome.ABANDONED, Outcome.FINISHED}
_OUTCOMES = {str(outcome) for outcome in Outcome}


@dataclass(frozen=True)
class Seen:
    """What one page shows: its step and photo counts and its outcome."""

    steps: int
    photos: int
    outcome: str

    @classmethod
    def of(cls, page: InteractionPage, before: Seen | None = None) -> Seen:
        """What ``page`` shows. A flow that could not be read has no steps
        or photos to count: the counts seen before are kept, so that the
        next good read does not announce every step again."""
        if page.flow_error is not None and before is not None:
            return cls(before.steps, before.photos, page.outcome)
        return cls(len(page.steps), page.photo_count, page.outcome)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Seen | None:
        """The page's ``steps``, ``photos`` and ``outcome`` parameters;
        None when any is missing or not one the page can have sent."""
        steps, photos = query.get("steps", ""), query.get("photos", "")
        outcome = query.get("outcome", "")
        if not (steps.isdigit() and photos.isdigit()) or outcome not in _OUTCOMES:
            return None
        if len(steps) > 6 or len(photos) > 6:
            return None
        return cls(int(steps), int(photos), outcome)


def news(page: InteractionPage, before: Seen | None) -> list[str]:
    """The sentences to announce: new steps, new photos, the end of the
    interaction, in that order; none without a ``before`` to compare with."""
    if before is None:
        return []
    now = Seen.of(page, before)
    sentences = []
    if now.steps > before.steps:
        sentences.extend(_steps(page.steps[before.steps :]))
    if now.photos > before.photos:
        count = now.photos - before.photos
        sentences.append(
            ngettext("New photo", "%(count)s new photos", count) % {"count": count}
        )
    if before.outcome == Outcome.LIVE and now.outcome in _ENDED:
        sentences.append(_ending(page))
    return sentences


def _steps(new: list[Step]) -> list[str]:
    if len(new) > MAX_STEPS_READ:
        last = new[-1]
        return [
            gettext("%(count)s new steps, the last step %(number)s: %(title)s")
            % {"count": len(new), "number": last.number, "title": last.title}
        ]
    return [
        gettext("New step %(number)s: %(title)s")
        % {"number": step.number, "title": step.title}
        for step in new
    ]


def _ending(page: InteractionPage) -> str:
    if page.outcome == Outcome.ABANDONED and page.steps:
        return gettext("Customer stopped at step %(number)s") % {
            "number": page.steps[-1].number
        }
    return gettext("Customer finished")


def refresh_news(page: InteractionPage, query: Mapping[str, str]) -> dict[str, Any]:
    """The part of a live refresh's JSON that is the viewer's own: what the
    page will show (``seen``) and the sentences to announce (``news``)."""
    before = Seen.from_query(query)
    return {"seen": asdict(Seen.of(page, before)), "news": news(page, before)}
