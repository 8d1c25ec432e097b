"""The stored form of an interaction page: today's version and every older one."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from interactions import upstream
from interactions.models import InteractionSnapshot, XPlatformAccount
from interactions.presenters import InteractionPage, interaction_page, summary_text
from interactions.simulator import data
from interactions.snapshot_format import (
    SCHEMA_VERSION,
    content_hash,
    page_content_hash,
    page_from_json,
    page_to_json,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _v1(name: str) -> dict[str, Any]:
    # Written by the console before the page had one view model (version 1),
    # from the simulator's interaction 040100713.
    stored: dict[str, Any] = json.loads(
        (FIXTURES / f"snapshot_v1_{name}.json").read_text()
    )
    assert stored["schema"] == 1
    return stored


def test_version_1_snapshot_reads_back_whole() -> None:
    page = page_from_json(_v1("full"))
    assert page.unique_id == "040100713"
    assert page.flow_name == "Motor Claim FNOL"
    assert page.account_name == "Acme Insurance"
    assert page.tz == ZoneInfo("America/New_York")
    assert page.started_at == datetime(2025, 6, 2, 10, 53, 41, tzinfo=UTC)
    assert page.live is False
    assert [a.question for a in page.answers][:1] == ["Policy number"]
    assert page.answers[0].answer == "AC-4418207"
    assert len(page.steps) == 9
    assert page.steps[-1].title == "Claim submitted"
    table = next(s.table for step in page.steps for s in step.sections if s.table)
    assert [c.header for c in table.columns] == ["Cover", "Limit", "Excess"]
    assert table.rows[2] == ["Windscreen", "Unlimited", "$75"]
    assert [(v.set_id, len(v.rows)) for v in page.variable_sets][:2] == [
        ("customerInfoSet", 8),
        ("claimDataSet", 6),
    ]
    assert page.photos[0].key == "a4ae1972f8c0d5fa154d"
    assert page.photos[0].label == "Step 6: Photos of the damage"
    # The summary it kept is not read: it is made again when shown.
    assert page.summary_text == ""
    assert summary_text(page).startswith("X-Platform interaction 040100713")
    assert page.answers_error is None
    assert page.flow_error is None


def test_version_1_part_errors_become_messages_without_a_code() -> None:
    page = page_from_json(_v1("degraded"))
    assert page.answers_error is not None
    assert page.answers_error.code == ""
    assert "HTTP 503" in page.answers_error.message
    errors = [view.error for view in page.variable_sets]
    assert all(e is not None and "HTTP 500" in e.message for e in errors)
    assert len(page.steps) == 9  # the flow itself was read


def test_version_1_reads_the_same_as_the_page_built_today(
    sim_accounts: dict[str, XPlatformAccount],
) -> None:
    # What version 1 kept, read back, matches today's page of the same
    # interaction, apart from what version 1 did not keep.
    interaction = upstream.interaction_fetch(
        account=sim_accounts["acme"], unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    today = interaction_page(interaction)
    old = page_from_json(_v1("full"))
    # The summary made from the copy is the one it stored, and today's,
    # without the at-a-glance lines added since.
    glance = ("Customer: ", "Outcome: ", "Stopped at: ")

    def without_glance(page: InteractionPage) -> str:
        lines = summary_text(page).splitlines()
        return "\n".join(x for x in lines if not x.startswith(glance))

    assert without_glance(old) == _v1("full")["summary_text"]
    assert without_glance(today) == without_glance(old)
    # Version 1 did not keep the language the X-Platform gave.
    assert old.photos == [dataclasses.replace(p, language="") for p in today.photos]
    assert old.language == ""

    def sets(page: InteractionPage) -> list[tuple[Any, ...]]:
        # Version 1 kept the message of a failed set, not its code.
        return [
            (v.set_id, v.rows, v.not_found, v.error and v.error.message)
            for v in page.variable_sets
        ]

    assert sets(old) == sets(today)
    assert [(a.question, a.answer) for a in old.answers] == [
        (a.question, a.answer) for a in today.answers
    ]
    assert [s.title for s in old.steps] == [s.title for s in today.steps]


def test_current_version_round_trips(sim_accounts: dict[str, XPlatformAccount]) -> None:
    interaction = upstream.interaction_fetch(
        account=sim_accounts["acme"], unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    page = interaction_page(interaction)
    stored = json.loads(json.dumps(page_to_json(page)))
    assert stored["schema"] == SCHEMA_VERSION
    assert page_from_json(stored) == page


@pytest.mark.parametrize(("live", "outcome"), [(True, "live"), (False, "finished")])
def test_version_2_without_the_glance_fields_reads_them_as_empty(
    sim_accounts: dict[str, XPlatformAccount], live: bool, outcome: str
) -> None:
    # Stored before the at-a-glance strip: no customer, no outcome.
    interaction = upstream.interaction_fetch(
        account=sim_accounts["acme"], unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    stored = page_to_json(interaction_page(interaction))
    for name in ("customer_name", "customer_id", "outcome"):
        del stored[name]
    page = page_from_json({**stored, "live": live})
    assert (page.customer_name, page.customer_id) == ("", "")
    # Only live or not was known: "finished" covers completed and abandoned.
    assert page.outcome == outcome
    assert page.outcome_label == ("Live on step 9" if live else "Finished")
    # Where the customer stopped is read from the stored steps.
    assert page.stopped is not None
    assert (page.stopped.step_number, page.stopped.step_title) == (9, "Claim submitted")


def test_version_1_without_flow_or_answers_reads_its_outcome_as_unknown() -> None:
    stored = _v1("degraded")
    stored["flow_error"] = "The X-Platform server reported an error (HTTP 503)."
    page = page_from_json(stored)
    assert page.status_unknown
    assert page.outcome == "unknown"


def test_broken_stored_data_reads_as_empty_values() -> None:
    page = page_from_json(
        {
            "header": {"started_at": "2026-03-10T04:30:00+00:00", "time_zone": "Nope"},
            "steps": [{"number": 1, "time": "garbage", "spent_seconds": 65}, "x"],
            "photos": [{"key": "k" * 20, "label": "Step 1: Photo", "step_number": "1"}],
            "variable_sets": "not a list",
        }
    )
    assert page.started_at == datetime(2026, 3, 10, 4, 30, tzinfo=UTC)
    assert page.tz == ZoneInfo("UTC")  # an unknown zone falls back to UTC
    assert page.steps[0].time is None
    assert page.steps[0].spent == timedelta(seconds=65)
    assert len(page.steps) == 1
    assert page.photos[0].step_number == 0
    assert page.variable_sets == []
    assert page_from_json(None).unique_id == ""


def test_volatile_parts_do_not_change_the_hash() -> None:
    stored = page_to_json(page_from_json(_v1("full")))
    moved = {**stored, "data_as_of": "2030-01-01T00:00:00+00:00"}
    assert content_hash(moved) == content_hash(stored)
    answered = dataclasses.replace(page_from_json(stored), answers=[])
    assert content_hash(page_to_json(answered)) != content_hash(stored)


def test_the_remembered_hash_is_the_hash_of_the_page_as_it_is_now() -> None:
    page = page_from_json(page_to_json(page_from_json(_v1("full"))))
    page.steps[-1].spent_so_far = True
    page.steps[-1].spent = timedelta(seconds=30)
    digest, data = page_content_hash(page)
    assert data == page_to_json(page)
    assert digest == content_hash(data)
    # Again, or at a later moment of the same content: from the memo.
    later = dataclasses.replace(page, data_as_of=datetime(2030, 1, 1, tzinfo=UTC))
    moved_on = dataclasses.replace(page.steps[-1], spent=timedelta(seconds=70))
    later.steps = [*page.steps[:-1], moved_on]
    assert page_content_hash(later) == (digest, None)
    # Changed in place, or a copy with other content: hashed anew.
    page.steps[0].title = "Another title"
    changed, data = page_content_hash(page)
    assert data is not None
    assert data["steps"][0]["title"] == "Another title"
    assert changed == content_hash(page_to_json(page)) != digest


def test_version_1_snapshot_opens_on_the_review_page_and_in_the_api(
    supervisor_client: Client, home: XPlatformAccount
) -> None:
    snapshot = InteractionSnapshot.objects.create(
        account=home,
        interaction_id="040100713",
        content_hash="1" * 64,
        flow_name="Motor Claim FNOL",
        data=_v1("degraded"),
    )
    page = supervisor_client.get(
        reverse("interactions:review-snapshot", args=[snapshot.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "Answers were unavailable: The X-Platform server reported an error (HTTP 503)"
        in html
    )
    assert "Claim submitted" in html
    assert "data-retry" not in html  # a stored copy offers nothing to retry
    api = supervisor_client.get(f"/api/v1/snapshots/{snapshot.pk}").json()
    assert api["answers"] == []
    assert api["answers_error"].startswith("The X-Platform server reported an error")
    assert api["steps"][0]["title"] == "Report a car accident"
    assert api["variable_sets"][0]["error"]["code"] == ""
    assert api["photos"][0]["thumbnail_url"] is None


def test_a_failures_words_are_left_out_of_the_hash_but_not_its_code() -> None:
    def stored(code: str, message: str) -> dict[str, Any]:
        error = {"code": code, "message": message, "not_found": False}
        return {
            "schema": 2,
            "steps": [],
            "answers_error": error,
            "flow_error": None,
            "variable_sets": [{"set_id": "claimDataSet", "rows": [], "error": error}],
        }

    words = "The X-Platform took too long."
    said = content_hash(stored("upstream_timeout", words))
    # The same failure said in Spanish is the same content.
    in_spanish = "El servidor de X-Platform tardó demasiado."
    assert content_hash(stored("upstream_timeout", in_spanish)) == said
    assert content_hash(stored("upstream_error", words)) != said
    # A copy kept before codes were: its words are all it has.
    assert content_hash(stored("", "HTTP 503")) != content_hash(stored("", "HTTP 500"))
