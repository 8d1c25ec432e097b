"""Stored snapshots: written when an agent views a page, once per change, and
readable by supervisors after the X-Platform has forgotten the interaction."""

from __future__ import annotations

import dataclasses
import io
import re
import time
from datetime import timedelta
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image

from interactions import selectors, snapshots, upstream
from interactions.models import InteractionAccess, InteractionSnapshot, SnapshotPhoto
from interactions.presenters import interaction_page
from interactions.simulator import data
from interactions.simulator.clock import ManualClock
from interactions.snapshot_format import page_to_json
from interactions.xplatform import client as xplatform
from tests.conftest import SIM_ACME, SIM_NORTHWIND
from tests.review.conftest import detail_url
from tests.support.console import logged_in, make_user, sim_account
from tests.support.simulator import running_simulator


def _thumb_urls(body: str) -> list[str]:
    return re.findall(r'<img data-src="([^"]+/thumb)"', body)


def _snapshot_url(snapshot: InteractionSnapshot) -> str:
    return reverse("interactions:review-snapshot", args=[snapshot.pk])


# --- storing -----------------------------------------------------------------


def test_viewing_an_interaction_stores_what_the_page_showed(agent_client, agent):
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    snapshot = InteractionSnapshot.objects.get()
    assert snapshot.interaction_id == data.LEADING_ZERO_UNIQUE_ID
    assert snapshot.account.slug == "sim-acme"
    assert snapshot.first_viewed_by == agent
    assert snapshot.flow_name == "Motor Claim FNOL"
    assert snapshot.has_photos is True
    assert re.fullmatch(r"[0-9a-f]{64}", snapshot.content_hash)
    answers = [row["answer"] for row in snapshot.data["answers"]]
    assert "AC-4418207" in answers
    assert snapshot.data["steps"][-1]["is_last"] is True
    assert [s["set_id"] for s in snapshot.data["variable_sets"]] == list(
        SIM_ACME.variable_sets
    )
    assert len(snapshot.data["photos"]) == 2


def test_unchanged_second_view_adds_no_snapshot(agent_client):
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    cache.clear()  # a fresh fetch, with a new "data as of"
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert InteractionSnapshot.objects.count() == 1
    assert InteractionAccess.objects.filter(action="view").count() == 2


def test_failed_page_stores_no_snapshot(agent_client, simulator):
    simulator.faults.fail("summary", status=500, times=None)
    simulator.faults.fail("fullFlow", status=500, times=None)
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert InteractionSnapshot.objects.count() == 0


def test_degraded_part_is_stored_as_its_message(agent_client, simulator):
    simulator.faults.fail("variableSet", status=500, times=None)
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    sets = InteractionSnapshot.objects.get().data["variable_sets"]
    assert all(s["error"] and s["rows"] == [] for s in sets)


def test_data_as_of_and_time_so_far_do_not_make_a_new_snapshot(db):
    with running_simulator(clock=ManualClock(start=time.time())) as sim:
        account = sim_account(SIM_NORTHWIND, sim.base_url)
        agent = make_user("agnes", "agent", [account])
        live = upstream.interaction_fetch(
            account=account, unique_id=data.LIVE_UNIQUE_ID
        )
    assert live.is_live is True
    first = InteractionSnapshot.objects.get(
        pk=snapshots.interaction_snapshot_store(
            user=agent, account=account, page=interaction_page(live)
        )
    )
    moved = live.fetched_at + timedelta(seconds=40)
    later = interaction_page(dataclasses.replace(live, fetched_at=moved))
    second = snapshots.interaction_snapshot_store(
        user=agent, account=account, page=later
    )
    assert second == first.pk
    # The two views did show different values: "data as of", and the time
    # spent so far on the last page of the live flow.
    shown_later = page_to_json(later)
    assert shown_later["data_as_of"] != first.data["data_as_of"]
    last_then, last_later = first.data["steps"][-1], shown_later["steps"][-1]
    assert last_later["spent_so_far"] is True
    assert last_later["spent"] == last_then["spent"] + 40


