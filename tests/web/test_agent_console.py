"""The agent console end to end: Django's test client, the real client, and the
simulator over loopback HTTP."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from PIL import Image

from interactions.models import AccountAssignment, InteractionAccess, XPlatformAccount
from interactions.simulator import data
from tests.support.console import logged_in, make_user, sim_account
from tests.support.simulator import running_simulator

ACME = data.DEMO_ACCOUNTS[0]
NORTHWIND = data.DEMO_ACCOUNTS[1]


_account = sim_account


@pytest.fixture
def home(sim_accounts):
    return sim_accounts["acme"]


@pytest.fixture
def web(agent_client: Client) -> Client:
    """The cast's agent, signed in, of the simulator's Acme account only."""
    return agent_client


def lookup(web: Client, query: str, kind: str = "auto", account: str = "sim-acme"):
    return web.post(
        reverse("interactions:lookup"),
        {"query": query, "kind": kind, "account": account},
    )


def detail_url(unique_id: str, slug: str = "sim-acme") -> str:
    return reverse("interactions:detail", args=[slug, unique_id])


# --- lookup ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kind", "expected"),
    [
        ("1-800-123-4567,040100713", "auto", data.LEADING_ZERO_UNIQUE_ID),
        ("040100713", "auto", data.LEADING_ZERO_UNIQUE_ID),
        (data.UUID_UNIQUE_ID, "auto", data.UUID_UNIQUE_ID),
        (data.HISTORY_SEARCH_ID, "auto", data.LEADING_ZERO_UNIQUE_ID),
        ("0407009", "dtmf", data.BIG_PHOTO_UNIQUE_ID),
        ("550109", "dnid", data.BIG_PHOTO_UNIQUE_ID),
        ("(646) 555-0177", "phone", data.UUID_UNIQUE_ID),
        ("0909015", "unique_id", data.ACME_BILLING_UNIQUE_ID),
    ],
)
def test_lookup_forms_open_the_interaction(web, query, kind, expected):
    response = lookup(web, query, kind)
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == detail_url(expected)
    # The phone number never appears in a URL.
    assert "555" not in response["Location"]


def test_phone_matching_two_interactions_lists_candidates(web):
    response = lookup(web, "+1 (212) 555-0100")
    # POST-redirect-GET: the candidates are a page Back can return to.
    assert response.status_code == 302
    assert response["Location"].startswith("/lookup/r/")
    response = web.get(response["Location"])
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 interactions match" in body
    for unique_id in data.SHARED_PHONE_UNIQUE_IDS:
        assert detail_url(unique_id) in body
    assert "Motor Claim FNOL" in body
    assert "Acme Insurance Billing Dispute" in body
    assert "Finished" in body


def test_nothing_found_says_what_was_tried(web):
    response = lookup(web, "+1 303 555 0199")
    assert response.status_code == 302
    response = web.get(response["Location"])
    body = response.content.decode()
    assert response.status_code == 200
    tried = "as a Call Return Number or a Click-to-Call Caller ID"
    # The account is named: "this account" left the agent guessing.
    assert f"No interaction matches +1 303 555 0199 {tried} in Acme Insurance." in body


@pytest.mark.parametrize(
    ("query", "kind", "message"),
    [
        ("../../admin", "auto", "neither a phone number nor an interaction ID"),
        ("abc/def", "unique_id", "may contain only letters, digits"),
        ("12ab", "dtmf", "A DTMF code may contain only digits"),
        ("call me", "phone", "A phone number may contain only digits"),
        ("a%2e%2e", "history_search_id", "may contain only letters, digits"),
        ("x" * 101, "auto", "at most 100 characters"),
        ("", "auto", "Type a phone number or an interaction ID"),
    ],
)
def test_invalid_input_gets_a_message_and_no_upstream_call(
    web, simulator, query, kind, message
):
    response = lookup(web, query, kind)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert simulator.hits == []


def test_account_the_agent_is_not_assigned_to_is_refused_without_a_call(web, simulator):
    response = lookup(web, "959595", account="sim-northwind")
    assert response.status_code == 400
    assert "Choose one of your accounts" in response.content.decode()
    assert simulator.hits == []


# --- the interaction page ------------------------------------------------------


def test_page_shows_every_section_with_the_seeded_data(web):
    body = web.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    # Header
    assert data.LEADING_ZERO_UNIQUE_ID in body
    assert "Motor Claim FNOL" in body
    assert "Acme Insurance" in body
    assert "Completed" in body
    assert "EST</bdi> account time" in body or "EDT</bdi> account time" in body
    # Answers, in order, with non-ASCII text
    answers = body[body.index('<ol class="answers"') :]
    assert answers.index("AC-4418207") < answers.index("Zoë Ångström")
    # Timeline: selected choices, collection table, last page
    assert 'class="selected"' in body
    assert "Coverage Table" in body or '<table class="table compact">' in body
    assert "Last page reached" in body
    # Variables with copy buttons
    assert "customerInfoSet" in body
    assert 'data-copy="AC-4418207"' in body
    # Photos
    assert body.count('class="photo"') == 2


def test_customer_script_is_escaped(web, sim_accounts):
    agent = User.objects.get(username="agnes")
    AccountAssignment.objects.create(user=agent, account=sim_accounts["northwind"])
    url = detail_url(data.NORTHWIND_BILLING_UNIQUE_ID, slug="sim-northwind")
    body = web.get(url).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_back_navigation_is_marked(web):
    body = web.get(detail_url(data.BACK_NAVIGATION_UNIQUE_ID)).content.decode()
    assert "Went back to step" in body


def test_other_accounts_interaction_is_404_with_zero_upstream_calls(web, simulator):
    response = web.get(detail_url(data.ROUTER_UNIQUE_ID, slug="sim-northwind"))
    assert response.status_code == 404
    assert simulator.hits == []
    row = InteractionAccess.objects.get()
    assert row.outcome == "denied"
    assert row.account_slug == "sim-northwind"


def test_unknown_interaction_is_a_plain_404(web):
    response = web.get(detail_url("000999000"))
    assert response.status_code == 404
    assert "has no interaction with the unique ID" in response.content.decode()


def test_malformed_unique_id_in_the_url_never_reaches_upstream(web, simulator):
    response = web.get(detail_url("..%2F..%2Fadmin"))
    assert response.status_code == 404
    assert simulator.hits == []


# --- degradation -------------------------------------------------------------


def test_failing_summary_degrades_only_the_answers(web, simulator):
    simulator.faults.fail("summary", status=500, times=None)
    response = web.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Answers unavailable" in body
    assert "Last page reached" in body  # the timeline still renders
    assert "customerInfoSet" in body


def test_failing_variable_set_degrades_only_that_set(web, simulator):
    simulator.faults.fail("variableSet", status=503, times=None)
    body = web.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    # The sets failed the same way: one error names them all.
    assert body.count("Variables unavailable") == 1
    assert f"in {len(ACME.variable_sets)} sets" in body
    assert "AC-4418207" in body  # answers still there
    assert "Last page reached" in body


def test_failing_flow_degrades_timeline_and_photos(web, simulator):
    simulator.faults.invalid_json("fullFlow")
    body = web.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).content.decode()
    assert "Flow timeline unavailable" in body
    assert "AC-4418207" in body


def test_bad_credentials_say_an_admin_must_act(web, sim_accounts):
    account = sim_accounts["acme"]
    account.application_key = "wrong-key"
    account.save()
    response = lookup(web, data.UUID_UNIQUE_ID)
    body = response.content.decode()
    assert response.status_code in (200, 502)
    assert "administrator" in body


# --- photos ------------------------------------------------------------------


def _photo_urls(web: Client, unique_id: str) -> dict[str, tuple[str, str]]:
    from interactions import upstream

    account = XPlatformAccount.objects.get(slug="sim-acme")
    interaction = upstream.interaction_fetch(account=account, unique_id=unique_id)
    return {
        ref.path: (
            reverse(
                "interactions:photo", args=["sim-acme", unique_id, ref.key, "thumb"]
            ),
            reverse(
                "interactions:photo", args=["sim-acme", unique_id, ref.key, "full"]
            ),
        )
        for ref in interaction.photos
    }


def test_photo_is_reencoded_without_exif_and_upright(web):
    thumb_url, full_url = _photo_urls(web, data.LEADING_ZERO_UNIQUE_ID)[
        data.EXIF_PHOTO_PATH
    ]
    response = web.get(full_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    thumb = Image.open(io.BytesIO(web.get(thumb_url).content))
    assert max(thumb.size) <= 512
    # The seeded photo is stored sideways with EXIF orientation 6; applied,
    # the wide drawing comes out wider than tall.
    assert image.width > image.height


def test_photo_is_fetched_once_for_thumbnail_and_full_view(web, simulator):
    thumb_url, full_url = _photo_urls(web, data.LEADING_ZERO_UNIQUE_ID)[
        data.PNG_PHOTO_PATH
    ]
    simulator.clear_hits()
    assert web.get(thumb_url).status_code == 200
    assert web.get(full_url).status_code == 200
    assert web.get(thumb_url).status_code == 200
    photo_hits = [h for h in simulator.hits if "/photo/" in h.path]
    assert len(photo_hits) == 1


def test_corrupt_photo_gives_a_placeholder_with_the_reason(web, simulator):
    thumb_url, _ = _photo_urls(web, data.LEADING_ZERO_UNIQUE_ID)[data.PNG_PHOTO_PATH]
    simulator.faults.corrupt_image()
    response = web.get(thumb_url)
    assert response.status_code == 200
    assert "damaged" in response["X-Photo-Error"]
    Image.open(io.BytesIO(response.content)).verify()


def test_photo_of_another_account_is_404_without_a_call(web, simulator):
    url = reverse(
        "interactions:photo",
        args=["sim-northwind", data.ROUTER_UNIQUE_ID, "0" * 20, "thumb"],
    )
    assert web.get(url).status_code == 404
    assert simulator.hits == []


def test_unknown_photo_key_is_refused_without_a_photo_call(web, simulator):
    url = reverse(
        "interactions:photo",
        args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID, "a" * 20, "thumb"],
    )
    response = web.get(url)
    assert response.status_code == 404
    assert "not part of the interaction" in response["X-Photo-Error"]
    assert not [h for h in simulator.hits if "/photo/" in h.path]


# --- access log --------------------------------------------------------------


def test_lookup_and_view_are_recorded_with_a_masked_query(web):
    response = lookup(web, "+1 646 555 0177", "phone")
    web.get(response["Location"])
    search, view = InteractionAccess.objects.order_by("pk")
    assert search.action == "search"
    assert search.outcome == "found"
    assert search.username == "agnes"
    assert search.role == "Agent"
    assert search.query_masked == "+1 ••• ••• 0177"
    assert search.interaction_id == data.UUID_UNIQUE_ID
    assert search.search_kind == "phone"
    assert view.action == "view"
    assert view.outcome == "found"
    assert view.flow_name == "Motor Claim FNOL"
    assert view.account is not None
    assert view.account.slug == "sim-acme"


def test_not_found_and_invalid_searches_are_recorded(web):
    lookup(web, "+1 303 555 0199")
    lookup(web, "../x")
    outcomes = list(
        InteractionAccess.objects.order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == ["not_found", "invalid"]


# --- live refresh ------------------------------------------------------------


def test_live_interaction_gains_steps_and_stops_when_finished(db):
    import time

    from interactions.simulator.clock import ManualClock

    clock = ManualClock(start=time.time())
    with running_simulator(clock=clock) as sim:
        account = _account(NORTHWIND, sim.base_url)
        web = logged_in(make_user("nina", "agent", [account]))
        live_url = reverse(
            "interactions:live", args=[account.slug, data.LIVE_UNIQUE_ID]
        )
        first = web.get(live_url + "?fresh=1").json()
        assert first["live"] is True
        clock.advance(data.LIVE_PAGE_INTERVAL * 2)
        second = web.get(live_url + "?fresh=1").json()
        assert second["steps"] > first["steps"]
        clock.advance(data.LIVE_PAGE_INTERVAL * data.LIVE_TOTAL_PAGES)
        last = web.get(live_url + "?fresh=1").json()
        assert last["live"] is False
        assert "Completed" in last["sections"]["status"]


# --- rate limits -------------------------------------------------------------


def test_searches_past_the_limit_get_429_without_upstream_calls(
    web, simulator, settings
):
    settings.XPC_RATE_LIMIT_SEARCH = 3
    for _ in range(3):
        assert lookup(web, "0407013", "dtmf").status_code == 302
    simulator.clear_hits()
    response = lookup(web, "0407013", "dtmf")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60  # the rest of the minute
    assert "Too many requests" in response.content.decode()
    assert simulator.hits == []


def test_limits_are_per_user(web, sim_accounts, settings):
    settings.XPC_RATE_LIMIT_SEARCH = 1
    assert lookup(web, "0407013", "dtmf").status_code == 302
    assert lookup(web, "0407013", "dtmf").status_code == 429
    second = logged_in(make_user("otto", "agent", [sim_accounts["acme"]]))
    assert lookup(second, "0407013", "dtmf").status_code == 302


def test_control_characters_in_the_url_are_logged_safely(web, simulator):
    response = web.get(detail_url("a\x00b"))
    assert response.status_code == 404
    row = InteractionAccess.objects.get()
    assert row.outcome == "invalid"
    assert "\x00" not in row.interaction_id
    assert simulator.hits == []


def test_stored_key_that_cannot_be_sent_fails_closed_without_a_500(
    web, sim_accounts, simulator
):
    # Stored before the form refused such keys, e.g. with a non-breaking space.
    XPlatformAccount.objects.filter(pk=sim_accounts["acme"].pk).update(
        application_key="acme\u00a0key"
    )
    response = web.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert response.status_code == 503
    assert "administrator" in response.content.decode()
    assert simulator.hits == []


def test_control_characters_in_an_invalid_search_are_logged_safely(web):
    response = web.post(
        reverse("interactions:lookup"),
        {"query": "a\x00b", "kind": "auto\x00", "account": "sim-acme"},
    )
    assert response.status_code == 400
    row = InteractionAccess.objects.get()
    assert row.outcome == "invalid"
    assert "\x00" not in row.query_masked + row.search_kind
