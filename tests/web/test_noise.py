"""Less noise on the interaction page, through Django's test client and the
simulator: changed answers marked, "not set" rows folded, variables labelled;
the same on a stored copy, old or new, and in the API."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from interactions.models import AccountAssignment, InteractionSnapshot
from interactions.simulator import data


@pytest.fixture
def home(sim_accounts):
    return sim_accounts["acme"]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _detail(client: Client, unique_id: str, slug: str = "sim-acme") -> str:
    url = reverse("interactions:detail", args=[slug, unique_id])
    return client.get(url).content.decode()


def _answers(html: str) -> str:
    match = re.search(r'<ol class="answers".*?</ol>', html, re.S)
    assert match, "no answers list"
    return match.group(0)


def _set(html: str, set_id: str) -> str:
    match = re.search(
        rf'<section class="variable-set" aria-labelledby="set-{set_id}">.*?</section>',
        html,
        re.S,
    )
    assert match, set_id
    return match.group(0)


def test_changed_answer_is_listed_once_with_what_it_was_before(
    agent_client: Client,
) -> None:
    answers = _answers(_detail(agent_client, data.BACK_NAVIGATION_UNIQUE_ID))
    text = _text(answers)
    assert text.count("Which parts of the car are damaged?") == 1
    assert (
        "Which parts of the car are damaged? Rear bumper, Left door "
        "Changed — before: Rear bumper" in text
    )
    assert "Changed — before: no answer" in text  # photos only on the return
    assert answers.count('class="changed"') == 2


def test_timeline_marks_the_change_on_the_revisit_and_links_from_the_first_visit(
    agent_client: Client,
) -> None:
    html = _detail(agent_client, data.BACK_NAVIGATION_UNIQUE_ID)
    step7 = re.search(
        r'<li class="step[^"]*" id="step-7".*?</li>\s*</ol>|'
        r'<li class="step[^"]*" id="step-7".*?id="step-8"',
        html,
        re.S,
    )
    assert step7
    assert "Changed — before: Rear bumper" in _text(step7.group(0))
    assert 'Changed later, at <a href="#step-7">step 7</a>' in html


def test_page_without_back_navigation_has_no_change_marks(agent_client) -> None:
    html = _detail(agent_client, data.LEADING_ZERO_UNIQUE_ID)
    assert 'class="changed"' not in html
    assert "Changed later" not in html


def test_not_set_rows_fold_behind_a_disclosure_without_javascript(
    agent_client: Client, sim_accounts
) -> None:
    agent = User.objects.get(username="agnes")
    AccountAssignment.objects.create(user=agent, account=sim_accounts["northwind"])
    html = _detail(agent_client, data.LIVE_UNIQUE_ID, slug="sim-northwind")
    # Nothing set: the whole set folded, its table inside the disclosure.
    routing = _set(html, "routingDataSet")
    folded = re.search(r'<details class="fold">.*</details>', routing, re.S)
    assert folded
    assert "5 variables not set" in _text(folded.group(0))
    assert routing.count("<table") == 1
    assert routing.index("<details") < routing.index("<table")
    # Some set: those shown, the rest folded after them.
    device = _set(html, "deviceInfoSet")
    shown, hidden = device.split('<details class="fold">')
    assert "Router model routerModel Northwind Hub 5" in _text(shown)
    assert "3 variables not set" in _text(hidden)
    assert "Firmware version" in hidden
    # A failed set is not folded: its error shows.
    billing = _set(html, "billingDataSet")
    assert "<details" not in billing
    assert "not available for this interaction" in billing


def test_variables_show_a_readable_label_and_the_name_small(
    agent_client: Client, home
) -> None:
    home.variable_labels = "agentSkill = Skill group"
    home.save()
    routing = _set(_detail(agent_client, data.LEADING_ZERO_UNIQUE_ID), "routingDataSet")
    assert (
        '<span class="var-label" dir="auto">Callback requested</span> '
        '<code class="var-name" title="Name in the flow">callbackRequested</code>'
    ) in routing
    assert '<span class="var-label" dir="auto">Skill group</span>' in routing
    assert 'aria-label="Copy Skill group"' in routing


def test_stored_copy_keeps_the_marks_and_the_folds(
    agent_client: Client, supervisor_client: Client
) -> None:
    _detail(agent_client, data.BACK_NAVIGATION_UNIQUE_ID)
    snapshot = InteractionSnapshot.objects.get()
    assert snapshot.data["answers"][4]["before"] == "Rear bumper"
    html = supervisor_client.get(
        reverse("interactions:review-snapshot", args=[snapshot.pk])
    ).content.decode()
    assert "Changed — before: Rear bumper" in _text(html)
    assert "Callback requested" in html


def test_old_stored_copy_without_the_new_fields_reads_as_unchanged(
    agent_client: Client, supervisor_client: Client
) -> None:
    _detail(agent_client, data.BACK_NAVIGATION_UNIQUE_ID)
    snapshot = InteractionSnapshot.objects.get()
    stored = snapshot.data
    for answer in stored["answers"]:
        del answer["changed"], answer["before"]
    for step in stored["steps"]:
        for section in step["sections"]:
            del section["changed"], section["before"], section["changed_at"]
    for view in stored["variable_sets"]:
        for row in view["rows"]:
            del row["label"]
    InteractionSnapshot.objects.filter(pk=snapshot.pk).update(data=stored)
    response = supervisor_client.get(
        reverse("interactions:review-snapshot", args=[snapshot.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="changed"' not in html
    assert '<span class="var-label" dir="auto">Callback requested</span>' in html
    api = supervisor_client.get(f"/api/v1/snapshots/{snapshot.pk}").json()
    assert api["answers"][4]["changed"] is False
    routing = next(v for v in api["variable_sets"] if v["set_id"] == "routingDataSet")
    assert routing["rows"][3]["label"] == "Callback requested"


def test_api_gives_the_change_marks_and_labels(agent_client: Client, home) -> None:
    home.variable_labels = "priority = Urgency"
    home.save()
    url = f"/api/v1/accounts/sim-acme/interactions/{data.BACK_NAVIGATION_UNIQUE_ID}"
    body = agent_client.get(url).json()
    damage = [a for a in body["answers"] if a["question"].startswith("Which parts")]
    assert [(a["answer"], a["changed"], a["before"]) for a in damage] == [
        ("Rear bumper, Left door", True, "Rear bumper")
    ]
    section = body["steps"][6]["sections"][0]
    assert (section["changed"], section["before"], section["changed_at"]) == (
        True,
        "Rear bumper",
        0,
    )
    assert body["steps"][4]["sections"][0]["changed_at"] == 7
    labels = {
        row["name"]: row["label"]
        for view in body["variable_sets"]
        for row in view["rows"]
    }
    assert labels["priority"] == "Urgency"
    assert labels["callbackRequested"] == "Callback requested"