def test_live_interaction_that_moved_on_gets_a_new_snapshot(db):
    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = sim_account(SIM_NORTHWIND, sim.base_url)
        web = logged_in(make_user("nina", "agent", [account]))
        url = detail_url(data.LIVE_UNIQUE_ID, slug="sim-northwind")
        web.get(url)
        cache.clear()
        web.get(url)
        assert InteractionSnapshot.objects.count() == 1
        clock.advance(data.LIVE_PAGE_INTERVAL * 2)
        cache.clear()
        web.get(url)
    first, second = InteractionSnapshot.objects.order_by("pk")
    assert len(second.data["steps"]) == len(first.data["steps"]) + 2
    assert second.content_hash != first.content_hash


def test_live_refresh_stores_what_it_showed(db):
    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = sim_account(SIM_NORTHWIND, sim.base_url)
        web = logged_in(make_user("nina", "agent", [account]))
        web.get(detail_url(data.LIVE_UNIQUE_ID, slug="sim-northwind"))
        clock.advance(data.LIVE_PAGE_INTERVAL)
        live_url = reverse(
            "interactions:live", args=["sim-northwind", data.LIVE_UNIQUE_ID]
        )
        web.get(live_url + "?fresh=1")
    assert InteractionSnapshot.objects.count() == 2


# --- thumbnails ----------------------------------------------------------------


def test_thumbnail_shown_to_the_agent_is_stored_once(agent_client):
    body = agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    thumbs = _thumb_urls(body)
    assert len(thumbs) == 2
    shown = agent_client.get(thumbs[0]).content
    agent_client.get(thumbs[0])
    agent_client.get(thumbs[0].replace("/thumb", "/full"))
    stored = SnapshotPhoto.objects.get()
    assert bytes(stored.thumbnail) == shown
    assert stored.content_type == "image/jpeg"
    assert stored.step_number > 0
    assert stored.label.startswith(f"Step {stored.step_number}: ")


def test_failed_thumbnail_is_not_stored(agent_client, simulator):
    body = agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    simulator.faults.corrupt_image()
    response = agent_client.get(_thumb_urls(body)[0])
    assert "X-Photo-Error" in response
    assert SnapshotPhoto.objects.count() == 0


def test_new_snapshot_starts_with_the_thumbnails_already_stored(sim_accounts, agent):
    account = sim_accounts["acme"]
    interaction = upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    first = snapshots.interaction_snapshot_store(
        user=agent, account=account, page=interaction_page(interaction)
    )
    key = interaction.photos[0].key
    SnapshotPhoto.objects.create(snapshot_id=first, key=key, thumbnail=b"\xff\xd8thumb")
    changed = interaction_page(dataclasses.replace(interaction, variable_sets=()))
    second = snapshots.interaction_snapshot_store(
        user=agent, account=account, page=changed
    )
    assert second != first
    carried = SnapshotPhoto.objects.get(snapshot_id=second)
    assert carried.key == key
    assert bytes(carried.thumbnail) == b"\xff\xd8thumb"


def test_a_new_interaction_s_first_snapshot_looks_for_no_earlier_thumbnails(
    sim_accounts, agent
):
    """A new content is one statement: the insert (no lookup before it)
    also says there is no earlier snapshot, so nothing asks for thumbnails
    a new interaction cannot have."""
    account = sim_accounts["acme"]
    page = interaction_page(
        upstream.interaction_fetch(account=account, unique_id=data.UUID_UNIQUE_ID)
    )
    assert page.has_photos
    with CaptureQueriesContext(connection) as queries:
        snapshots.interaction_snapshot_store(user=agent, account=account, page=page)
    statements = [q["sql"] for q in queries.captured_queries]
    assert [sql.split()[0] for sql in statements if "snapshot" in sql] == ["INSERT"]
    assert not any("snapshotphoto" in sql for sql in statements)
    (snapshot,) = InteractionSnapshot.objects.filter(interaction_id=page.unique_id)
    assert snapshot.data["unique_id"] == page.unique_id
    assert snapshot.first_viewed_by == agent


