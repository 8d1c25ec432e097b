"""The at-a-glance strip of the interaction page, its live redraw, its
stored copy and the summary it adds to, through Django's test client and
the simulator over loopback HTTP."""

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


def _strip(html: str) -> str:
    match = re.search(r'<div data-section="glance"[^>]*>(.*?)</dl>', html, re.S)
    assert match, "no glance strip"
    return match.group(1)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_strip_shows_who_flow_outcome_stop_and_photos(agent_client: Client) -> None:
    url = reverse("interactions:detail", args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID])
    html = agent_client.get(url).content.decode()
    strip = _strip(html)
    text = _text(strip)
    assert "Customer Zoë Ångström ID AC-88213" in text
    assert "Flow Motor Claim FNOL" in text
    assert "Outcome Completed" in text
    assert "Where they stopped Step 9: Claim submitted" in text
    assert "Last answer: Your phone number — 2125550100" in text
    assert "Photos 2 photos" in text
    # The jump link leads to the step's own anchor in the timeline.
    assert '<a class="glance-jump" href="#step-9" data-jump>' in strip
    assert re.search(r'<li class="step is-last[^"]*" id="step-9"', html)
    # The first photo's thumbnail is the Photos panel's own (no second fetch).
    first = re.search(r'<li class="photo" data-key="([0-9a-f]+)"', html)
    assert first
    assert f'data-photo-key="{first.group(1)}"' in strip
    assert "data-src" not in strip
    # The strip comes before the status and the panels.
    assert html.index("glance-grid") < html.index('data-section="status"')
    assert html.index('id="panel-timeline"') < html.index('id="panel-photos"')
    assert html.index('id="panel-photos"') < html.index('id="panel-variables"')


def test_summary_has_the_stop_and_the_console_link(agent_client: Client) -> None:
    path = reverse(
        "interactions:detail", args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID]
    )
    html = agent_client.get(path).content.decode()
    summary = re.search(
        r'<textarea id="summary-text"[^>]*>(.*?)</textarea>', html, re.S
    )
    assert summary
    text = summary.group(1)
    assert "Stopped at: step 9, Claim submitted; last answer:" in text
    assert f"Console: http://testserver{path}" in text


def test_live_refresh_redraws_the_strip_and_keeps_the_link(
    agent_client: Client,
) -> None:
    url = reverse("interactions:live", args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID])
    body = agent_client.get(url).json()
    assert "Zoë Ångström" in body["sections"]["glance"]
    assert body["digests"]["glance"]
    assert "Console: http://testserver/a/sim-acme/i/040100713/" in body["summary_text"]


def test_abandoned_step_is_marked_where_the_customer_stopped(
    agent_client: Client, sim_accounts
) -> None:
    agent = User.objects.get(username="agnes")
    AccountAssignment.objects.create(user=agent, account=sim_accounts["northwind"])
    url = reverse("interactions:detail", args=["sim-northwind", data.LIVE_UNIQUE_ID])
    html = agent_client.get(url).content.decode()
    assert "Outcome Abandoned at step 3" in _text(_strip(html))
    assert '<span class="badge badge-last">Stopped here</span>' in html
    assert "Last page reached" not in html


def test_stored_copy_shows_the_strip_in_the_past(
    agent_client: Client, supervisor_client: Client
) -> None:
    agent_client.get(
        reverse("interactions:detail", args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID])
    )
    snapshot = InteractionSnapshot.objects.get()
    html = supervisor_client.get(
        reverse("interactions:review-snapshot", args=[snapshot.pk])
    ).content.decode()
    text = _text(_strip(html))
    assert "Outcome then Completed" in text
    assert "Customer Zoë Ångström ID AC-88213" in text
    assert '<a class="glance-jump" href="#step-9" data-jump>' in html
