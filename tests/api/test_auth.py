"""Authentication, roles, CSRF and caching of the JSON API (R-DJ-05, R-DJ-09,
R-DJ-10, R-AC-01)."""

from __future__ import annotations

import pytest
from django.test import Client

from interactions.simulator import data
from tests.api.support import assert_error, detail_url, lookup, rows
from tests.support.console import make_user

PHOTO_URL = f"{detail_url(data.LEADING_ZERO_UNIQUE_ID)}/photos/{'a' * 20}/thumb"
ROUTES = [
    ("post", "/api/v1/lookup"),
    ("get", detail_url(data.LEADING_ZERO_UNIQUE_ID)),
    ("get", PHOTO_URL),
    ("get", "/api/v1/history"),
    ("get", "/api/v1/snapshots/1"),
    ("get", "/api/v1/snapshots/1/photos/" + "a" * 20),
    ("get", "/api/v1/no-such-endpoint"),
    ("get", "/api/schema/"),
]


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_gets_401_on_every_route_without_upstream_calls(
    db, simulator, method, url
):
    response = getattr(Client(), method)(url)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert simulator.hits == []


def test_token_authenticates_lookup_and_detail(token_api):
    response = lookup(token_api, data.LEADING_ZERO_UNIQUE_ID)
    assert response.status_code == 200
    assert response.json()["result"] == "match"
    detail = token_api.get(response.json()["interaction_url"])
    assert detail.status_code == 200
    assert detail.json()["unique_id"] == data.LEADING_ZERO_UNIQUE_ID
    assert [r.username for r in rows()] == ["agnes", "agnes"]


def test_unknown_token_is_401(db, simulator):
    client = Client(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert_error(lookup(client, "959595"), 401, "authentication_failed")
    assert simulator.hits == []


def test_token_post_needs_no_csrf_token(agent_token):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {agent_token}")
    assert lookup(client, "+1 303 555 0199").status_code == 200


def test_session_post_without_csrf_token_is_403(agent, simulator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = lookup(client, "959595")
    error = assert_error(response, 403, "permission_denied")
    assert "CSRF" in error["message"]
    assert simulator.hits == []


def test_session_post_with_csrf_token_works(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    client.get("/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/lookup",
        {"account": "sim-acme", "query": "+1 303 555 0199"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_user_without_a_role_gets_404_and_a_denied_row_like_the_page(
    sim_accounts, simulator
):
    user = make_user("nobody", None, [sim_accounts["acme"]])
    client = Client()
    client.force_login(user)
    assert_error(client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)), 404, "not_found")
    assert_error(lookup(client, "959595"), 404, "not_found")
    assert simulator.hits == []
    (row,) = rows()  # the page records the interaction view, not the search
    assert (row.action, row.outcome, row.source) == ("view", "denied", "api")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/history",
        "/api/v1/snapshots/1",
        "/api/v1/snapshots/1/photos/" + "a" * 20,
    ],
)
def test_agent_gets_404_on_supervisor_endpoints(api, url):
    assert_error(api.get(url), 404, "not_found")


def test_html_accept_header_still_gets_json(api):
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID), HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json"
    assert response.status_code in (200, 406)
    assert "<html" not in response.content.decode().lower()


def test_browser_accept_header_gets_json_data(api):
    response = api.get(
        detail_url(data.LEADING_ZERO_UNIQUE_ID),
        HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8",
    )
    assert response.status_code == 200
    assert response.json()["unique_id"] == data.LEADING_ZERO_UNIQUE_ID


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/lookup"),
        ("get", detail_url(data.LEADING_ZERO_UNIQUE_ID)),
        ("get", detail_url("000999000")),
        ("get", PHOTO_URL),
        ("get", "/api/v1/nothing-here"),
    ],
)
def test_every_api_answer_is_not_cacheable(api, method, url):
    response = getattr(api, method)(url, content_type="application/json")
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_method_not_allowed_is_405_in_the_error_shape(api):
    assert_error(api.get("/api/v1/lookup"), 405, "method_not_allowed")


def test_unknown_api_url_is_a_json_404(api):
    assert_error(api.get("/api/v1/accounts"), 404, "not_found")


def test_options_describes_nothing(api):
    assert_error(api.options("/api/v1/lookup"), 405, "method_not_allowed")
