"""The console says exactly what failed (issue 10, "exact failure reporting"):
an upstream failure is never reported as something that does not exist, and
a page that worked answers 200 with the failure in it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from interactions import upstream
from interactions.models import InteractionAccess, XPlatformAccount
from interactions.simulator import data


@pytest.fixture(autouse=True)
def _no_retries(settings):
    settings.XPC_UPSTREAM_RETRIES = 0


@pytest.fixture
def home(sim_accounts):
    return sim_accounts["acme"]


@pytest.fixture
def web(agent_client: Client) -> Client:
    return agent_client


def _thumb_url(unique_id: str = data.LEADING_ZERO_UNIQUE_ID) -> str:
    account = XPlatformAccount.objects.get(slug="sim-acme")
    interaction = upstream.interaction_fetch(account=account, unique_id=unique_id)
    ref = next(p for p in interaction.photos if p.path == data.PNG_PHOTO_PATH)
    return reverse("interactions:photo", args=["sim-acme", unique_id, ref.key, "thumb"])


# --- photos ------------------------------------------------------------------


def test_failing_flow_is_the_photos_reason_not_a_missing_photo(web, simulator):
    url = _thumb_url()
    cache.clear()  # the flow is read again, and fails
    simulator.faults.invalid_json("fullFlow")
    response = web.get(url)
    reason = response["X-Photo-Error"]
    assert "not part of the interaction" not in reason
    assert "cannot read" in reason
    row = InteractionAccess.objects.latest("pk")
    assert (row.action, row.outcome, row.error_kind) == (
        "photo",
        "upstream_error",
        "bad_response",
    )


def test_photo_that_does_not_exist_is_404_not_a_placeholder(web, simulator):
    url = reverse(
        "interactions:photo",
        args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID, "a" * 20, "thumb"],
    )
    response = web.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert "not part of the interaction" in response.content.decode()
    assert "not part of the interaction" in response["X-Photo-Error"]
    assert not [h for h in simulator.hits if "/photo/" in h.path]


def test_photo_gone_upstream_is_404(web, simulator):
    url = _thumb_url()
    simulator.faults.fail("photo", status=404, times=None)
    response = web.get(url)
    assert response.status_code == 404
    assert "no longer has this photo" in response["X-Photo-Error"]


def test_live_refresh_of_an_interaction_that_does_not_exist_is_404(web):
    url = reverse("interactions:live", args=["sim-acme", "000999000"])
    response = web.get(url)
    assert response.status_code == 404
    assert "has no interaction" in response.json()["error"]


# --- lookup ------------------------------------------------------------------


def _lookup(web: Client, query: str, kind: str = "auto"):
    return web.post(
        reverse("interactions:lookup"),
        {"query": query, "kind": kind, "account": "sim-acme"},
    )


def test_phone_search_whose_searches_failed_is_a_failed_lookup(web, simulator):
    # 2125550100 is also tried as a unique ID, which answers 404: that is no
    # reason to say that nothing matches.
    simulator.faults.fail("uniqueId", status=503, times=None)
    response = _lookup(web, "2125550100")
    body = response.content.decode()
    assert response.status_code == 200
    assert "No interaction matches" not in body
    assert "The lookup failed" in body
    assert "a Call Return Number or a Click-to-Call Caller ID failed" in body
    assert "(HTTP 503)" in body
    row = InteractionAccess.objects.get()
    assert (row.action, row.outcome, row.error_kind) == (
        "search",
        "upstream_error",
        "unavailable",
    )


def test_lookup_refused_credentials_answer_200_with_the_reason(web, sim_accounts):
    account = sim_accounts["acme"]
    account.application_key = "wrong-key"
    account.save()
    response = _lookup(web, data.UUID_UNIQUE_ID)
    assert response.status_code == 200
    assert "administrator" in response.content.decode()
    assert InteractionAccess.objects.get().outcome == "upstream_error"


# --- the header --------------------------------------------------------------


def test_when_summary_and_flow_fail_the_status_is_unknown(web, simulator):
    simulator.faults.fail("summary", status=500, times=None)
    simulator.faults.invalid_json("fullFlow")
    response = web.get(
        reverse("interactions:detail", args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID])
    )
    assert response.status_code == 200
    status = response.context["sections"]["status"]
    assert "Finished" not in status
    assert "Unknown" in status
    assert "could not be read" in status
    assert ">unknown<" not in status.replace(" ", "")
    assert "status unknown" in response.context["page"].summary_text
    assert "(finished)" not in response.context["page"].summary_text


# --- repeated and misleading errors -------------------------------------------


def _page(web: Client, unique_id: str = data.LEADING_ZERO_UNIQUE_ID):
    return web.get(reverse("interactions:detail", args=["sim-acme", unique_id]))


def test_variable_sets_failing_the_same_way_show_one_error(web, simulator):
    simulator.faults.fail("variableSet", status=503, times=None)
    response = _page(web)
    variables = response.context["sections"]["variables"]
    assert variables.count("Variables unavailable") == 1
    assert "in 4 sets" in variables
    for set_id in ("customerInfoSet", "claimDataSet", "billingDataSet"):
        assert f"<code>{set_id}</code>" in variables
    assert variables.count("data-retry") == 1
    # The API still names each set's error.
    assert [v.error for v in response.context["page"].variable_sets].count(None) == 0


def test_variable_sets_failing_differently_keep_their_own_errors(web, simulator):
    simulator.faults.fail("variableSet", status=503, times=1)
    simulator.faults.invalid_json("variableSet", times=1)
    variables = _page(web).context["sections"]["variables"]
    assert variables.count("Variables unavailable") == 2


def test_open_breaker_on_a_finished_page_does_not_claim_to_retry(web, simulator):
    simulator.faults.fail("*", status=503, times=None)
    # Two failing required calls (summary, flow) a page: three pages open the
    # account's required breaker (5 failures); the four variable sets open
    # its optional one sooner.
    for _ in range(3):
        _page(web)
    response = _page(web)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-live="false"' in body
    assert "calls it again in about 30" in body
    assert "retrying" not in body.lower()


# --- the last good data stays, marked stale -----------------------------------


def _live(web: Client, fresh: bool = True) -> dict[str, str]:
    url = reverse("interactions:live", args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID])
    response = web.get(url + ("?fresh=1" if fresh else ""))
    assert response.status_code == 200
    sections: dict[str, str] = response.json()["sections"]
    return sections


def test_retry_never_turns_a_good_section_into_an_error(web, simulator):
    simulator.faults.fail("variableSet", status=503, times=None)
    page = _page(web)
    assert "AC-4418207" in page.context["sections"]["answers"]
    # The agent presses Retry on the variables; now the answers fail.
    simulator.faults.clear()
    simulator.faults.fail("summary", status=503, times=None)
    sections = _live(web)
    assert "Answers unavailable" not in sections["answers"]
    assert "AC-4418207" in sections["answers"]
    assert "Stale since" in sections["answers"]
    assert "(HTTP 503)" in sections["answers"]
    assert "Variables unavailable" not in sections["variables"]
    assert "Stale since" not in sections["variables"]


def test_failed_parts_keep_their_last_good_data_until_they_read_again(web, simulator):
    shown = _page(web).context["page"].variable_sets
    with_data = [v.set_id for v in shown if v.error is None]
    assert len(with_data) >= 2
    simulator.faults.invalid_json("fullFlow")
    simulator.faults.fail("variableSet", status=503, times=None)
    sections = _live(web)
    assert "Flow timeline unavailable" not in sections["timeline"]
    assert "Last page reached" in sections["timeline"]
    assert "Stale since" in sections["timeline"]
    assert "Photos are listed in the flow" not in sections["photos"]
    assert sections["variables"].count("Stale since") == len(with_data)
    simulator.faults.clear()
    sections = _live(web)
    assert "Stale since" not in sections["timeline"] + sections["variables"]


def test_a_part_never_read_shows_its_error(web, simulator):
    simulator.faults.fail("summary", status=503, times=None)
    assert "Answers unavailable" in _page(web).context["sections"]["answers"]


def test_credentials_the_console_cannot_use_are_its_own_503_in_lookup_and_page(
    web, sim_accounts, simulator
):
    XPlatformAccount.objects.filter(pk=sim_accounts["acme"].pk).update(
        application_key="acme\u00a0key"
    )
    lookup = _lookup(web, data.UUID_UNIQUE_ID)
    assert lookup.status_code == 503
    assert "re-enter" in lookup.content.decode()
    assert _page(web).status_code == 503
    assert simulator.hits == []
