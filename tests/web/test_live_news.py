"""The interaction page's live region, accessible names and photo alt texts,
and what the live refresh tells the page is new (interactions/live_news.py)."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from interactions.simulator import data
from interactions.simulator.clock import ManualClock
from tests.support.console import logged_in, make_user, sim_account
from tests.support.simulator import running_simulator

NORTHWIND = data.DEMO_ACCOUNTS[1]


@pytest.fixture
def home(sim_accounts):
    return sim_accounts["acme"]


def _detail(client: Client, unique_id: str) -> str:
    url = reverse("interactions:detail", args=["sim-acme", unique_id])
    return client.get(url).content.decode()


def test_only_the_news_region_is_live_not_the_clock(agent_client: Client) -> None:
    html = _detail(agent_client, data.LEADING_ZERO_UNIQUE_ID)
    assert re.findall(r"<[^>]*aria-live[^>]*>", html) == [
        '<div id="live-news" class="visually-hidden" role="status" '
        'aria-live="polite" aria-atomic="true">'
    ]
    assert "Data as of" in html


def test_the_heading_is_the_interaction_not_its_copy_button(agent_client) -> None:
    html = _detail(agent_client, data.LEADING_ZERO_UNIQUE_ID)
    heading = re.search(r'<h1 id="interaction-heading">(.*?)</h1>', html, re.S)
    assert heading
    assert "<button" not in heading.group(1)
    assert f"Copy unique ID {data.LEADING_ZERO_UNIQUE_ID}" in html


def test_photos_of_one_interaction_have_distinct_alt_texts(agent_client) -> None:
    html = _detail(agent_client, data.LEADING_ZERO_UNIQUE_ID)
    alts = re.findall(r'<img data-src="[^"]+" alt="([^"]*)"', html)
    assert len(alts) == 2
    assert len(set(alts)) == 2
    assert all(re.match(r"Photo \d of 2, \S+\.\w+, from step \d+: ", a) for a in alts)


def test_thumbnails_and_copy_buttons_carry_stable_focus_keys(agent_client) -> None:
    html = _detail(agent_client, data.LEADING_ZERO_UNIQUE_ID)
    keys = re.findall(r'data-focus-key="([^"]+)"', html)
    assert any(key.startswith("photo-") for key in keys)
    assert any(key.startswith("copy-") for key in keys)
    assert len(keys) == len(set(keys))


def test_the_page_says_what_it_shows_for_the_first_refresh(agent_client) -> None:
    html = _detail(agent_client, data.LEADING_ZERO_UNIQUE_ID)
    found = re.search(r'<div id="interaction"[^>]*>', html, re.S)
    assert found is not None
    root = found.group(0)
    assert 'data-photos="2"' in root
    assert 'data-outcome="completed"' in root
    assert re.search(r'data-steps="\d+"', root)


def test_the_shortcuts_list_is_on_the_page(agent_client) -> None:
    html = _detail(agent_client, data.LEADING_ZERO_UNIQUE_ID)
    assert '<dialog id="shortcuts" class="shortcuts"' in html
    assert 'id="shortcuts-enabled" data-shortcuts-toggle checked' in html
    assert "js/shortcuts.js" in html


def test_live_refresh_announces_a_new_step_and_photo_then_the_end(db) -> None:
    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = sim_account(NORTHWIND, sim.base_url)
        web = logged_in(make_user("nina", "agent", [account]))
        url = reverse("interactions:live", args=[account.slug, data.LIVE_UNIQUE_ID])
        first = web.get(url, {"fresh": "1"}).json()
        assert first["news"] == []
        seen = first["seen"]
        assert seen == {
            "steps": data.LIVE_INITIAL_PAGES,
            "photos": 0,
            "outcome": "live",
        }

        same = web.get(url, {**seen, "fresh": "1"}).json()
        assert same["news"] == []

        clock.advance(data.LIVE_PAGE_INTERVAL)
        step = web.get(url, {**seen, "fresh": "1"}).json()
        assert step["news"] == ["New step 4: Photo of the lights", "New photo"]
        assert step["seen"] == {"steps": 4, "photos": 1, "outcome": "live"}
        # No customer data in what the page sends, nor in the news it gets.
        assert "Kenji" not in " ".join(step["news"])

        clock.advance(data.LIVE_PAGE_INTERVAL * data.LIVE_TOTAL_PAGES)
        end = web.get(url, {**step["seen"], "fresh": "1"}).json()
        assert end["news"][-1] == "Customer finished"
        assert end["seen"]["outcome"] == "completed"
