"""The seeded dataset, the photo drawings and the JSON helpers, without HTTP."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from PIL import Image

from interactions.simulator import data, render
from interactions.simulator.clock import DEFAULT_START, ManualClock
from interactions.simulator.photos import PhotoLibrary, PhotoSpec, render_photo


def test_demo_accounts():
    acme, northwind = data.DEMO_ACCOUNTS
    assert (acme.account_id, acme.name, acme.slug, acme.environment_name) == (
        "12345678",
        "Acme Insurance",
        "acme",
        None,
    )
    assert (northwind.account_id, northwind.name, northwind.environment_name) == (
        "jan20",
        "Northwind Telecom",
        "PROD",
    )
    assert acme.time_zone == "America/New_York"
    assert "customerInfoSet" in northwind.variable_sets
    with pytest.raises(dataclasses.FrozenInstanceError):
        acme.name = "x"  # type: ignore[misc]


def test_unique_id_shapes(simulator):
    ids = {instance.unique_id for instance in simulator.dataset.instances}
    assert len(simulator.dataset.instances) >= 6
    assert data.LEADING_ZERO_UNIQUE_ID == "040100713"
    assert re.fullmatch(
        r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", data.UUID_UNIQUE_ID
    )
    assert {"040100713", data.UUID_UNIQUE_ID, "959595", data.LIVE_UNIQUE_ID} <= ids


def test_every_caller_attribute_kind_is_seeded(simulator):
    for kind in data.CALLER_ATTRIBUTE_KINDS:
        assert any(i.attributes.get(kind) for i in simulator.dataset.instances), kind


def test_shared_phone_belongs_to_two_instances(simulator):
    owners = [
        i.unique_id
        for i in simulator.dataset.instances
        if data.SHARED_PHONE in i.attributes.values()
    ]
    assert sorted(owners) == sorted(data.SHARED_PHONE_UNIQUE_IDS)


def test_four_flows_one_in_hebrew_and_photo_formats(simulator):
    flows = {i.flow.name: i.flow.language for i in simulator.dataset.instances}
    assert flows == {
        "Motor Claim FNOL": "en",
        "דיווח על תאונת רכב": "he",
        "Acme Insurance Billing Dispute": "en",
        "Northwind Telecom Billing Dispute": "en",
        "Broadband Router Set-up": "en",
    }
    formats = {
        simulator.dataset.photos.spec(p).format
        for p in simulator.dataset.photos.paths()
    }
    assert formats == {"JPEG", "PNG", "GIF"}


def test_snapshots_are_deterministic():
    first, second = data.build_dataset(), data.build_dataset()
    clock = ManualClock()
    for a, b in zip(first.instances, second.instances, strict=True):
        snap_a = a.snapshot(clock.started_at, clock.now())
        snap_b = b.snapshot(clock.started_at, clock.now())
        assert snap_a is not None
        assert snap_b is not None
        assert render.full_flow(snap_a) == render.full_flow(snap_b)
        assert render.summary(snap_a) == render.summary(snap_b)


def test_photos_are_deterministic():
    spec = PhotoSpec("/a.png", "PNG", (160, 120), "router_back", "x")
    assert render_photo(spec).data == render_photo(spec).data


def test_photo_library_caches_drawings():
    library = PhotoLibrary([PhotoSpec("/a.gif", "GIF", (64, 48), "router_lights", "x")])
    assert library.get("/a.gif") is library.get("/a.gif")
    assert library.scaled("/a.gif", 32) is library.scaled("/a.gif", 32)
    image = Image.open(io.BytesIO(library.scaled("/a.gif", 32).data))
    assert (image.format, image.size) == ("GIF", (32, 24))


def test_manual_clock():
    clock = ManualClock()
    assert clock.started_at == clock.now() == DEFAULT_START
    assert clock.advance(5) == DEFAULT_START + 5
    assert clock.elapsed() == 5
    clock.set(DEFAULT_START - 10)
    assert clock.now() == DEFAULT_START - 10


def test_instance_is_invisible_before_its_first_page():
    instance = data.default_dataset().instance(
        data.NORTHWIND_ACCOUNT_ID, data.LIVE_UNIQUE_ID
    )
    assert instance is not None
    assert instance.snapshot(DEFAULT_START, DEFAULT_START - 3600) is None
    snapshot = instance.snapshot(DEFAULT_START, DEFAULT_START)
    assert snapshot is not None
    assert snapshot.live is True


def test_plain_text_matches_the_captured_summary():
    # The exact pair of CAP-FF and CAP-SUM.
    html = (
        "<p>Question 1 Header </p> <p>&#160; </p> "
        "<p>DTMF for history search = 0407013 </p>"
    )
    assert (
        render.plain_text(html)
        == "Question 1 Header \u00a0 DTMF for history search = 0407013"
    )
    assert render.plain_text("<p>Question 1 Footer </p>") == "Question 1 Footer"


def test_plain_text_separates_paragraphs_and_decodes_entities():
    assert render.plain_text("<p>A&amp;B</p><p><b>bold</b>&#39;s</p>") == "A&B bold's"
    assert render.plain_text("") == ""


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("First Name", "firstName"),
        ("Customer ID", "customerId"),
        ("Target Telephony Queue", "targetTelephonyQueue"),
        ("Wi-Fi Name", "wiFiName"),
        ("Language", "language"),
    ],
)
def test_lower_camel(name, key):
    assert data.lower_camel(name) == key


def test_element_id_format():
    value = data.element_id("flow", "page", "question")
    assert re.fullmatch(r"\d{13}-[0-9a-f]{39}-[0-9a-f]{4}", value)
    assert value == data.element_id("flow", "page", "question")
    assert value != data.element_id("flow", "page", "other")
