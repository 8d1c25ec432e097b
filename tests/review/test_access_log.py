"""The access log of one interaction: who opened it and its photos, when, from
which screen, and its stored copies."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from interactions.models import InteractionSnapshot
from interactions.simulator import data
from tests.review.conftest import access_row, detail_url


def log_url(unique_id: str, slug: str = "sim-acme") -> str:
    return reverse("interactions:review-access-log", args=[slug, unique_id])


def _rows(body: str) -> list[str]:
    section = body.split('id="review-log-heading"', 1)[1]
    return re.findall(r'<tr class="review-row[^"]*">(.*?)</tr>', section, re.S)


def test_lists_page_and_photo_views_with_their_screen(agent_client, supervisor_client):
    body = agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    thumb = re.findall(r'<img data-src="([^"]+/thumb)"', body)[0]
    agent_client.get(thumb)
    page = supervisor_client.get(log_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    rows = _rows(page)
    assert len(rows) == 2
    photo, view = rows  # newest first
    assert "agnes" in photo
    assert "<td>photo</td>" in photo
    assert "<td>thumbnail</td>" in photo
    assert "<td>page view</td>" in view
    assert "<td>console page</td>" in view
    assert "Who opened it (2)" in page


def test_lists_the_stored_copies_with_links(agent_client, supervisor_client):
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    snapshot = InteractionSnapshot.objects.get()
    page = supervisor_client.get(log_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    assert f'href="{snapshot.get_absolute_url()}"' in page
    assert "View stored copy" in page


def test_other_interactions_are_left_out(sim_accounts, supervisor_client):
    access_row(sim_accounts["acme"], interaction_id="0909015", username="otto")
    access_row(sim_accounts["acme"], interaction_id="040100713", username="agnes")
    page = supervisor_client.get(log_url("040100713")).content.decode()
    rows = _rows(page)
    assert len(rows) == 1
    assert "agnes" in rows[0]
    assert "otto" not in page


def test_same_unique_id_in_another_account_is_left_out(sim_accounts, supervisor_client):
    access_row(sim_accounts["northwind"], interaction_id="040100713", username="nora")
    page = supervisor_client.get(log_url("040100713")).content.decode()
    assert "nora" not in page
    assert "No one has opened this interaction" in page


def test_interaction_without_history_says_so(sim_accounts, supervisor_client):
    page = supervisor_client.get(log_url("123456")).content.decode()
    assert "No one has opened this interaction in the last 365 days." in page
    assert "No copy of this interaction is stored." in page


@pytest.mark.parametrize("unique_id", ["..%2F..%2Fx", "a" * 200, "x%00y"])
def test_malformed_unique_id_is_404(sim_accounts, supervisor_client, unique_id):
    response = supervisor_client.get(f"/review/a/sim-acme/i/{unique_id}/")
    assert response.status_code == 404
