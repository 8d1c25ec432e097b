"""The live interaction, byCallerAttribute look-ups and the text/plain switch."""

from __future__ import annotations

from typing import Any

import pytest

from interactions.simulator import data
from tests.support.simulator import RunningSimulator, running_simulator

ACME = data.ACME_ACCOUNT_ID
NORTHWIND = data.NORTHWIND_ACCOUNT_ID
BASE = f"/interact/agent/version/2/account/{ACME}"
NW_BASE = f"/interact/agent/version/2/account/{NORTHWIND}"
LIVE = data.LIVE_UNIQUE_ID


def live_pages(simulator: RunningSimulator) -> Any:
    return simulator.get(
        f"{NW_BASE}/interactiondata/{LIVE}/fullFlow", account=NORTHWIND
    ).json()


# --- the live interaction ------------------------------------------------------


def test_live_interaction_starts_with_three_pages(simulator):
    pages = live_pages(simulator)
    assert len(pages) == data.LIVE_INITIAL_PAGES == 3
    assert pages[-1]["pageNavigation"]["navigationTitle"] == "Check the lights"


def test_live_interaction_gains_a_page_every_five_seconds(simulator):
    simulator.clock.advance(4.9)
    assert len(live_pages(simulator)) == 3
    simulator.clock.advance(0.1)
    pages = live_pages(simulator)
    assert len(pages) == 4
    assert pages[-1]["timestamp"] == int((simulator.clock.started_at + 5) * 1000)
    simulator.clock.advance(10)
    assert len(live_pages(simulator)) == 6


def test_live_interaction_finishes_after_eight_more_pages(simulator):
    simulator.clock.advance(8 * data.LIVE_PAGE_INTERVAL)
    pages = live_pages(simulator)
    assert len(pages) == data.LIVE_TOTAL_PAGES == 11
    assert pages[-1]["pageNavigation"]["navigationRight"]["buttonAction"] == (
        "server://navigationType?type=FINISH&shouldSendFormData=true"
    )
    simulator.clock.advance(3600)
    assert len(live_pages(simulator)) == 11


def test_live_summary_follows_the_clock(simulator):
    url = f"{NW_BASE}/interactiondata/{LIVE}/summary"
    before = simulator.get(url, account=NORTHWIND).json()
    assert [p["pageTitle"] for p in before["pages"]] == [
        "Your router",
        "Check the lights",
    ]
    simulator.clock.advance(15)
    after = simulator.get(url, account=NORTHWIND).json()
    assert [p["pageTitle"] for p in after["pages"]] == [
        "Your router",
        "Check the lights",
        "Photo of the lights",
        "Check the cables",
        "Your Wi-Fi",
    ]
    assert after["pages"][-1]["pageContent"][0]["answer"] == "Kenji-東京-WiFi"


def test_live_variable_set_follows_the_clock(simulator):
    url = f"{NW_BASE}/interactiondata/{LIVE}/variableSet/deviceInfoSet"
    assert simulator.get(url, account=NORTHWIND).json()["voice"]["data"] == {
        "routerModel": "Northwind Hub 5",
        "firmwareVersion": "",
        "wiFiName": "",
        "lightsStatus": "Power",
        "lineTestResult": "",
    }
    simulator.clock.advance(20)
    data_now = simulator.get(url, account=NORTHWIND).json()["voice"]["data"]
    assert data_now["wiFiName"] == "Kenji-東京-WiFi"
    assert data_now["lineTestResult"] == "sync OK, 12.0 Mbit/s (slow)"


def test_live_photo_appears_once_uploaded(simulator):
    segment = data.LIVE_BACK_PHOTO_PATH.replace("/", "%252F")
    url = f"{NW_BASE}/photo/{LIVE}/{segment}?maxSize=100"
    assert simulator.get(url, account=NORTHWIND).status == 404
    simulator.clock.advance(25)
    response = simulator.get(url, account=NORTHWIND)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/jpg;charset=UTF-8"


def test_finished_instances_do_not_change(simulator):
    url = f"{BASE}/interactiondata/040100713/fullFlow"
    before = simulator.get(url, account=ACME).body
    simulator.clock.advance(120)
    assert simulator.get(url, account=ACME).body == before


