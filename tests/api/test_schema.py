"""The OpenAPI schema: generated, valid, served to signed-in users, and true.

The schemathesis run (docs/security.md T-03) sends generated requests through the
real WSGI application, with the simulator behind it, and checks every answer
against the schema: no 5xx, only documented status codes and content types,
bodies and headers as documented, no cross-account leak.
"""

from __future__ import annotations

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from interactions import upstream
from interactions.identity.models import ApiToken
from interactions.models import InteractionAccess, InteractionSnapshot
from interactions.ratelimit import Scope
from interactions.simulator import data
from xplatform_console.wsgi import application

AGENT_OPERATIONS = {
    ("POST", "/api/v1/lookup"),
    ("GET", "/api/v1/accounts/{slug}/interactions/{unique_id}"),
    ("GET", "/api/v1/accounts/{slug}/interactions/{unique_id}/photos/{key}/{size}"),
}
SUPERVISOR_OPERATIONS = {
    ("GET", "/api/v1/history"),
    ("GET", "/api/v1/snapshots/{snapshot_id}"),
    ("GET", "/api/v1/snapshots/{snapshot_id}/photos/{key}"),
}
OPERATIONS = AGENT_OPERATIONS | SUPERVISOR_OPERATIONS
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
UNIQUE_IDS = [
    data.LEADING_ZERO_UNIQUE_ID,
    data.UUID_UNIQUE_ID,
    data.BIG_PHOTO_UNIQUE_ID,
    data.ACME_BILLING_UNIQUE_ID,
    "000999000",
]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    paths = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
    }
    assert paths >= OPERATIONS
    lookup = schema["paths"]["/api/v1/lookup"]["post"]
    assert {"400", "401", "404", "424", "429", "502", "503", "504"} <= set(
        lookup["responses"]
    )
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_is_served_to_a_signed_in_user_as_json(token_api):
    response = token_api.get("/api/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/lookup" in schema["paths"]


# --- schemathesis --------------------------------------------------------------


def _in_test_transaction(environ, start_response):
    """The project's WSGI application, usable inside the test transaction.

    Django's own test client does the same: closing "old" connections around
    a request would close the connection that holds the test's transaction
    (PostgreSQL). The response is read and closed while they are off.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        try:
            return list(response)
        finally:
            response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_app(settings):
    # A fuzz run must not turn into 429s.
    for scope in Scope:
        setattr(settings, scope.setting, 100_000)
    return _in_test_transaction


def _load(wsgi_app, token: str):
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=headers)
    operations = {
        (operation.method.upper(), operation.path)
        for operation in (
            result.ok()  # type: ignore[union-attr]  # raises on an invalid operation
            for result in schema.get_all_operations()
        )
    }
    assert operations >= OPERATIONS
    return schema, headers


@pytest.fixture
def api_schema(wsgi_app, agent_token):
    """The schema, and the headers of the Acme agent's token."""
    return _load(wsgi_app, agent_token)


@pytest.fixture
def supervisor_schema(wsgi_app, supervisor):
    """The schema, and the headers of the Acme supervisor's token."""
    return _load(wsgi_app, ApiToken.objects.issue(user=supervisor, name="test")[1])


def _operation(schema, method: str, path: str):
    return schema[path][method]


def _fuzz(operation, headers, strategy, *, checks=CHECKS, extra=None) -> list[int]:
    statuses: list[int] = []

    @FUZZ
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks, headers=headers)
        if extra is not None:
            extra(case, response)
        statuses.append(response.status_code)

    run()
    return statuses


@pytest.mark.parametrize(("method", "path"), sorted(AGENT_OPERATIONS))
def test_generated_requests_get_documented_answers(
    api_schema, simulator, sim_accounts, method, path
):
    schema, headers = api_schema
    operation = _operation(schema, method, path)
    statuses = _fuzz(operation, headers, operation.as_strategy())
    assert statuses
    assert max(statuses) < 500


@pytest.mark.parametrize(("method", "path"), sorted(SUPERVISOR_OPERATIONS))
def test_generated_review_requests_get_documented_answers(
    supervisor_schema, stored_snapshot, method, path
):
    schema, headers = supervisor_schema
    operation = _operation(schema, method, path)
    statuses = _fuzz(operation, headers, operation.as_strategy())
    assert statuses
    assert max(statuses) < 500


@pytest.fixture
def stored_snapshot(token_api) -> InteractionSnapshot:
    """A snapshot with one stored thumbnail, made by the agent's API calls."""
    body = token_api.get(
        f"/api/v1/accounts/sim-acme/interactions/{data.LEADING_ZERO_UNIQUE_ID}"
    ).json()
    assert token_api.get(body["photos"][0]["thumbnail_url"]).status_code == 200
    return InteractionSnapshot.objects.get()