# --- the snapshot page ---------------------------------------------------------


def test_snapshot_reopens_after_the_simulator_forgot_the_interaction(db):
    with running_simulator() as sim:
        account = sim_account(SIM_ACME, sim.base_url)
        agent = logged_in(make_user("agnes", "agent", [account]))
        body = agent.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
        shown = {url: agent.get(url).content for url in _thumb_urls(body)}
    # The simulator is gone, and with it every cached part.
    cache.clear()
    xplatform.clear_clients()
    supervisor = logged_in(make_user("sam", "supervisor", [account]))
    snapshot = InteractionSnapshot.objects.get()
    response = supervisor.get(_snapshot_url(snapshot))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Stored copy from" in page
    assert "not live data" in page
    assert "Motor Claim FNOL" in page
    answers = page[page.index('<ol class="answers"') :]
    assert answers.index("AC-4418207") < answers.index("Zoë Ångström")
    assert "Last page reached" in page
    assert 'data-copy="AC-4418207"' in page
    stored_urls = re.findall(r'<img data-src="(/review/snapshots/[^"]+)"', page)
    assert len(stored_urls) == 2
    photo = supervisor.get(stored_urls[0])
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert "no-store" in photo["Cache-Control"]
    assert "private" in photo["Cache-Control"]
    assert photo.content in shown.values()
    Image.open(io.BytesIO(photo.content)).verify()


def test_snapshot_page_makes_no_upstream_call(
    agent_client, supervisor_client, simulator
):
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    simulator.clear_hits()
    response = supervisor_client.get(_snapshot_url(InteractionSnapshot.objects.get()))
    assert response.status_code == 200
    assert simulator.hits == []


def test_snapshot_banner_shows_when_it_was_stored(agent_client, supervisor_client):
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    snapshot = InteractionSnapshot.objects.get()
    page = supervisor_client.get(_snapshot_url(snapshot)).content.decode()
    stamp = snapshot.created_at.isoformat()
    assert f'Stored copy from <time datetime="{stamp}" data-local="datetime">' in page
    assert "not live data" in page


def test_a_stored_copy_says_the_day_its_data_is_of(agent_client, supervisor_client):
    """Read days later, a stored copy's "data as of" gives the date and the
    time; the live page, read now, gives the time."""
    live = agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    snapshot = InteractionSnapshot.objects.get()
    copy = supervisor_client.get(_snapshot_url(snapshot))
    as_of = copy.context["page"].data_as_of
    local = timezone.localtime(as_of)
    status = copy.context["sections"]["status"]
    assert (
        f'<time datetime="{as_of.isoformat()}" data-local="datetime">'
        f"{local:%Y-%m-%d %H:%M:%S}</time>"
    ) in status
    live_as_of = live.context["page"].data_as_of
    assert (
        f'<time datetime="{live_as_of.isoformat()}" data-local="time">'
        f"{timezone.localtime(live_as_of):%H:%M:%S}</time>"
    ) in live.context["sections"]["status"]


def test_photo_without_a_stored_thumbnail_says_so(agent_client, supervisor_client):
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    snapshot = InteractionSnapshot.objects.get()
    page = supervisor_client.get(_snapshot_url(snapshot)).content.decode()
    assert page.count("No thumbnail was stored") == 2
    key = snapshot.data["photos"][0]["key"]
    url = reverse("interactions:review-snapshot-photo", args=[snapshot.pk, key])
    assert supervisor_client.get(url).status_code == 404


