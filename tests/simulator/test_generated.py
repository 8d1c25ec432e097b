"""Generated interactions (``--generated``): gen-<digits> IDs, NPA-555-2XXX numbers."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.urls import reverse
from PIL import Image

from interactions.simulator import data
from interactions.simulator.clock import ManualClock
from interactions.simulator.generated import generated_interaction
from tests.support.console import logged_in, make_user, sim_account
from tests.support.simulator import RunningSimulator, running_simulator

ACME = data.ACME_ACCOUNT_ID
NORTHWIND = data.NORTHWIND_ACCOUNT_ID
BASE = f"/interact/agent/version/2/account/{ACME}"


@pytest.fixture
def generated() -> Iterator[RunningSimulator]:
    with running_simulator(generated=True) as simulator:
        yield simulator


def full_flow(simulator: RunningSimulator, uid: str, account: str = ACME) -> bytes:
    base = f"/interact/agent/version/2/account/{account}"
    response = simulator.get(f"{base}/interactiondata/{uid}/fullFlow", account=account)
    assert response.status == 200, (uid, response.status)
    return response.body


def a_generated_id_with_a_photo() -> tuple[str, str]:
    for number in range(1, 100):
        uid = f"gen-{number}"
        found = generated_interaction(uid, ACME, "America/New_York")
        assert found is not None
        if found.photos.paths():
            return uid, found.photos.paths()[0]
    raise AssertionError("no generated interaction with a photo in gen-1..99")


def test_generated_ids_are_deterministic(generated):
    first = [full_flow(generated, f"gen-{n}") for n in range(1, 6)]
    generated_interaction.cache_clear()  # as if in another process
    with running_simulator(generated=True) as another:
        again = [full_flow(another, f"gen-{n}") for n in range(1, 6)]
    assert first == again


def test_generated_ids_are_distinct(generated):
    summaries = {
        generated.get(f"{BASE}/interactiondata/gen-{n}/summary", account=ACME).body
        for n in range(40)
    }
    assert len(summaries) == 40
    # Leading zeros make another interaction.
    assert full_flow(generated, "gen-7") != full_flow(generated, "gen-007")


def test_all_five_methods_answer_for_a_generated_id(generated):
    uid, photo = a_generated_id_with_a_photo()
    summary = generated.get(f"{BASE}/interactiondata/{uid}/summary", account=ACME)
    assert summary.status == 200
    assert summary.json()  # at least one step with an answer
    for set_id in data.DEMO_ACCOUNTS[0].variable_sets:
        answer = generated.get(
            f"{BASE}/interactiondata/{uid}/variableSet/{set_id}", account=ACME
        )
        assert answer.status == 200, set_id
        assert all(answer.json()["voice"]["data"].values())
    looked_up = generated.get(f"{BASE}/uniqueId/historySearchId/{uid}", account=ACME)
    assert looked_up.json() == {"uniqueId": uid}
    image = generated.get(
        f"{BASE}/photo/{uid}/{quote(quote(photo, safe=''), safe='')}?maxSize=320",
        account=ACME,
    )
    assert image.status == 200
    with Image.open(io.BytesIO(image.body)) as picture:
        assert max(picture.size) == 320
    # Another interaction's photo path is not this one's.
    other = photo.replace(uid, "gen-999999")
    missing = generated.get(
        f"{BASE}/photo/{uid}/{quote(quote(other, safe=''), safe='')}?maxSize=320",
        account=ACME,
    )
    assert missing.status == 404


@pytest.mark.parametrize("phone", ["2125552001", "+12125552001"])
def test_phone_numbers_of_the_pattern_find_a_generated_id(generated, phone):
    for kind in ("callReturn", "clickToCall"):
        response = generated.get(f"{BASE}/uniqueId/{kind}/{phone}", account=ACME)
        assert response.json() == {"uniqueId": "gen-2125552001"}
    by_phone = generated.get(
        f"{BASE}/interactiondata/{quote(phone)}/fullFlow/byCallerAttribute",
        account=ACME,
    )
    assert by_phone.status == 200
    assert by_phone.body == full_flow(generated, "gen-2125552001")


def test_other_numbers_and_ids_stay_not_found(generated):
    for value in ("2125550199", "gen-", "gen-x1", "gen-1234567890123456789"):
        response = generated.get(f"{BASE}/uniqueId/callReturn/{value}", account=ACME)
        assert response.status == 404, value
        flow = generated.get(f"{BASE}/interactiondata/{value}/fullFlow", account=ACME)
        assert flow.status == 404, value
    # The seed data is served as before.
    assert full_flow(generated, data.LEADING_ZERO_UNIQUE_ID)


def test_every_account_answers_generated_ids(generated):
    assert full_flow(generated, "gen-5", account=NORTHWIND)


def test_without_the_switch_generated_ids_are_not_found(simulator):
    response = simulator.get(f"{BASE}/interactiondata/gen-1/fullFlow", account=ACME)
    assert response.status == 404
    lookup = simulator.get(f"{BASE}/uniqueId/callReturn/2125552001", account=ACME)
    assert lookup.status == 404


def test_the_console_renders_a_generated_interaction(db):
    import time

    with running_simulator(
        generated=True, clock=ManualClock(start=time.time())
    ) as simulator:
        account = sim_account(data.DEMO_ACCOUNTS[0], simulator.base_url)
        web = logged_in(make_user("gena", "agent", [account]))
        found = web.post(
            reverse("interactions:lookup"),
            {"query": "(212) 555-2001", "kind": "phone", "account": account.slug},
        )
        detail = reverse("interactions:detail", args=[account.slug, "gen-2125552001"])
        assert found.status_code == 302
        assert found["Location"] == detail
        body = web.get(detail).content.decode()
        flow = simulator.get(
            f"{BASE}/interactiondata/gen-2125552001/fullFlow", account=ACME
        ).json()
        title = flow[0]["pageNavigation"]["navigationTitle"]
        assert "gen-2125552001" in body
        assert title in body  # the flow's name, from its first page
        assert re.search(r"Completed|Abandoned at step \d+", body)  # not live
        assert "Question 1 of" in body
