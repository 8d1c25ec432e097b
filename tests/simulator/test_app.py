"""The simulator's routes, credentials checks and error answers, over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest

from interactions.simulator import data
from interactions.simulator.app import UNAUTHORIZED_BODY
from tests.support.simulator import SimulatorResponse, account_headers

ACME = data.ACME_ACCOUNT_ID
NORTHWIND = data.NORTHWIND_ACCOUNT_ID
BASE = f"/interact/agent/version/2/account/{ACME}"
NW_BASE = f"/interact/agent/version/2/account/{NORTHWIND}"
JSON_TYPE = "application/json;charset=UTF-8"
TEXT_TYPE = "text/plain;charset=UTF-8"
EXPECTED_401 = {
    "code": "0x7000000",
    "message": "Request is unauthorized, missing or wrong credentials",
    "moreInfoUrl": "http://support.uniphore.com",
}


# --- unique ID -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "unique_id"),
    [
        ("dtmf", "0407013", data.LEADING_ZERO_UNIQUE_ID),
        ("callReturn", "6175550142", data.NORTHWIND_BILLING_UNIQUE_ID),
        ("clickToCall", "4155550199", data.ROUTER_UNIQUE_ID),
        ("historySearchId", "nw-live-7301846", data.LIVE_UNIQUE_ID),
    ],
)
def test_unique_id_lookup_by_each_attribute(simulator, kind, value, unique_id):
    account = ACME if unique_id == data.LEADING_ZERO_UNIQUE_ID else NORTHWIND
    response = simulator.get(
        f"/interact/agent/version/2/account/{account}/uniqueId/{kind}/{value}",
        account=account,
    )
    assert response.status == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.json() == {"uniqueId": unique_id}


def test_unique_id_keeps_leading_zeros(simulator):
    response = simulator.get(
        f"{BASE}/uniqueId/historySearchId/blue-p4ff56al8", account=ACME
    )
    assert response.body == b'{"uniqueId": "040100713"}'


def test_unique_id_of_shared_phone_lists_both_newest_first(simulator):
    response = simulator.get(
        f"{BASE}/uniqueId/callReturn/{data.SHARED_PHONE}", account=ACME
    )
    assert response.status == 200
    assert response.json() == [{"uniqueId": "0909015"}, {"uniqueId": "040100713"}]


def test_unique_id_matches_only_the_named_attribute(simulator):
    # 2125550100 is a call return number, not a click-to-call caller id.
    response = simulator.get(
        f"{BASE}/uniqueId/clickToCall/{data.SHARED_PHONE}", account=ACME
    )
    assert response.status == 404
    assert response.text == "interaction was not found"
    assert response.headers["Content-Type"] == TEXT_TYPE


def test_unique_id_has_no_dnid_form(simulator):
    response = simulator.get(f"{BASE}/uniqueId/dnid/550113", account=ACME)
    assert response.status == 404


def test_unique_id_of_other_account_is_not_found(simulator):
    response = simulator.get(f"{BASE}/uniqueId/dtmf/7301", account=ACME)
    assert response.status == 404


# --- full flow ---------------------------------------------------------------


def test_full_flow_lists_every_page_in_order(simulator):
    response = simulator.get(f"{BASE}/interactiondata/040100713/fullFlow", account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    pages = response.json()
    titles = [page["pageNavigation"]["navigationTitle"] for page in pages]
    assert titles == [
        "Report a car accident",
        "Your policy",
        "What happened?",
        "Your cover",
        "Damaged areas",
        "Photos of the damage",
        "Describe the damage",
        "How can we reach you?",
        "Claim submitted",
    ]
    timestamps = [page["timestamp"] for page in pages]
    assert all(isinstance(t, int) for t in timestamps)
    assert timestamps == sorted(timestamps)
    # Finished two hours before the simulator's start.
    assert timestamps[-1] == int((simulator.clock.started_at - 2 * 3600) * 1000)


def test_full_flow_page_has_captured_shape(simulator):
    pages = simulator.get(
        f"{BASE}/interactiondata/040100713/fullFlow", account=ACME
    ).json()
    page = pages[1]
    assert set(page) == {
        "pageNavigation",
        "pageContent",
        "pageMenu",
        "language",
        "timestamp",
    }
    navigation = page["pageNavigation"]
    assert navigation["pageReferenceName"] == "Policy"
    assert navigation["navigationRight"] == {
        "buttonState": "NORMAL",
        "buttonVisible": True,
        "buttonLabel": "BTN_NEXT",
        "buttonAction": "server://navigationType?type=NEXT&shouldSendFormData=true",
    }
    assert navigation["navigationLeft"]["buttonAction"] == (
        "server://navigationType?type=PREVIOUS&shouldSendFormData=false"
    )
    assert page["language"] == "en"
    assert page["pageMenu"]["menuButtons"][0]["buttonImageName"] == "icon_more.png"
    content = page["pageContent"]
    assert content["allowVerticalScroll"] is True
    assert content["allowHorizonalScroll"] is False
    section = content["contentSections"][0]
    assert section["sectionHeader"]["id"] == section["id"]
    assert section["sectionHeader"]["innerHtml"] == (
        "<p>You can find it on your insurance card&#160;<b>(10&#160;characters)</b></p>"
    )
    assert section["sectionLabel"] == "Policy number"
    assert section["selectionType"] == "SINGLE"
    assert section["referenceName"] == "Policy Number"
    (choice,) = section["sectionChoices"]
    assert choice["choiceValue"] == "AC-4418207"
    assert choice["textInput"]["textInputFormat"] == "TEXT"
    assert choice["textInput"]["id"] == section["id"]


def test_full_flow_element_ids_look_like_designer_ids(simulator):
    pages = simulator.get(
        f"{BASE}/interactiondata/040100713/fullFlow", account=ACME
    ).json()
    section_id = pages[1]["pageContent"]["contentSections"][0]["id"]
    millis, digest, tail = section_id.split("-")
    assert len(millis) == 13
    assert len(digest) == 39
    assert len(tail) == 4


def test_full_flow_first_and_last_page_buttons(simulator):
    pages = simulator.get(
        f"{BASE}/interactiondata/040100713/fullFlow", account=ACME
    ).json()
    first, last = pages[0]["pageNavigation"], pages[-1]["pageNavigation"]
    assert first["navigationLeft"]["buttonAction"] == (
        "local://navigationType?type=BACK_TO_COVER_APP"
    )
    assert last["navigationRight"]["buttonAction"] == (
        "server://navigationType?type=FINISH&shouldSendFormData=true"
    )
    assert "contentSections" not in pages[0]["pageContent"]
    assert pages[0]["pageContent"]["contentHeader"]["innerHtml"].startswith(
        "<p><b>Acme Insurance</b> &amp; you</p>"
    )


def _section(pages: list[dict[str, Any]], reference_name: str) -> Any:
    for page in pages:
        for section in page["pageContent"].get("contentSections", []):
            if section["referenceName"] == reference_name:
                return section
    raise AssertionError(reference_name)


def test_full_flow_marks_selected_options(simulator):
    pages = simulator.get(
        f"{BASE}/interactiondata/040100713/fullFlow", account=ACME
    ).json()
    section = _section(pages, "Damage Areas")
    assert section["selectionType"] == "MULTIPLE"
    selected = {c["choiceValue"]: c["selected"] for c in section["sectionChoices"]}
    assert selected == {
        "front_bumper": True,
        "rear_bumper": False,
        "left_door": False,
        "right_door": False,
        "windscreen": False,
        "bonnet": True,
    }
    choice = section["sectionChoices"][0]
    assert choice["choiceLabel"] == "Front bumper"
    assert choice["choiceOption"] == {"id": choice["id"]}


def test_full_flow_single_choice(simulator):
    pages = simulator.get(
        f"{BASE}/interactiondata/040100713/fullFlow", account=ACME
    ).json()
    section = _section(pages, "Incident Type")
    assert section["selectionType"] == "SINGLE"
    chosen = [c["choiceLabel"] for c in section["sectionChoices"] if c["selected"]]
    assert chosen == ["Collision with another vehicle"]


def test_full_flow_photos_in_upload_image_list(simulator):
    pages = simulator.get(
        f"{BASE}/interactiondata/040100713/fullFlow", account=ACME
    ).json()
    (choice,) = _section(pages, "Damage Photos")["sectionChoices"]
    assert choice["uploadImageList"] == {
        "images": [
            {"imagePath": data.EXIF_PHOTO_PATH},
            {"imagePath": data.PNG_PHOTO_PATH},
        ]
    }


def test_full_flow_collection_table(simulator):
    pages = simulator.get(
        f"{BASE}/interactiondata/040100713/fullFlow", account=ACME
    ).json()
    section = _section(pages, "Coverage Table")
    assert section["displayStyle"] == "TableRows"
    assert section["tableHeaders"][0] == {
        "field": "coverage",
        "header": "Cover",
        "align": "left",
    }
    assert "sectionLabel" not in section
    first, second = section["sectionChoices"][:2]
    assert first["id"].endswith(":0")
    assert second["id"].endswith(":1")
    assert first["referenceName"] == "Coverage Table:1"
    assert first["collectionItem"] == {
        "coverage": "Accidental damage",
        "limit": "Market value",
        "excess": "$500",
    }
    assert first["firstName"] == "coverage"


def test_full_flow_keeps_tricky_answers_verbatim(simulator):
    pages = simulator.get(
        f"{NW_BASE}/interactiondata/4412087/fullFlow", account=NORTHWIND
    ).json()
    (choice,) = _section(pages, "Dispute Details")["sectionChoices"]
    assert choice["choiceValue"] == (
        '<script>alert(1)</script> The shop said roaming was "free" in 東京 & the EU.'
    )
    (holder,) = _section(pages, "Account Holder")["sectionChoices"]
    assert holder["choiceValue"] == "José Álvarez"


def test_full_flow_is_utf8_not_escaped(simulator):
    response = simulator.get(f"{BASE}/interactiondata/040100713/fullFlow", account=ACME)
    assert "Zoë Ångström".encode() in response.body


def test_full_flow_shows_back_navigation(simulator):
    pages = simulator.get(
        f"{BASE}/interactiondata/{data.UUID_UNIQUE_ID}/fullFlow", account=ACME
    ).json()
    refs = [page["pageNavigation"]["pageReferenceName"] for page in pages]
    assert refs[4:8] == ["Damage", "Photos", "Damage", "Photos"]
    first_visit = _section([pages[4]], "Damage Areas")
    second_visit = _section([pages[6]], "Damage Areas")
    assert [
        c["choiceValue"] for c in first_visit["sectionChoices"] if c["selected"]
    ] == ["rear_bumper"]
    assert [
        c["choiceValue"] for c in second_visit["sectionChoices"] if c["selected"]
    ] == [
        "rear_bumper",
        "left_door",
    ]
    assert pages[5]["pageNavigation"]["navigationLeft"]["buttonAction"].startswith(
        "server://navigationType?type=PREVIOUS"
    )
    (empty,) = _section([pages[5]], "Damage Photos")["sectionChoices"]
    assert empty["uploadImageList"] == {"images": []}


def test_full_flow_of_unknown_instance_is_404(simulator):
    response = simulator.get(f"{BASE}/interactiondata/999999/fullFlow", account=ACME)
    assert response.status == 404
    assert response.text == "interaction was not found"


def test_full_flow_of_other_accounts_instance_is_404(simulator):
    response = simulator.get(f"{BASE}/interactiondata/959595/fullFlow", account=ACME)
    assert response.status == 404


# --- summary -------------------------------------------------------------------


def test_summary_has_captured_shape(simulator):
    response = simulator.get(f"{BASE}/interactiondata/040100713/summary", account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    summary = response.json()
    assert set(summary) == {"name", "id", "uniqueId", "pages"}
    assert summary["name"] == "Motor Claim FNOL"
    assert summary["uniqueId"] == "040100713"
    page = summary["pages"][0]
    assert set(page) == {"pageTitle", "time", "timeZone", "pageContent"}
    assert page["pageTitle"] == "Your policy"
    # New York in June is UTC-4.
    assert page["timeZone"] == -240
    assert page["pageContent"][0] == {
        "id": page["pageContent"][0]["id"],
        "question": "Policy number",
        "header": "You can find it on your insurance card\u00a0(10\u00a0characters)",
        "footer": "Example: AC-1234567",
        "answer": "AC-4418207",
    }


def test_summary_lists_only_pages_with_input(simulator):
    summary = simulator.get(
        f"{BASE}/interactiondata/040100713/summary", account=ACME
    ).json()
    titles = [page["pageTitle"] for page in summary["pages"]]
    assert titles == [
        "Your policy",
        "What happened?",
        "Damaged areas",
        "Photos of the damage",
        "Describe the damage",
        "How can we reach you?",
    ]


def test_summary_ids_and_times_match_the_full_flow(simulator):
    summary = simulator.get(
        f"{BASE}/interactiondata/040100713/summary", account=ACME
    ).json()
    pages = simulator.get(
        f"{BASE}/interactiondata/040100713/fullFlow", account=ACME
    ).json()
    assert summary["pages"][0]["time"] == pages[1]["timestamp"]
    assert (
        summary["pages"][0]["pageContent"][0]["id"]
        == (pages[1]["pageContent"]["contentSections"][0]["id"])
    )


def test_summary_answers_selected_labels_and_photo_names(simulator):
    summary = simulator.get(
        f"{BASE}/interactiondata/040100713/summary", account=ACME
    ).json()
    answers = {
        item["question"]: item["answer"]
        for page in summary["pages"]
        for item in page["pageContent"]
    }
    assert answers["Which parts of the car are damaged?"] == "Front bumper, Bonnet"
    assert answers["What happened to your car?"] == "Collision with another vehicle"
    assert (
        answers["Upload photos of the damage"]
        == "IMG_20250601_101512.jpg, i1152998579.png"
    )


def test_summary_headers_are_plain_text(simulator):
    summary = simulator.get(
        f"{BASE}/interactiondata/040100713/summary", account=ACME
    ).json()
    photos = next(
        p for p in summary["pages"] if p["pageTitle"] == "Photos of the damage"
    )
    item = photos["pageContent"][0]
    assert (
        item["header"]
        == "Take photos in daylight\u00a0\u2013 one close-up, one from 3\u00a0m away."
    )
    assert item["footer"] == "JPG, PNG or GIF, up to 10\u00a0MB each."


def test_summary_time_zone_follows_the_customer(simulator):
    summary = simulator.get(
        f"{BASE}/interactiondata/{data.UUID_UNIQUE_ID}/summary", account=ACME
    ).json()
    assert {page["timeZone"] for page in summary["pages"]} == {540}  # Tokyo


def test_summary_keeps_both_visits_of_a_revisited_page(simulator):
    summary = simulator.get(
        f"{BASE}/interactiondata/{data.UUID_UNIQUE_ID}/summary", account=ACME
    ).json()
    damage = [p for p in summary["pages"] if p["pageTitle"] == "Damaged areas"]
    assert [p["pageContent"][0]["answer"] for p in damage] == [
        "Rear bumper",
        "Rear bumper, Left door",
    ]


def test_summary_of_unknown_instance_is_404(simulator):
    response = simulator.get(f"{BASE}/interactiondata/nope/summary", account=ACME)
    assert response.status == 404
    assert response.text == "interaction was not found"


# --- variable sets -------------------------------------------------------------


def test_variable_set_wraps_strings_in_voice_data(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/040100713/variableSet/customerInfoSet", account=ACME
    )
    assert response.status == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.json() == {
        "voice": {
            "data": {
                "firstName": "Zoë",
                "lastName": "Ångström",
                "customerId": "AC-88213",
                "phoneNumber": "2125550100",
                "targetTelephonyQueue": "claims-motor",
                "agentSkill": "motor-claims-tier1",
                "language": "en-us",
                "customerProfile": "gold",
            }
        }
    }


def test_variable_set_reflects_answers(simulator):
    body = simulator.get(
        f"{BASE}/interactiondata/040100713/variableSet/claimDataSet", account=ACME
    ).json()
    assert body["voice"]["data"] == {
        "policyNumber": "AC-4418207",
        "claimType": "Collision with another vehicle",
        "incidentLocation": "Junction of Main St & 5th Ave, Springfield",
        "damageAreas": "Front bumper, Bonnet",
        "photoCount": "2",
        "claimReference": "CLM-2025-040713",
    }


def test_variable_set_unset_values_are_empty_strings(simulator):
    body = simulator.get(
        f"{BASE}/interactiondata/0909015/variableSet/routingDataSet", account=ACME
    ).json()
    assert body["voice"]["data"]["callbackNumber"] == ""
    assert body["voice"]["data"]["targetTelephonyQueue"] == "billing"


def test_variable_set_of_another_flow_is_404(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/0909015/variableSet/claimDataSet", account=ACME
    )
    assert response.status == 404
    assert response.text == "variable set was not found"


def test_variable_set_by_caller_attribute(simulator):
    response = simulator.get(
        f"{NW_BASE}/interactiondata/4321/variableSet/deviceInfoSet/byCallerAttribute"
        "?widerSearch=false",
        account=NORTHWIND,
    )
    assert response.status == 200
    assert response.json()["voice"]["data"]["wiFiName"] == "Northwind-5G-7F3A"


# --- credentials ------------------------------------------------------------


def _assert_unauthorized(response: SimulatorResponse, reason: str) -> None:
    assert response.status == 401
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.headers["Unauthenticated-Reason"] == reason
    assert response.json() == EXPECTED_401
    assert json.loads(response.body) == UNAUTHORIZED_BODY


def test_missing_tenant_is_401(simulator):
    headers = account_headers(ACME)
    del headers["Tenant-Id"]
    response = simulator.get(
        f"{BASE}/interactiondata/040100713/summary", headers=headers
    )
    _assert_unauthorized(response, "missing Tenant-Id")


def test_wrong_tenant_is_401(simulator):
    headers = {**account_headers(ACME), "Tenant-Id": NORTHWIND}
    response = simulator.get(
        f"{BASE}/interactiondata/040100713/summary", headers=headers
    )
    _assert_unauthorized(response, "Tenant-Id does not match the account")


def test_missing_key_is_401(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/040100713/summary", headers={"Tenant-Id": ACME}
    )
    _assert_unauthorized(response, "missing Application-Key")


def test_wrong_key_is_401(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/040100713/summary",
        headers={"Tenant-Id": ACME, "Application-Key": "not-the-key"},
    )
    _assert_unauthorized(response, "wrong Application-Key")


def test_other_accounts_key_is_401(simulator):
    northwind_key = account_headers(NORTHWIND)["Application-Key"]
    response = simulator.get(
        f"{BASE}/interactiondata/040100713/summary",
        headers={"Tenant-Id": ACME, "Application-Key": northwind_key},
    )
    _assert_unauthorized(response, "wrong Application-Key")


def test_wrong_environment_is_401(simulator):
    headers = {**account_headers(NORTHWIND), "Environment-Name": "TEST"}
    response = simulator.get(
        f"{NW_BASE}/interactiondata/959595/summary", headers=headers
    )
    _assert_unauthorized(response, "wrong Environment-Name")


def test_environment_is_optional(simulator):
    headers = account_headers(NORTHWIND)
    del headers["Environment-Name"]
    response = simulator.get(
        f"{NW_BASE}/interactiondata/959595/summary", headers=headers
    )
    assert response.status == 200


def test_unknown_account_is_401(simulator):
    response = simulator.get(
        "/interact/agent/version/2/account/nobody/interactiondata/1/summary",
        headers={"Tenant-Id": "nobody", "Application-Key": "x"},
    )
    _assert_unauthorized(response, "unknown account")


def test_credentials_are_checked_before_the_route(simulator):
    response = simulator.get(f"{BASE}/no/such/route")
    assert response.status == 401


def test_credentials_are_checked_before_the_version(simulator):
    response = simulator.get(
        "/interact/agent/version/9/account/12345678/uniqueId/dtmf/1"
    )
    assert response.status == 401


# --- version, routes, methods, parameters --------------------------------------


@pytest.mark.parametrize("version", ["1", "2", "v1", "v2"])
def test_supported_versions(simulator, version):
    response = simulator.get(
        f"/interact/agent/version/{version}/account/{ACME}/uniqueId/dtmf/0407013",
        account=ACME,
    )
    assert response.status == 200


@pytest.mark.parametrize("version", ["3", "V2", "2.0", "v"])
def test_unsupported_version_is_400(simulator, version):
    response = simulator.get(
        f"/interact/agent/version/{version}/account/{ACME}/uniqueId/dtmf/0407013",
        account=ACME,
    )
    assert response.status == 400
    assert response.headers["Content-Type"] == TEXT_TYPE
    assert response.text == "missing or invalid parameter version"


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/interactiondata/040100713/fullflow",  # case-sensitive (J-URI)
        f"{BASE}/interactiondata/040100713/fullFlow/",
        f"{BASE}/interactiondata/040100713",
        f"{BASE}/uniqueId/phone/2125550100",
        f"{BASE}/interactionData/040100713/summary",
        f"{BASE}",
    ],
)
def test_unknown_route_is_404(simulator, path):
    response = simulator.get(path, account=ACME)
    assert response.status == 404
    assert response.headers["Content-Type"] == TEXT_TYPE
    assert response.text == "resource was not found"


def test_path_outside_the_api_is_404(simulator):
    response = simulator.get("/interact/version/2/account/12345678/x", account=ACME)
    assert response.status == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_non_get_is_405(simulator, method):
    response = simulator.get(
        f"{BASE}/interactiondata/040100713/summary", account=ACME, method=method
    )
    assert response.status == 405
    assert response.headers["Allow"] == "GET"


def test_invalid_wider_search_is_400(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/0407013/summary/byCallerAttribute?widerSearch=maybe",
        account=ACME,
    )
    assert response.status == 400
    assert response.text == "missing or invalid parameter widerSearch"


def test_encoded_slash_in_unique_id_is_400(simulator):
    response = simulator.get(
        f"{BASE}/interactiondata/0401%2F00713/summary", account=ACME
    )
    assert response.status == 400
    assert response.text == "missing or invalid parameter uid"


def test_control_character_in_value_is_400(simulator):
    response = simulator.get(f"{BASE}/uniqueId/dtmf/04%0A07013", account=ACME)
    assert response.status == 400
    assert response.text == "missing or invalid parameter dtmf"


def test_overlong_value_is_400(simulator):
    response = simulator.get(
        f"{BASE}/uniqueId/historySearchId/{'a' * 300}", account=ACME
    )
    assert response.status == 400
    assert response.text == "missing or invalid parameter historySearchId"


def test_empty_value_is_400(simulator):
    response = simulator.get(f"{BASE}/interactiondata//fullFlow", account=ACME)
    assert response.status == 400
    assert response.text == "missing or invalid parameter uid"


# --- recorded hits ----------------------------------------------------------------


def test_hits_record_method_raw_path_query_and_headers(simulator):
    path = f"{BASE}/interactiondata/0407013/summary/byCallerAttribute?widerSearch=true"
    simulator.get(path, account=ACME, headers={"User-Agent": "Chrome/31.0"})
    (hit,) = simulator.hits
    assert hit.method == "GET"
    assert hit.path == f"{BASE}/interactiondata/0407013/summary/byCallerAttribute"
    assert hit.query == "widerSearch=true"
    assert hit.params == {"widerSearch": ["true"]}
    assert hit.api_method == "summary"
    assert hit.headers["Tenant-Id"] == ACME
    assert hit.headers["Application-Key"] == account_headers(ACME)["Application-Key"]
    assert hit.headers["User-Agent"] == "Chrome/31.0"
    assert "Content-Type" not in hit.headers


def test_hits_start_empty_and_count_rejected_requests(simulator):
    assert simulator.hits == []
    simulator.get(f"{BASE}/interactiondata/040100713/summary")
    simulator.get("/favicon.ico")
    assert [hit.api_method for hit in simulator.hits] == ["summary", None]