def test_snapshot_page_escapes_customer_text(
    sim_accounts, supervisor, supervisor_client
):
    supervisor_client.get(
        detail_url(data.NORTHWIND_BILLING_UNIQUE_ID, slug="sim-northwind")
    )
    snapshot = InteractionSnapshot.objects.get()
    page = supervisor_client.get(_snapshot_url(snapshot)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_snapshot_views_are_recorded_but_not_as_recent_lookups(
    agent_client, supervisor_client, supervisor
):
    body = agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    agent_client.get(_thumb_urls(body)[0])
    snapshot = InteractionSnapshot.objects.get()
    page = supervisor_client.get(_snapshot_url(snapshot)).content.decode()
    photo_url = re.findall(r'<img data-src="(/review/snapshots/[^"]+)"', page)[0]
    supervisor_client.get(photo_url)
    rows = InteractionAccess.objects.filter(username="sam").order_by("pk")
    assert [(r.action, r.source, r.outcome) for r in rows] == [
        ("view", "snapshot", "found"),
        ("photo", "snapshot", "found"),
    ]
    assert rows[0].interaction_id == data.LEADING_ZERO_UNIQUE_ID
    assert selectors.recent_lookups(user=supervisor) == []


@pytest.mark.parametrize("key", ["0" * 20, "not-a-key", "..%2F..%2Fx"])
def test_unknown_snapshot_photo_is_404(agent_client, supervisor_client, key):
    agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    snapshot = InteractionSnapshot.objects.get()
    url = reverse("interactions:review-snapshot-photo", args=[snapshot.pk, key])
    assert supervisor_client.get(url).status_code == 404


# --- "already kept?" without a query -------------------------------------------


def test_unchanged_content_is_recognised_without_a_query(
    sim_accounts, agent, django_capture_on_commit_callbacks
):
    account = sim_accounts["acme"]
    page = interaction_page(
        upstream.interaction_fetch(account=account, unique_id=data.UUID_UNIQUE_ID)
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )
    with CaptureQueriesContext(connection) as queries:
        again = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )
    assert again == first
    assert queries.captured_queries == []
    assert InteractionSnapshot.objects.count() == 1


def test_kept_content_this_process_forgot_is_passed_over_and_read(
    sim_accounts, agent, django_capture_on_commit_callbacks, monkeypatch
):
    """Another worker, a restart or an expired memory: the insert passes over
    the kept copy without an error (a refused statement would make
    PostgreSQL log it whole, customer data included), and the copy is read."""
    account = sim_accounts["acme"]
    page = interaction_page(
        upstream.interaction_fetch(account=account, unique_id=data.UUID_UNIQUE_ID)
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )
    cache.clear()
    monkeypatch.setattr(snapshots, "_kept_here", {})
    with CaptureQueriesContext(connection) as queries:
        again = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )
    assert again == first
    statements = [q["sql"] for q in queries.captured_queries]
    (insert,) = [sql for sql in statements if sql.startswith("INSERT")]
    assert "DO NOTHING" in insert
    assert statements[-1].startswith("SELECT")
    assert (
        InteractionSnapshot.objects.filter(interaction_id=page.unique_id).count() == 1
    )


def test_content_this_process_saw_kept_needs_no_round_trip(
    sim_accounts, agent, django_capture_on_commit_callbacks, monkeypatch
):
    account = sim_accounts["acme"]
    page = interaction_page(
        upstream.interaction_fetch(account=account, unique_id=data.UUID_UNIQUE_ID)
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )

    def no_round_trip(*args: object, **kwargs: object) -> None:
        raise AssertionError("asked the cache")

    monkeypatch.setattr(cache, "get", no_round_trip)
    with CaptureQueriesContext(connection) as queries:
        again = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )
    assert again == first
    assert queries.captured_queries == []


def test_a_store_rolled_back_is_not_remembered(
    sim_accounts, agent, django_capture_on_commit_callbacks
):
    account = sim_accounts["acme"]
    page = interaction_page(
        upstream.interaction_fetch(account=account, unique_id=data.UUID_UNIQUE_ID)
    )

    def store_then_fail() -> None:
        with transaction.atomic():
            snapshots.interaction_snapshot_store(user=agent, account=account, page=page)
            raise RuntimeError("the request failed after the store")

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            store_then_fail()
        assert InteractionSnapshot.objects.count() == 0
        snapshots.interaction_snapshot_store(user=agent, account=account, page=page)
    assert InteractionSnapshot.objects.count() == 1