# --- byCallerAttribute -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unique_id"),
    [
        ("0407013", "040100713"),  # DTMF
        ("550113", "040100713"),  # DNID
        (data.HISTORY_SEARCH_ID, "040100713"),  # history search id
        ("4155550199", "959595"),  # click-to-call caller id
        ("4155550100", "959595"),  # call return number
        ("4322", LIVE),  # DNID of the live instance
    ],
)
def test_summary_by_each_caller_attribute(simulator, value, unique_id):
    account = ACME if unique_id.startswith("0401") else NORTHWIND
    response = simulator.get(
        f"/interact/agent/version/2/account/{account}/interactiondata/{value}/summary"
        "/byCallerAttribute?widerSearch=false",
        account=account,
    )
    assert response.status == 200
    assert response.json()["uniqueId"] == unique_id


def test_full_flow_by_caller_attribute(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/550109/fullFlow/byCallerAttribute?widerSearch=false",
        account=ACME,
    )
    assert response.status == 200
    titles = [p["pageNavigation"]["navigationTitle"] for p in response.json()]
    assert len(titles) == 9


def test_shared_phone_by_caller_attribute_gives_the_most_recent(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/{data.SHARED_PHONE}/summary/byCallerAttribute?widerSearch=true",
        account=ACME,
    )
    assert response.json()["uniqueId"] == data.SHARED_PHONE_UNIQUE_IDS[0] == "0909015"


def test_narrow_search_misses_instances_older_than_a_day(simulator):
    url = f"{BASE}/interactiondata/{data.OLD_ONLY_CALLER_ID}/summary/byCallerAttribute"
    assert simulator.get(f"{url}?widerSearch=false", account=ACME).status == 404
    wide = simulator.get(f"{url}?widerSearch=true", account=ACME)
    assert wide.status == 200
    assert wide.json()["uniqueId"] == data.UUID_UNIQUE_ID


def test_missing_wider_search_means_narrow(simulator):
    url = f"{BASE}/interactiondata/{data.OLD_ONLY_CALLER_ID}/summary/byCallerAttribute"
    assert simulator.get(url, account=ACME).status == 404


def test_wider_search_is_case_insensitive(simulator):
    url = f"{BASE}/interactiondata/{data.OLD_ONLY_CALLER_ID}/summary/byCallerAttribute"
    assert simulator.get(f"{url}?widerSearch=TRUE", account=ACME).status == 200


def test_narrow_window_moves_with_the_clock(simulator):
    url = f"{BASE}/interactiondata/0407013/summary/byCallerAttribute?widerSearch=false"
    assert simulator.get(url, account=ACME).status == 200
    simulator.clock.advance(22 * 3600 + 1)  # now 24 h + 1 s after its last page
    assert simulator.get(url, account=ACME).status == 404


def test_live_instance_is_found_by_narrow_search_even_when_old(simulator):
    simulator.clock.advance(30)  # still live
    response = simulator.get(
        f"{NW_BASE}/interactiondata/7301/fullFlow/byCallerAttribute?widerSearch=false",
        account=NORTHWIND,
    )
    assert response.status == 200
    assert len(response.json()) == 9


def test_unique_id_is_not_a_caller_attribute(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/040100713/summary/byCallerAttribute?widerSearch=true",
        account=ACME,
    )
    assert response.status == 404
    assert response.text == "interaction was not found"


# --- text/plain switch ---------------------------------------------------------------


def test_text_plain_switch_answers_the_bare_id(simulator):
    simulator.faults.unique_id_text_plain = True
    response = simulator.get(f"{BASE}/uniqueId/dtmf/0407013", account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/plain;charset=UTF-8"
    assert response.body == b"040100713"


def test_text_plain_switch_lists_one_id_per_line(simulator):
    simulator.faults.unique_id_text_plain = True
    response = simulator.get(
        f"{BASE}/uniqueId/callReturn/{data.SHARED_PHONE}", account=ACME
    )
    assert response.text == "0909015\n040100713"


def test_text_plain_constructor_flag():
    with running_simulator(unique_id_text_plain=True) as simulator:
        response = simulator.get(
            f"{BASE}/uniqueId/historySearchId/{data.HISTORY_SEARCH_ID}", account=ACME
        )
    assert response.headers["Content-Type"] == "text/plain;charset=UTF-8"
    assert response.text == "040100713"


def test_text_plain_switch_keeps_errors_as_they_are(simulator):
    simulator.faults.unique_id_text_plain = True
    response = simulator.get(f"{BASE}/uniqueId/dtmf/000", account=ACME)
    assert response.status == 404
