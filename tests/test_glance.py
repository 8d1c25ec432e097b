"""The interaction page at a glance: the customer, the outcome, where the
customer stopped, and the summary lines they add (interactions.glance and
the fields of presenters.InteractionPage that use it)."""

from __future__ import annotations

import dataclasses

import pytest

from interactions import upstream
from interactions.glance import StopPoint, outcome_label, summary_lines
from interactions.models import XPlatformAccount
from interactions.presenters import InteractionPage, interaction_page, summary_text
from interactions.simulator import data


def _page(account: XPlatformAccount, unique_id: str) -> InteractionPage:
    return interaction_page(
        upstream.interaction_fetch(account=account, unique_id=unique_id)
    )


@pytest.fixture
def acme(sim_accounts: dict[str, XPlatformAccount]) -> XPlatformAccount:
    return sim_accounts["acme"]


# --- the customer ----------------------------------------------------------------


def test_customer_comes_from_the_accounts_default_variables(acme) -> None:
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    assert (page.customer_name, page.customer_id) == ("Zoë Ångström", "AC-88213")


def test_customer_variables_are_chosen_per_account(acme) -> None:
    # The ID: the first of the named variables that is set, in the admin's order.
    acme.customer_name_variables = "LASTNAME"  # names match whatever their case
    acme.customer_id_variables = "noSuchVariable,policyNumber,customerId"
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    assert (page.customer_name, page.customer_id) == ("Ångström", "AC-4418207")


def test_customer_is_empty_when_the_variables_are_not_there(acme) -> None:
    acme.customer_name_variables = ""
    acme.customer_id_variables = "noSuchVariable"
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    assert (page.customer_name, page.customer_id) == ("", "")
    assert not any(
        line.startswith("Customer:") for line in summary_text(page).split("\n")
    )


def test_account_lists_are_cleaned_and_validated(acme) -> None:
    acme.customer_name_variables = " firstName , lastName "
    acme.full_clean()
    assert acme.customer_name_variables == "firstName,lastName"
    acme.customer_id_variables = "customer id"
    with pytest.raises(Exception, match="variable names separated by commas"):
        acme.full_clean()


# --- the outcome and where the customer stopped ------------------------------------


def test_completed_flow_stops_on_its_end_page_with_the_last_answer(acme) -> None:
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    assert page.outcome == "completed"
    assert page.outcome_label == "Completed"
    # The end page asks nothing: the last answer is the one before it.
    assert page.stopped == StopPoint(
        9, "Claim submitted", "Your phone number", "2125550100", "en"
    )
    assert page.stopped.key == "step-9" == page.steps[-1].key


def test_quiet_flow_was_abandoned_on_its_last_step_with_that_steps_answer(
    sim_accounts,
) -> None:
    # Without the live clock the simulator's live interaction went quiet
    # long ago, on a question page.
    page = _page(sim_accounts["northwind"], data.LIVE_UNIQUE_ID)
    assert page.outcome == "abandoned"
    assert page.outcome_label == "Abandoned at step 3"
    assert page.stopped == StopPoint(
        3, "Check the lights", "Which lights are on?", "Power", "en"
    )


def test_without_steps_the_answers_tell_where_the_customer_stopped(acme) -> None:
    page = dataclasses.replace(_page(acme, data.LEADING_ZERO_UNIQUE_ID), steps=[])
    stop = page.stopped
    assert stop is not None
    assert (stop.step_number, stop.key) == (0, "")  # nothing to jump to
    assert (stop.question, stop.answer) == ("Your phone number", "2125550100")
    assert dataclasses.replace(page, answers=[]).stopped is None


def test_photo_count_leaves_out_rejected_photos(acme) -> None:
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    assert page.photo_count == 2
    rejected = dataclasses.replace(page.photos[0], rejected=True)
    page = dataclasses.replace(page, photos=[rejected, page.photos[1]])
    assert page.photo_count == 1
    assert page.shown_photos == [page.photos[1]]


@pytest.mark.parametrize(
    ("outcome", "step", "label"),
    [
        ("live", 4, "Live on step 4"),
        ("abandoned", 7, "Abandoned at step 7"),
        ("completed", 9, "Completed"),
        ("finished", 9, "Finished"),
        ("unknown", 0, "Unknown"),
        ("live", 0, "Live"),
        ("abandoned", 0, "Abandoned"),
        ("", 3, "Finished"),
    ],
)
def test_outcome_labels(outcome, step, label) -> None:
    assert outcome_label(outcome, step) == label


# --- the summary ------------------------------------------------------------------


def test_summary_gives_the_customer_outcome_stop_and_console_link(acme) -> None:
    page = _page(acme, data.LEADING_ZERO_UNIQUE_ID)
    assert page.summary_text == ""  # made when the page is shown
    assert "Console:" not in summary_text(page)  # no address known yet
    url = "https://console.example.com/a/sim-acme/i/040100713/"
    linked = page.with_console_url(url)
    lines = linked.summary_text.split("\n")
    assert lines[4:8] == [
        "Customer: Zoë Ångström (ID AC-88213)",
        "Outcome: Completed",
        "Stopped at: step 9, Claim submitted; "
        "last answer: Your phone number: 2125550100",
        f"Console: {url}",
    ]
    assert linked.console_url == url
    assert page.console_url == ""  # a copy: the page itself is unchanged


def test_summary_lines_without_a_name_or_a_step() -> None:
    lines = summary_lines(
        customer_name="",
        customer_id="NW-1",
        outcome="Finished",
        stop=StopPoint(0, "Your router", "", "Yes"),
        console_url="",
    )
    assert lines == [
        "Customer: (name not known) (ID NW-1)",
        "Outcome: Finished",
        "Stopped at: Your router; last answer: Yes",
    ]