def test_a_snapshot_near_its_purge_is_looked_up_and_kept_again_after_it(
    sim_accounts, agent, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The cache may outlive the row: near the purge it is not trusted."""
    monkeypatch.setattr(snapshots, "KEPT_SECONDS", None)  # never expires
    settings.XPC_SNAPSHOT_RETENTION_DAYS = 10
    account = sim_accounts["acme"]
    page = interaction_page(
        upstream.interaction_fetch(account=account, unique_id=data.UUID_UNIQUE_ID)
    )
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        first = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )
    with freeze_time(start + timedelta(days=9, hours=12)):
        with CaptureQueriesContext(connection) as queries:
            snapshots.interaction_snapshot_store(user=agent, account=account, page=page)
        # Offered again, passed over, read: still there.
        assert [q["sql"].split()[0] for q in queries.captured_queries][-1] == "SELECT"
        assert InteractionSnapshot.objects.filter(pk=first).exists()
    with freeze_time(start + timedelta(days=10, seconds=1)):
        assert snapshots.snapshots_purge()[0] >= 1
        with django_capture_on_commit_callbacks(execute=True):
            again = snapshots.interaction_snapshot_store(
                user=agent, account=account, page=page
            )
    assert again != first
    assert InteractionSnapshot.objects.filter(pk=again).exists()


def test_a_changed_page_after_a_remembered_one_is_stored(
    sim_accounts, agent, django_capture_on_commit_callbacks
):
    """The content hash of a page this process hashed lately comes from a
    memo (snapshot_format.page_content_hash): new content, a new copy of a
    page or the same page object changed in place, is still stored."""
    account = sim_accounts["acme"]
    page = interaction_page(
        upstream.interaction_fetch(account=account, unique_id=data.UUID_UNIQUE_ID)
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )
    again = dataclasses.replace(page, data_as_of=timezone.now())
    assert (
        snapshots.interaction_snapshot_store(user=agent, account=account, page=again)
        == first
    )
    answer = dataclasses.replace(page.answers[0], answer="Changed on the phone")
    changed = dataclasses.replace(page, answers=[answer, *page.answers[1:]])
    with django_capture_on_commit_callbacks(execute=True):
        second = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=changed
        )
    page.flow_name = "Renamed in place"
    with django_capture_on_commit_callbacks(execute=True):
        third = snapshots.interaction_snapshot_store(
            user=agent, account=account, page=page
        )
    assert len({first, second, third}) == 3
    stored = InteractionSnapshot.objects.in_bulk([second, third])
    assert stored[second].data["answers"][0]["answer"] == "Changed on the phone"
    assert stored[third].data["flow_name"] == "Renamed in place"


def test_the_same_content_seen_in_another_language_is_one_snapshot(
    agent_client, supervisor_client
):
    """The copyable summary is in the viewer's language: made when a page
    is shown, never part of what is kept or of its content hash."""
    unique_id = data.ACME_BILLING_UNIQUE_ID  # every part loads
    agent_client.get(detail_url(unique_id))
    spanish = agent_client.get(detail_url(unique_id), HTTP_ACCEPT_LANGUAGE="es")
    assert spanish["Content-Language"] == "es"
    assert "Interacción de X-Platform 0909015" in spanish.context["page"].summary_text
    snapshot = InteractionSnapshot.objects.get()
    assert "summary_text" not in snapshot.data
    copy = supervisor_client.get(
        f"/review/snapshots/{snapshot.pk}/", HTTP_ACCEPT_LANGUAGE="es"
    )
    summary = copy.context["page"].summary_text
    assert summary.startswith("Interacción de X-Platform 0909015")
    assert snapshot.data["answers"][0]["answer"] in summary


def test_a_failed_insert_marks_its_transaction_for_rollback(sim_accounts):
    """As ``save()`` does: code that catches the error inside a transaction
    cannot go on writing in a transaction PostgreSQL has aborted."""
    broken = InteractionSnapshot(account=sim_accounts["acme"], content_hash="0" * 64)
    broken.interaction_id = cast(Any, None)  # NOT NULL
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            snapshots._insert_new(broken)
        assert transaction.get_rollback()
    assert not InteractionSnapshot.objects.exists()