def test_generated_requests_for_a_real_snapshot_match_the_schema(
    supervisor_schema, stored_snapshot
):
    schema, headers = supervisor_schema
    statuses: list[int] = []
    for path in ("/api/v1/snapshots/{snapshot_id}", "/api/v1/history"):
        operation = _operation(schema, "GET", path)
        fixed = {"snapshot_id": stored_snapshot.pk} if "{" in path else None
        statuses += _fuzz(
            operation, headers, operation.as_strategy(path_parameters=fixed)
        )
    photo = stored_snapshot.photos.get()
    operation = _operation(
        schema, "GET", "/api/v1/snapshots/{snapshot_id}/photos/{key}"
    )
    strategy = operation.as_strategy(
        path_parameters={"snapshot_id": stored_snapshot.pk, "key": photo.key}
    )
    statuses += _fuzz(operation, headers, strategy)
    assert 200 in statuses


def test_generated_requests_for_real_interactions_match_the_schema(
    api_schema, simulator, sim_accounts
):
    schema, headers = api_schema
    operation = _operation(
        schema, "GET", "/api/v1/accounts/{slug}/interactions/{unique_id}"
    )
    statuses: list[int] = []
    for unique_id in UNIQUE_IDS:
        strategy = operation.as_strategy(
            path_parameters={"slug": "sim-acme", "unique_id": unique_id}
        )
        statuses += _fuzz(operation, headers, strategy)
    assert 200 in statuses
    assert 404 in statuses  # the unknown ID


def test_generated_requests_for_real_photos_match_the_schema(
    api_schema, simulator, sim_accounts
):
    schema, headers = api_schema
    path = "/api/v1/accounts/{slug}/interactions/{unique_id}/photos/{key}/{size}"
    operation = _operation(schema, "GET", path)
    account = sim_accounts["acme"]
    statuses: list[int] = []
    for unique_id in (data.LEADING_ZERO_UNIQUE_ID, data.BIG_PHOTO_UNIQUE_ID):
        interaction = upstream.interaction_fetch(account=account, unique_id=unique_id)
        for ref in interaction.photos:
            strategy = operation.as_strategy(
                path_parameters={
                    "slug": "sim-acme",
                    "unique_id": unique_id,
                    "key": ref.key,
                }
            )
            statuses += _fuzz(operation, headers, strategy)
    assert 200 in statuses


def test_generated_lookups_on_the_agents_account_match_the_schema(
    api_schema, simulator, sim_accounts
):
    schema, headers = api_schema
    operation = _operation(schema, "POST", "/api/v1/lookup")
    queries = st.sampled_from(
        ["+1 (212) 555-0100", "+1 303 555 0199", "0407009", *UNIQUE_IDS]
    ) | st.text(max_size=100)

    @st.composite
    def on_acme(draw):
        case = draw(operation.as_strategy())
        case.body = {**case.body, "account": "sim-acme", "query": draw(queries)}
        return case

    statuses = _fuzz(operation, headers, on_acme())
    assert 200 in statuses
    assert set(statuses) <= {200, 400}


def test_invalid_lookup_bodies_are_rejected(api_schema, simulator, sim_accounts):
    schema, headers = api_schema
    operation = _operation(schema, "POST", "/api/v1/lookup")
    strategy = operation.as_strategy(
        generation_mode=schemathesis.GenerationMode.NEGATIVE
    )
    statuses = _fuzz(
        operation,
        headers,
        strategy,
        checks=[*CHECKS, negative_data_rejection],
    )
    assert all(400 <= status < 500 for status in statuses)
    assert simulator.hits == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/{slug}/interactions/{unique_id}",
        "/api/v1/accounts/{slug}/interactions/{unique_id}/photos/{key}/{size}",
    ],
)
def test_generated_requests_for_another_account_never_leak(
    api_schema, simulator, sim_accounts, path
):
    schema, headers = api_schema
    operation = _operation(schema, "GET", path)
    strategy = st.sampled_from([data.ROUTER_UNIQUE_ID, *UNIQUE_IDS]).flatmap(
        lambda unique_id: operation.as_strategy(
            path_parameters={"slug": "sim-northwind", "unique_id": unique_id}
        )
    )

    def denied(case, response):
        assert response.status_code == 404
        assert InteractionAccess.objects.filter(outcome="denied").exists()

    statuses = _fuzz(operation, headers, strategy, extra=denied)
    assert set(statuses) == {404}
    assert simulator.hits == []
