"""No dead ends around a lookup (issue 13): an idle sign-out keeps the search,
a stale form gets a page in plain words, Back returns to the candidates, a
search without a chosen account covers every account of the user, and every
message names the account.

Django's test client, the real X-Platform client and the simulator.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from interactions import lookup_state
from interactions.models import AccountAssignment, InteractionAccess
from interactions.simulator import data
from interactions.simulator.clock import ManualClock
from tests.support.console import PASSWORD, logged_in
from tests.support.simulator import running_simulator

ACME = data.DEMO_ACCOUNTS[0]
NORTHWIND = data.DEMO_ACCOUNTS[1]
SHARED = "+1 (212) 555-0100"  # data.SHARED_PHONE: two Acme interactions
# The caller's number, whole, in any of the forms it was typed or parsed in.
WHOLE_NUMBER = re.compile(r"212\D{0,3}555\D{0,2}0100")
LOOKUP = reverse("interactions:lookup")


@pytest.fixture
def home(sim_accounts):
    return sim_accounts["acme"]


@pytest.fixture
def both(sim_accounts, supervisor: User) -> User:
    """Sam, the supervisor, assigned to Northwind as well as to Acme."""
    AccountAssignment.objects.create(user=supervisor, account=sim_accounts["northwind"])
    return supervisor


def lookup(client: Client, query: str, account: str = "", kind: str = "auto"):
    return client.post(LOOKUP, {"query": query, "kind": kind, "account": account})


def go_idle(client: Client, settings) -> None:
    """The session was last seen longer ago than the idle timeout."""
    session = client.session
    session["xpc_last_seen"] = time.time() - settings.XPC_SESSION_IDLE_TIMEOUT - 60
    session.save()


def sign_in(client: Client, user: User, next_url: str):
    return client.post(
        reverse("login"),
        {"username": user.get_username(), "password": PASSWORD, "next": next_url},
    )


def session_text(client: Client) -> str:
    """Everything the session row holds, decoded."""
    key = client.cookies["sessionid"].value
    return repr(Session.objects.get(session_key=key).get_decoded())


# --- idle sign-out ---------------------------------------------------------------


def test_idle_sign_out_during_a_lookup_lands_on_the_lookup_with_the_query_kept(
    both, settings, simulator
):
    client = logged_in(both)
    go_idle(client, settings)

    response = lookup(client, SHARED, account="sim-northwind")

    # Not a 405: the sign-in page, which comes back to the lookup.
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={LOOKUP}"
    assert simulator.hits == []
    login_page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 60 minutes without activity" in login_page
    assert "the search you had started is kept" in login_page

    signed_in = sign_in(client, both, LOOKUP)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == LOOKUP
    back = client.get(LOOKUP)
    assert back.status_code == 302
    assert back["Location"] == reverse("interactions:home")
    page = client.get(back["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert 'value="+1 (212) 555-0100"' in body
    assert '<option value="sim-northwind" selected>' in body
    assert "Your search is back in the box" in body
    assert simulator.hits == []  # put back, not run behind the agent's back
    # Once only.
    again = client.get(reverse("interactions:home")).content.decode()
    assert "555-0100" not in again


def test_an_idle_sign_out_elsewhere_says_why_and_keeps_nothing(agent_client, settings):
    go_idle(agent_client, settings)
    response = agent_client.get(reverse("interactions:home"))
    assert response.status_code == 302
    login_page = agent_client.get(response["Location"]).content.decode()
    assert "You were signed out after 60 minutes without activity" in login_page
    assert "Sign in again to carry on." in login_page
    assert lookup_state.PENDING_KEY not in agent_client.session


def test_the_kept_search_is_never_shown_to_the_next_person(both, agent, settings):
    client = logged_in(both)
    go_idle(client, settings)
    lookup(client, SHARED)

    # Agnes signs in on the same floor PC, in the same browser.
    assert sign_in(client, agent, LOOKUP).status_code == 302
    body = client.get(reverse("interactions:home")).content.decode()
    assert "555-0100" not in body
    assert "Your search is back in the box" not in body


def test_the_kept_search_expires(both, settings, monkeypatch):
    client = logged_in(both)
    go_idle(client, settings)
    lookup(client, SHARED)
    monkeypatch.setattr(lookup_state, "PENDING_SECONDS", -1)
    sign_in(client, both, LOOKUP)
    body = client.get(reverse("interactions:home")).content.decode()
    assert "555-0100" not in body


def test_a_lookup_refused_by_the_csrf_check_is_not_kept(both, settings):
    client = logged_in(both)
    client.handler.enforce_csrf_checks = True
    go_idle(client, settings)
    response = lookup(client, SHARED)
    assert response.status_code == 403
    assert lookup_state.PENDING_KEY not in client.session


def test_a_get_of_the_lookup_goes_to_the_search_box(agent_client):
    response = agent_client.get(LOOKUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("interactions:home")


# --- stale form ------------------------------------------------------------------


def test_a_stale_form_gets_the_consoles_page_not_djangos(agent):
    client = logged_in(agent)
    client.handler.enforce_csrf_checks = True
    client.cookies["csrftoken"] = "a" * 32  # the token of a tab left open

    response = client.post(
        LOOKUP,
        {"query": "959595", "kind": "auto", "csrfmiddlewaretoken": "b" * 32},
    )

    body = response.content.decode()
    assert response.status_code == 403
    assert "This form was open too long" in body
    assert "Nothing was done: no search was run" in body
    assert f'href="{reverse("interactions:home")}"' in body
    assert 'class="topbar"' in body  # the console's layout
    assert "CSRF verification failed" not in body
    assert "csrf" not in body.lower().replace("csrfmiddlewaretoken", "")


# --- POST-redirect-GET -----------------------------------------------------------


def test_candidates_are_a_get_page_that_back_returns_to(agent_client):
    response = lookup(agent_client, SHARED, account="sim-acme")
    assert response.status_code == 302
    result_url = response["Location"]
    assert re.fullmatch(r"/lookup/r/[A-Za-z0-9_-]{16}", result_url)

    first = agent_client.get(result_url).content.decode()
    # Back from a picked candidate: the same page, as often as needed.
    agent_client.get(
        reverse("interactions:detail", args=["sim-acme", data.ACME_BILLING_UNIQUE_ID])
    )
    again = agent_client.get(result_url)
    assert again.status_code == 200
    assert "2 interactions match" in again.content.decode()
    assert first.count("<tr>") == again.content.decode().count("<tr>")
    # The search box keeps the query.
    assert 'value="+1 (212) 555-0100"' in first


def test_a_result_page_of_another_session_or_gone_goes_to_the_search_box(
    agent_client, supervisor_client
):
    result_url = lookup(agent_client, SHARED, account="sim-acme")["Location"]
    response = supervisor_client.get(result_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("interactions:home")
    body = supervisor_client.get(response["Location"]).content.decode()
    assert "That list of matches has expired" in body
    assert "Motor Claim FNOL" not in body


def test_the_result_is_kept_encrypted_and_only_the_latest_few(agent_client):
    for _ in range(lookup_state.MAX_RESULTS + 2):
        lookup(agent_client, SHARED, account="sim-acme")
    kept = agent_client.session[lookup_state.RESULTS_KEY]
    assert len(kept) == lookup_state.MAX_RESULTS
    text = session_text(agent_client)
    assert not WHOLE_NUMBER.search(text)
    assert "Zoë" not in text  # the customer's name is sealed too


# --- all of the user's accounts ----------------------------------------------------


def test_the_account_menu_starts_at_all_my_accounts(both):
    body = logged_in(both).get(reverse("interactions:home")).content.decode()
    assert '<option value="" selected>All my accounts</option>' in body


def test_one_account_has_no_all_accounts_choice(agent_client):
    body = agent_client.get(reverse("interactions:home")).content.decode()
    assert "All my accounts" not in body


def test_a_northwind_id_is_found_without_choosing_northwind(both):
    client = logged_in(both)
    response = lookup(client, data.NORTHWIND_BILLING_UNIQUE_ID)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "interactions:detail", args=["sim-northwind", data.NORTHWIND_BILLING_UNIQUE_ID]
    )
    # One row per account searched.
    rows = InteractionAccess.objects.filter(action="search").order_by("account_slug")
    assert [(r.account_slug, r.outcome) for r in rows] == [
        ("sim-acme", "not_found"),
        ("sim-northwind", "found"),
    ]


def test_nothing_found_names_every_account_searched(both):
    client = logged_in(both)
    response = lookup(client, "+1 303 555 0199")
    body = client.get(response["Location"]).content.decode()
    assert (
        "No interaction matches +1 303 555 0199 as a Call Return Number or a "
        "Click-to-Call Caller ID in any of your accounts "
        "(Acme Insurance, Northwind Telecom)."
    ) in body


def test_nothing_found_in_the_chosen_account_names_it(both):
    client = logged_in(both)
    response = lookup(client, data.ACME_BILLING_UNIQUE_ID, account="sim-northwind")
    body = client.get(response["Location"]).content.decode()
    assert "as a unique ID or a DTMF code in Northwind Telecom." in body


def test_one_failing_account_does_not_hide_anothers_match(both, simulator):
    simulator.control(ACME.account_id, faults={"*": "fail:503"})
    client = logged_in(both)

    response = lookup(client, data.NORTHWIND_BILLING_UNIQUE_ID)

    # Not straight to the match: Acme could not answer, so the agent is told.
    body = client.get(response["Location"]).content.decode()
    assert "1 interaction matches" in body
    assert "Northwind Telecom" in body
    assert "José Álvarez" in body
    assert (
        "The search in Acme Insurance failed, so a match there may be missing" in body
    )
    rows = InteractionAccess.objects.filter(action="search").order_by("account_slug")
    assert [(r.account_slug, r.outcome) for r in rows] == [
        ("sim-acme", "upstream_error"),
        ("sim-northwind", "found"),
    ]


def test_every_account_failing_says_which_and_finds_nothing(both, simulator):
    simulator.control(ACME.account_id, faults={"*": "fail:503"})
    simulator.control(NORTHWIND.account_id, faults={"*": "fail:503"})
    client = logged_in(both)
    body = client.get(lookup(client, "959595")["Location"]).content.decode()
    for name in ("Acme Insurance", "Northwind Telecom"):
        assert (
            f"The search in {name} failed, so the interaction may have been missed"
        ) in body


# --- candidates ------------------------------------------------------------------


def test_candidates_show_customer_matched_attribute_and_step(agent_client):
    result_url = lookup(agent_client, SHARED, account="sim-acme")["Location"]
    body = agent_client.get(result_url).content.decode()
    assert body.count("Zoë Ångström") == 2
    assert body.count("Call Return Number") == 2
    assert "Click-to-Call Caller ID" not in body  # it did not match
    # Where each stopped: the last page reached.
    assert 'stopped at step 7: <span dir="auto">Dispute received</span>' in body
    assert 'stopped at step 9: <span dir="auto">Claim submitted</span>' in body
    assert "Finished" in body
    # One account: no account column.
    assert ">Account</th>" not in body


def test_candidates_name_the_customer_from_the_variables_the_account_names(
    agent_client, home
):
    """The same name as the page's strip: the admin's "who" variables first."""
    home.customer_name_variables = "claimReference"
    home.save()
    result_url = lookup(agent_client, SHARED, account="sim-acme")["Location"]
    body = agent_client.get(result_url).content.decode()
    assert "CLM-2025-040713" in body  # the claim's set has it
    assert body.count("Zoë Ångström") == 1  # the billing flow has no such variable


def test_candidates_across_accounts_name_the_account(both):
    client = logged_in(both)
    body = client.get(lookup(client, SHARED)["Location"]).content.decode()
    assert ">Account</th>" in body
    assert (
        body.count(
            '<td data-label="Account"><span dir="auto">Acme Insurance</span></td>'
        )
        == 2
    )


def test_a_live_candidate_has_the_live_badge_and_its_step(both, sim_accounts):
    # A simulator whose clock is the console's now: the router set-up is live.
    with running_simulator(clock=ManualClock(start=time.time())) as sim:
        for account in sim_accounts.values():
            account.base_url = sim.base_url
            account.save()
        supervisor = both
        # Acme failing: the live Northwind interaction is shown as a
        # candidate, beside the warning, instead of opening straight away.
        sim.control(ACME.account_id, faults={"*": "fail:503"})
        client = logged_in(supervisor)
        response = lookup(client, data.LIVE_UNIQUE_ID)
        body = client.get(response["Location"]).content.decode()
    assert '<span class="badge badge-live">Live</span>' in body
    assert re.search(
        r'<span class="candidate-step">on step \d+: <span dir="auto">\w', body
    )
    assert "Unique ID" in body  # what matched
    assert "The search in Acme Insurance failed" in body


# --- the caller's number ---------------------------------------------------------


def test_the_number_never_appears_unmasked_in_urls_logs_or_access_rows(
    both, settings, console_log
):
    client = logged_in(both)
    urls: list[str] = []

    def follow(response: Any) -> Any:
        while response.status_code in (301, 302):
            urls.append(response["Location"])
            response = client.get(response["Location"])
        return response

    # Idle sign-out during the lookup, sign in, resume, look up, Back.
    go_idle(client, settings)
    follow(lookup(client, SHARED, account="sim-acme"))
    urls.append(LOOKUP)
    follow(sign_in(client, both, LOOKUP))
    page = follow(lookup(client, SHARED, account="sim-acme"))
    assert "2 interactions match" in page.content.decode()
    follow(lookup(client, "+1 303 555 0199"))
    follow(lookup(client, SHARED))

    assert urls
    assert not [url for url in urls if WHOLE_NUMBER.search(url)]
    assert not [u for u in urls if re.search(r"303\D{0,3}555", u)]
    assert "access" in console_log.text
    assert not WHOLE_NUMBER.search(console_log.text)
    queries = list(InteractionAccess.objects.values_list("query_masked", flat=True))
    assert queries
    assert not [q for q in queries if WHOLE_NUMBER.search(q)]
    assert not WHOLE_NUMBER.search(session_text(client))
