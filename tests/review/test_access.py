"""Who may use the review pages: supervisors of the account only; everyone
else gets 404 (never 403), anonymous users the login page."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from interactions.models import InteractionAccess, InteractionSnapshot, SnapshotPhoto
from interactions.simulator import data
from tests.review.conftest import access_row, detail_url
from tests.support.console import logged_in, logged_in_verified, make_user


@pytest.fixture
def acme_snapshot(sim_accounts, agent_client) -> InteractionSnapshot:
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    snapshot = InteractionSnapshot.objects.get()
    key = snapshot.data["photos"][0]["key"]
    SnapshotPhoto.objects.create(snapshot=snapshot, key=key, thumbnail=b"\xff\xd8x")
    return snapshot


def _review_urls(snapshot: InteractionSnapshot) -> list[str]:
    key = snapshot.data["photos"][0]["key"]
    return [
        reverse("interactions:review"),
        reverse("interactions:review-export"),
        reverse("interactions:review-snapshot", args=[snapshot.pk]),
        reverse("interactions:review-snapshot-photo", args=[snapshot.pk, key]),
        reverse(
            "interactions:review-access-log",
            args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID],
        ),
    ]


def test_supervisor_opens_every_review_url_uncached(acme_snapshot, supervisor_client):
    for url in _review_urls(acme_snapshot):
        response = supervisor_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_agent_gets_404_on_every_review_url(acme_snapshot, agent_client):
    for url in _review_urls(acme_snapshot):
        assert agent_client.get(url).status_code == 404, url


def test_user_without_role_gets_404_on_every_review_url(acme_snapshot, norole):
    client = logged_in(norole)
    for url in _review_urls(acme_snapshot):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login_from_every_review_url(acme_snapshot):
    client = Client()
    for url in _review_urls(acme_snapshot):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_review_urls_refuse_post(acme_snapshot, supervisor_client):
    for url in _review_urls(acme_snapshot):
        assert supervisor_client.post(url).status_code == 405, url


def test_agent_sees_no_review_link(agent_client, supervisor_client):
    assert 'href="/review/"' not in agent_client.get("/").content.decode()
    assert 'href="/review/"' in supervisor_client.get("/").content.decode()


# --- another account's supervisor ------------------------------------------------


def test_other_accounts_snapshot_is_404_and_recorded_as_denied(
    acme_snapshot, away_supervisor_client
):
    for url in _review_urls(acme_snapshot)[2:4]:
        assert away_supervisor_client.get(url).status_code == 404, url
    denied = InteractionAccess.objects.filter(username="petra", outcome="denied")
    assert [(r.action, r.account_slug) for r in denied.order_by("pk")] == [
        ("view", "sim-acme"),
        ("photo", "sim-acme"),
    ]


def test_other_accounts_access_log_is_404(acme_snapshot, away_supervisor_client):
    assert away_supervisor_client.get(_review_urls(acme_snapshot)[4]).status_code == 404


def test_history_and_export_hold_only_the_supervisors_accounts(
    sim_accounts, away_supervisor_client
):
    access_row(sim_accounts["acme"], interaction_id="1000001")
    access_row(sim_accounts["northwind"], interaction_id="1000002")
    body = away_supervisor_client.get(reverse("interactions:review")).content.decode()
    assert "1000002" in body
    assert "1000001" not in body
    response = away_supervisor_client.get(reverse("interactions:review-export"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    ids = [line[8] for line in list(csv.reader(io.StringIO(content)))[1:]]
    assert ids == ["1000002"]


def test_unassigned_supervisor_sees_nothing(sim_accounts, acme_snapshot):
    client = logged_in(make_user("sue", "supervisor", []))
    body = client.get(reverse("interactions:review")).content.decode()
    assert "0 entries" in body
    assert client.get(_review_urls(acme_snapshot)[2]).status_code == 404


def test_inactive_account_drops_out_of_review(
    sim_accounts, acme_snapshot, supervisor_client
):
    account = sim_accounts["acme"]
    account.is_active = False
    account.save()
    assert supervisor_client.get(_review_urls(acme_snapshot)[2]).status_code == 404
    body = supervisor_client.get(reverse("interactions:review")).content.decode()
    assert data.LEADING_ZERO_UNIQUE_ID not in body


# --- the read-only admin ---------------------------------------------------------


@pytest.fixture
def staff_admin(sim_accounts) -> Client:
    user = make_user("ada", "admin", [sim_accounts["acme"]])
    user.is_staff = True
    user.save()
    return logged_in_verified(user)  # with her second factor (R-AC-08)


def test_admin_lists_the_access_log_of_its_accounts(sim_accounts, staff_admin):
    access_row(sim_accounts["acme"], interaction_id="1000001")
    access_row(sim_accounts["northwind"], interaction_id="1000002")
    url = reverse("admin:interactions_interactionaccess_changelist")
    body = staff_admin.get(url).content.decode()
    assert "1000001" in body
    assert "1000002" not in body
    assert "outcome" in body  # a list filter


def test_admin_cannot_add_change_or_delete_access_rows(sim_accounts, staff_admin):
    row = access_row(sim_accounts["acme"], interaction_id="1000001")
    add = reverse("admin:interactions_interactionaccess_add")
    change = reverse("admin:interactions_interactionaccess_change", args=[row.pk])
    delete = reverse("admin:interactions_interactionaccess_delete", args=[row.pk])
    assert staff_admin.get(add).status_code == 403
    assert staff_admin.post(change, {"username": "mallory"}).status_code == 403
    assert staff_admin.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:interactions_interactionaccess_changelist")
    body = staff_admin.get(changelist).content.decode()
    assert "delete_selected" not in body
    assert InteractionAccess.objects.get(pk=row.pk).username == "agnes"
