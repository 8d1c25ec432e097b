"""GET /api/v1/accounts/<slug>/interactions/<unique_id> against the simulator."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from interactions.simulator import data
from tests.api.support import assert_error, detail_url, rows
from tests.conftest import SIM_ACME as ACME


def test_shows_header_answers_steps_variables_and_photos(api):
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert response.status_code == 200
    body = response.json()
    assert body["unique_id"] == data.LEADING_ZERO_UNIQUE_ID
    assert body["flow_name"] == "Motor Claim FNOL"
    assert body["account"] == {
        "slug": "sim-acme",
        "name": "Acme Insurance",
        "time_zone": "America/New_York",
    }
    assert body["live"] is False
    assert body["started_at"] < body["last_activity"]
    assert body["data_as_of"]
    assert body["page_url"].endswith(f"/a/sim-acme/i/{data.LEADING_ZERO_UNIQUE_ID}/")
    # Answers in order, non-ASCII kept.
    answers = [a["answer"] for a in body["answers"]]
    assert answers.index("AC-4418207") < answers.index("Zoë Ångström")
    # Steps: selected choices in place, the last page marked.
    assert body["steps"][-1]["is_last"] is True
    options = [
        o
        for step in body["steps"]
        for section in step["sections"]
        for o in section["options"]
    ]
    assert {"label": "Collision with another vehicle", "selected": True} in options
    # Variable sets, one per configured set.
    sets = {s["set_id"]: s for s in body["variable_sets"]}
    assert list(sets) == ACME.variable_sets
    customer = {r["name"]: r["value"] for r in sets["customerInfoSet"]["rows"]}
    assert customer["firstName"] == "Zoë"
    assert sets["customerInfoSet"]["error"] is None
    # Photos with API URLs, referenced from their step.
    assert len(body["photos"]) == 2
    photo = body["photos"][0]
    assert photo["thumbnail_url"] == (
        f"http://testserver{detail_url(data.LEADING_ZERO_UNIQUE_ID)}"
        f"/photos/{photo['key']}/thumb"
    )
    assert photo["full_url"].endswith(f"/photos/{photo['key']}/full")
    keys = {
        key
        for step in body["steps"]
        for section in step["sections"]
        for key in section["photo_keys"]
    }
    assert keys == {p["key"] for p in body["photos"]}
    assert body["errors"] == {"summary": None, "flow": None}
    assert "Answers:\n- Policy number: AC-4418207" in body["summary_text"]


def test_says_the_language_of_the_customers_text(api):
    body = api.get(detail_url(data.HEBREW_UNIQUE_ID)).json()
    assert body["language"] == "he"
    assert {step["language"] for step in body["steps"]} == {"he"}
    assert [a["language"] for a in body["answers"]] == ["he"] * len(body["answers"])
    assert data.HEBREW_ANSWER in [a["answer"] for a in body["answers"]]
    assert body["stopped_at"]["language"] == "he"
    english = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).json()
    assert english["language"] == "en"
    assert {photo["language"] for photo in english["photos"]} == {"en"}


def test_collection_table_comes_as_columns_and_rows(api):
    body = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).json()
    tables = [
        section["table"]
        for step in body["steps"]
        for section in step["sections"]
        if section["kind"] == "table"
    ]
    assert tables, "the claim flow has a collection table"
    table = tables[0]
    assert table["columns"]
    assert all(len(row) == len(table["columns"]) for row in table["rows"])


def test_back_navigation_is_marked(api):
    body = api.get(detail_url(data.BACK_NAVIGATION_UNIQUE_ID)).json()
    revisits = [s for s in body["steps"] if s["is_revisit"]]
    assert revisits
    assert all(s["revisit_of"] < s["number"] for s in revisits)


def test_view_is_recorded_like_the_page_with_source_api(api):
    api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    (row,) = rows()
    assert row.action == "view"
    assert row.outcome == "found"
    assert row.source == "api"
    assert row.flow_name == "Motor Claim FNOL"
    assert row.has_photos is True
    assert row.interaction_id == data.LEADING_ZERO_UNIQUE_ID


def test_other_accounts_interaction_is_404_denied_with_zero_upstream_calls(
    api, simulator
):
    response = api.get(detail_url(data.ROUTER_UNIQUE_ID, slug="sim-northwind"))
    assert_error(response, 404, "not_found")
    assert simulator.hits == []
    (row,) = rows()
    assert row.outcome == "denied"
    assert row.action == "view"
    assert row.account_slug == "sim-northwind"
    assert row.source == "api"


def test_unknown_interaction_is_404_not_found(api):
    response = api.get(detail_url("000999000"))
    error = assert_error(response, 404, "not_found")
    assert "has no interaction with the unique ID 000999000" in error["message"]
    assert rows()[0].outcome == "not_found"


@pytest.mark.parametrize("unique_id", ["..", "a%2e%2e", "x" * 65, "a%00b", "1;2"])
def test_malformed_unique_id_never_reaches_upstream(api, simulator, unique_id):
    response = api.get(detail_url(unique_id))
    assert_error(response, 404, "not_found")
    assert simulator.hits == []


# --- degradation and error mapping ------------------------------------------


def test_failing_summary_degrades_only_the_answers(api, simulator):
    simulator.faults.fail("summary", status=503, times=None)
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert response.status_code == 200
    body = response.json()
    assert body["answers"] == []
    assert body["errors"]["summary"]["code"] == "upstream_unavailable"
    assert body["errors"]["summary"]["message"]
    assert body["errors"]["flow"] is None
    assert body["steps"][-1]["is_last"] is True
    assert rows()[0].outcome == "found"


def test_failing_variable_set_degrades_only_that_set(api, simulator):
    simulator.faults.fail("variableSet", status=503, times=None)
    body = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).json()
    assert [s["error"]["code"] for s in body["variable_sets"]] == [
        "upstream_unavailable"
    ] * len(ACME.variable_sets)
    assert all(s["rows"] == [] for s in body["variable_sets"])
    assert body["answers"]


def test_unreadable_flow_degrades_steps_and_photos(api, simulator):
    simulator.faults.invalid_json("fullFlow")
    body = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).json()
    assert body["errors"]["flow"]["code"] == "upstream_bad_response"
    assert body["steps"] == []
    assert body["photos"] == []
    assert body["answers"]


def test_everything_failing_is_503_upstream_unavailable(api, simulator):
    simulator.faults.fail("*", status=503, times=None)
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert_error(response, 503, "upstream_unavailable")
    (row,) = rows()
    assert row.outcome == "upstream_error"
    assert row.error_kind == "unavailable"


def test_unreadable_answers_and_steps_is_502(api, simulator):
    simulator.faults.invalid_json("summary")
    simulator.faults.invalid_json("fullFlow")
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert_error(response, 502, "upstream_bad_response")


def test_hanging_upstream_is_504_upstream_timeout(api, simulator, settings):
    settings.XPC_UPSTREAM_READ_TIMEOUT = 0.3
    settings.XPC_UPSTREAM_DEADLINE = 1.0
    simulator.faults.hang("*", seconds=2)
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert_error(response, 504, "upstream_timeout")
    assert rows()[0].error_kind == "timeout"


def test_wrong_application_key_is_424_never_401_or_403(api, sim_accounts):
    account = sim_accounts["acme"]
    account.application_key = "wrong-key"
    account.save()
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    error = assert_error(response, 424, "upstream_auth_failed")
    assert "administrator" in error["message"]
    assert "wrong-key" not in response.content.decode()
    assert rows()[0].error_kind == "bad_credentials"


def test_undecryptable_credentials_are_503_without_a_call(api, simulator, settings):
    # The stored key was encrypted under a key the console no longer has.
    settings.XPC_FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert_error(response, 503, "credentials_unavailable")
    assert simulator.hits == []
    assert rows()[0].error_kind == "credentials_unavailable"


def test_gives_the_customer_outcome_and_where_the_customer_stopped(api):
    body = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).json()
    assert body["customer"] == {"name": "Zoë Ångström", "id": "AC-88213"}
    assert (body["outcome"], body["outcome_label"]) == ("completed", "Completed")
    assert body["stopped_at"] == {
        "step_number": 9,
        "step_title": "Claim submitted",
        "question": "Your phone number",
        "answer": "2125550100",
        "language": "en",
    }
    assert body["photo_count"] == 2
    # The summary links to the page for a browser, not to the API.
    assert f"Console: {body['page_url']}" in body["summary_text"]
    assert "Stopped at: step 9, Claim submitted" in body["summary_text"]
