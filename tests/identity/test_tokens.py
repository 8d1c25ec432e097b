"""API tokens: hashed at rest, expiring, revocable, last use recorded sparingly
(docs/security.md, R-AC-07)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from interactions.identity.models import ApiToken
from tests.api.support import assert_error
from tests.test_settings import _import_settings

HISTORY = "/api/v1/history"  # a supervisor endpoint that never calls upstream
TOKEN_FORMAT = re.compile(r"xpc_[a-z0-9]{8}_[A-Za-z0-9]{40}")


def _client(token: str, keyword: str = "Token") -> Client:
    return Client(HTTP_AUTHORIZATION=f"{keyword} {token}")


@pytest.fixture
def issued(supervisor):
    """Sam's token: the row and the token, as shown once."""
    return ApiToken.objects.issue(user=supervisor, name="CTI Genesys prod")


def test_token_is_recognisable_and_carries_its_prefix(issued):
    token, plaintext = issued
    assert TOKEN_FORMAT.fullmatch(plaintext)
    assert plaintext.startswith(f"xpc_{token.prefix}_")
    assert token.display_prefix == f"xpc_{token.prefix}_…"


def test_database_holds_the_digest_never_the_token(issued):
    token, plaintext = issued
    secret = plaintext.rsplit("_", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM identity_apitoken")
        (row,) = cursor.fetchall()
    stored = " ".join(str(value) for value in row)
    assert plaintext not in stored
    assert secret not in stored
    assert hashlib.sha256(plaintext.encode()).hexdigest() in stored
    assert token.digest not in str(token) + repr(token)


def test_token_authenticates_the_api(issued, supervisor):
    _, plaintext = issued
    response = _client(plaintext).get(HISTORY)
    assert response.status_code == 200, response.content[:300]


def test_bearer_works_too(issued):
    _, plaintext = issued
    assert _client(plaintext, "Bearer").get(HISTORY).status_code == 200


def test_wrong_secret_with_a_real_prefix_is_401(issued):
    _, plaintext = issued
    forged = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    response = _client(forged).get(HISTORY)
    error = assert_error(response, 401, "authentication_failed")
    assert "not valid" in error["message"]
    assert response["WWW-Authenticate"] == "Token"


def test_expired_token_is_401_with_the_date_in_plain_words(supervisor):
    with freeze_time("2026-01-30 12:00:00"):
        _, plaintext = ApiToken.objects.issue(user=supervisor, name="CTI", days=30)
    with freeze_time("2026-03-01 12:00:01"):
        response = _client(plaintext).get(HISTORY)
    error = assert_error(response, 401, "token_expired")
    assert error["message"] == (
        "This API token expired on 2026-03-01; ask your administrator for a new one."
    )
    assert response["WWW-Authenticate"] == "Token"


def test_token_works_until_it_expires(supervisor):
    with freeze_time("2026-01-30 12:00:00"):
        _, plaintext = ApiToken.objects.issue(user=supervisor, name="CTI", days=30)
    with freeze_time("2026-03-01 11:59:59"):
        assert _client(plaintext).get(HISTORY).status_code == 200


def test_revoked_token_is_401(issued, admin_user):
    token, plaintext = issued
    assert token.revoke(by=admin_user) is True
    assert token.revoke(by=admin_user) is False
    error = assert_error(_client(plaintext).get(HISTORY), 401, "token_revoked")
    assert "was revoked on" in error["message"]
    assert "ask your administrator" in error["message"]


def test_deactivated_user_is_401(issued, supervisor):
    _, plaintext = issued
    supervisor.is_active = False
    supervisor.save()
    error = assert_error(_client(plaintext).get(HISTORY), 401, "user_inactive")
    assert "deactivated" in error["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token two parts",
        "Bearer " + "x" * 5000,
        "Token xpc_\u00e9\u00e9",
    ],
)
def test_malformed_headers_are_a_plain_401(db, header):
    response = Client(HTTP_AUTHORIZATION=header).get(HISTORY)
    error = assert_error(response, 401, "authentication_failed")
    assert "Token" in error["message"]


def test_last_use_is_recorded_at_most_once_a_minute(issued):
    token, plaintext = issued
    client = _client(plaintext)
    with freeze_time("2026-05-04 10:00:00"):
        assert client.get(HISTORY).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert first.isoformat() == "2026-05-04T10:00:00+00:00"

    with freeze_time("2026-05-04 10:00:59"), CaptureQueriesContext(connection) as q:
        assert client.get(HISTORY).status_code == 200
    writes = [x["sql"] for x in q.captured_queries if "UPDATE" in x["sql"].upper()]
    assert [w for w in writes if "identity_apitoken" in w] == []
    token.refresh_from_db()
    assert token.last_used_at == first

    with freeze_time("2026-05-04 10:01:00"):
        assert client.get(HISTORY).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at.isoformat() == "2026-05-04T10:01:00+00:00"


def test_default_lifetime_comes_from_the_setting(settings, supervisor):
    settings.XPC_API_TOKEN_DAYS = 7
    with freeze_time("2026-05-04 10:00:00"):
        token, _ = ApiToken.objects.issue(user=supervisor, name="CTI")
    assert token.expires_at.isoformat() == "2026-05-11T10:00:00+00:00"


def test_lifetime_past_the_maximum_is_refused_in_plain_words(settings, supervisor):
    settings.XPC_API_TOKEN_MAX_DAYS = 30
    with pytest.raises(ValidationError, match="between 1 and 30 days; got 31"):
        ApiToken.objects.issue(user=supervisor, name="CTI", days=31)
    assert not ApiToken.objects.exists()


def test_default_lifetime_past_the_maximum_stops_startup():
    result = _import_settings(XPC_API_TOKEN_DAYS="400", XPC_API_TOKEN_MAX_DAYS="365")
    assert result.returncode != 0
    assert "XPC_API_TOKEN_DAYS must be at most XPC_API_TOKEN_MAX_DAYS" in result.stderr
