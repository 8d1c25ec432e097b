"""Less noise on the interaction page: answers changed after going back,
variable rows and sets that do not apply, readable variable labels
(interactions.presenters with revisits and page_parts)."""

from __future__ import annotations

import pytest

from interactions import upstream
from interactions.models import XPlatformAccount
from interactions.page_parts import PartError, Variable, VariableSetView
from interactions.presenters import InteractionPage, interaction_page, summary_text
from interactions.revisits import Final, final_answers
from interactions.simulator import data

DAMAGE = "Which parts of the car are damaged?"
PHOTOS = "Upload photos of the damage"


def _page(account: XPlatformAccount, unique_id: str) -> InteractionPage:
    return interaction_page(
        upstream.interaction_fetch(account=account, unique_id=unique_id)
    )


@pytest.fixture
def acme(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["acme"]


# --- which answers are final ---------------------------------------------------


def test_a_question_answered_once_is_final_and_unchanged() -> None:
    assert final_answers([("q1", "a"), ("q2", "b")]) == [
        Final(0, False, ""),
        Final(1, False, ""),
    ]


def test_the_last_answer_is_final_and_names_the_one_it_replaced() -> None:
    entries = [("q1", "a"), ("q2", "b"), ("q1", "c"), ("q3", "d")]
    assert final_answers(entries) == [
        Final(1, False, ""),
        Final(2, True, "a"),
        Final(3, False, ""),
    ]


def test_the_same_answer_given_again_is_not_a_change() -> None:
    assert final_answers([("q", "a"), ("q", "a")]) == [Final(1, False, "")]


def test_back_and_forth_names_the_latest_answer_that_differed() -> None:
    entries = [("q", "a"), ("q", "b"), ("q", "a")]
    assert final_answers(entries) == [Final(2, True, "b")]


def test_an_answer_given_only_on_return_was_empty_before() -> None:
    assert final_answers([("q", ""), ("q", "x")]) == [Final(1, True, "")]


# --- the back-navigation interaction ---------------------------------------------


def test_answers_list_each_question_once_with_its_final_answer(acme) -> None:
    page = _page(acme, data.BACK_NAVIGATION_UNIQUE_ID)
    questions = [a.question for a in page.answers]
    assert questions.count(DAMAGE) == 1
    assert questions.count(PHOTOS) == 1
    damage = next(a for a in page.answers if a.question == DAMAGE)
    assert (damage.answer, damage.changed, damage.before) == (
        "Rear bumper, Left door",
        True,
        "Rear bumper",
    )
    photos = next(a for a in page.answers if a.question == PHOTOS)
    assert (photos.changed, photos.before) == (True, "")
    assert [a.question for a in page.answers if a.changed] == [DAMAGE, PHOTOS]


def test_timeline_marks_the_changed_answer_on_the_revisit(acme) -> None:
    page = _page(acme, data.BACK_NAVIGATION_UNIQUE_ID)
    first, again = page.steps[4], page.steps[6]
    assert (again.is_revisit, again.revisit_of) == (True, first.number)
    (section,) = again.sections
    assert (section.changed, section.before) == (True, "Rear bumper")
    # The first visit points to where it changed, and is not itself changed.
    assert (first.sections[0].changed, first.sections[0].changed_at) == (False, 7)
    # Photos: none on the first visit, one on the return.
    (photos,) = page.steps[7].sections
    assert (photos.changed, photos.before) == (True, "")
    assert page.steps[5].sections[0].changed_at == 8


def test_pages_visited_once_are_not_marked(acme) -> None:
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    assert not any(a.changed for a in page.answers)
    sections = [s for step in page.steps for s in step.sections]
    assert not any(s.changed or s.changed_at for s in sections)


def test_summary_says_what_the_answer_was_before(acme) -> None:
    lines = summary_text(_page(acme, data.BACK_NAVIGATION_UNIQUE_ID)).splitlines()
    assert f"- {DAMAGE}: Rear bumper, Left door (changed; before: Rear bumper)" in lines
    assert f"- {PHOTOS}: 20250530_174455.jpg (changed; before: no answer)" in lines


# --- variable sets folded --------------------------------------------------------


def _row(name: str, value: str = "") -> Variable:
    return Variable(name, value, bool(value), False)


def test_set_rows_and_not_set_rows_are_apart() -> None:
    view = VariableSetView("s", [_row("a", "1"), _row("b"), _row("c", "3")])
    assert [r.name for r in view.set_rows] == ["a", "c"]
    assert [r.name for r in view.unset_rows] == ["b"]
    assert view.all_unset is False


def test_a_set_with_nothing_set_is_folded_whole() -> None:
    assert VariableSetView("s", [_row("a"), _row("b")]).all_unset is True


@pytest.mark.parametrize(
    "view",
    [
        VariableSetView("s", []),
        VariableSetView("s", [], error=PartError("upstream_timeout", "Timed out")),
    ],
)
def test_an_empty_or_failed_set_is_not_folded(view) -> None:
    assert view.all_unset is False


def test_live_interactions_routing_set_has_nothing_set_yet(sim_accounts) -> None:
    page = _page(sim_accounts["northwind"], data.LIVE_UNIQUE_ID)
    sets = {view.set_id: view for view in page.variable_sets}
    assert sets["routingDataSet"].all_unset is True
    assert len(sets["deviceInfoSet"].unset_rows) == 3
    assert sets["billingDataSet"].error is not None  # still shows its error


# --- labels ----------------------------------------------------------------------


def test_variables_without_a_label_read_as_words(acme) -> None:
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    routing = next(v for v in page.variable_sets if v.set_id == "routingDataSet")
    row = next(r for r in routing.rows if r.name == "callbackRequested")
    assert row.label == ""
    assert row.shown_label == "Callback requested"


def test_the_accounts_labels_name_the_variables(acme) -> None:
    acme.variable_labels = "CALLBACKREQUESTED = Customer wants a call"
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    rows = [r for view in page.variable_sets for r in view.rows]
    labelled = {r.name: r.shown_label for r in rows}
    assert labelled["callbackRequested"] == "Customer wants a call"
    assert labelled["agentSkill"] == "Agent skill"
    # The summary pasted into a CRM keeps the names the flow uses.
    assert "- callbackRequested: Call me back" in summary_text(page)
