"""Every URL pattern, walked as each role, against tests/authz_matrix.csv.

R-AC-01 and R-AC-02: anonymous users, an agent, a supervisor and an admin of
account A, and an admin of another account B each get exactly the status
the matrix names; a URL pattern without a row fails the test, so a new view
cannot ship without a decision about who may open it. Objects named in the
URLs (interaction, photo, snapshot) all belong to account A.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from interactions import upstream
from interactions.models import InteractionSnapshot, XPlatformAccount
from interactions.simulator import data
from tests.support.console import logged_in_verified, make_user, sim_account
from tests.support.simulator import RunningSimulator

MATRIX = Path(__file__).with_name("authz_matrix.csv")
ROLES = ("anonymous", "agent", "supervisor", "admin", "admin_other")
ACME = data.DEMO_ACCOUNTS[0]
NORTHWIND = data.DEMO_ACCOUNTS[1]


def _matrix() -> dict[str, dict[str, str]]:
    with MATRIX.open(newline="", encoding="utf-8") as handle:
        return {row["url_name"]: row for row in csv.DictReader(handle)}


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner == "admin":
                names.add("admin:index")  # Django's own admin guards its views
                continue
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))
    return names


def test_every_url_pattern_has_a_row():
    assert _url_names() == set(_matrix())


@pytest.fixture
def home(simulator: RunningSimulator, db: None) -> XPlatformAccount:
    """Account A: the simulator's Acme, under its plain slug."""
    return sim_account(ACME, simulator.base_url, slug=ACME.slug)


@pytest.fixture
def away(simulator: RunningSimulator, db: None) -> XPlatformAccount:
    """Account B: the simulator's Northwind."""
    return sim_account(NORTHWIND, simulator.base_url, slug=NORTHWIND.slug)


@pytest.fixture
def world(home, away, agent_client, supervisor_client, console_admin_client):
    acme = home
    clients = {
        "anonymous": Client(),
        "agent": agent_client,
        "supervisor": supervisor_client,
        "admin": console_admin_client,
        "admin_other": logged_in_verified(
            make_user("admin_other", "admin", [away], staff=True)
        ),
    }
    uid = data.LEADING_ZERO_UNIQUE_ID
    interaction = upstream.interaction_fetch(account=acme, unique_id=uid)
    photo = next(p for p in interaction.photos if p.path == data.PNG_PHOTO_PATH)
    # The agent views the page and the photo: that stores a snapshot with
    # the thumbnail, which the review URLs name.
    agent = clients["agent"]
    assert (
        agent.get(reverse("interactions:detail", args=["acme", uid])).status_code == 200
    )
    thumb = reverse("interactions:photo", args=["acme", uid, photo.key, "thumb"])
    assert agent.get(thumb).status_code == 200
    snapshot = InteractionSnapshot.objects.get(account=acme, interaction_id=uid)
    assert snapshot.photos.filter(key=photo.key).exists()
    args = {
        "interactions:detail": ["acme", uid],
        # A result ID this session never kept: back to the search box.
        "interactions:lookup_result": ["kept-by-nobody"],
        "interactions:live": ["acme", uid],
        "interactions:photo": ["acme", uid, photo.key, "thumb"],
        "interactions:review-snapshot": [snapshot.pk],
        "interactions:review-snapshot-photo": [snapshot.pk, photo.key],
        "interactions:review-access-log": ["acme", uid],
        "api:interaction-detail": ["acme", uid],
        "api:interaction-photo": ["acme", uid, photo.key, "thumb"],
        "api:snapshot-detail": [snapshot.pk],
        "api:snapshot-photo": [snapshot.pk, photo.key],
    }
    bodies = {
        "interactions:lookup": {"query": "0407013", "kind": "dtmf", "account": "acme"},
        "interactions:theme": {"theme": "dark"},
        # English, the default: the walk's other answers stay as they were.
        "set_language": {"language": "en", "next": "/"},
    }
    json_bodies = {
        "api:lookup": {"account": "acme", "query": "0407013", "kind": "dtmf"},
    }
    return clients, args, bodies, json_bodies


def test_each_role_gets_what_the_matrix_says(world):
    clients, args, bodies, json_bodies = world
    mismatches = []
    # Signing out ends the sessions, so it goes last.
    rows = sorted(_matrix().items(), key=lambda item: item[0] == "logout")
    for name, row in rows:
        url = reverse(name, args=args.get(name, []))
        for role in ROLES:
            cache.clear()  # rate-limit counters and cached parts
            client = clients[role]
            if row["method"] == "POST" and name in json_bodies:
                response = client.post(
                    url, json_bodies[name], content_type="application/json"
                )
            elif row["method"] == "POST":
                response = client.post(url, bodies.get(name, {}))
            else:
                response = client.get(url)
            if response.status_code != int(row[role]):
                mismatches.append(
                    f"{name} as {role}: {response.status_code}, want {row[role]}"
                )
    assert mismatches == []


def test_anonymous_redirects_go_to_the_login_page(world):
    clients, args, _, _ = world
    for name, row in _matrix().items():
        if row["anonymous"] != "302" or name == "logout":
            continue
        url = reverse(name, args=args.get(name, []))
        method = (
            clients["anonymous"].post
            if row["method"] == "POST"
            else clients["anonymous"].get
        )
        location = method(url)["Location"]
        assert "/login/" in location, (name, location)
