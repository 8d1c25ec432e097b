"""The one error shape: interactions/api/exceptions.py."""

from __future__ import annotations

import pytest
from rest_framework import exceptions

from interactions import errors, upstream
from interactions.api.exceptions import api_error, error_code, exception_handler
from interactions.fields import CredentialDecryptError
from interactions.simulator import data
from interactions.xplatform.errors import (
    XPlatformAuthError,
    XPlatformBadRequest,
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformTimeout,
    XPlatformTooLarge,
    XPlatformUnavailable,
)
from tests.api.support import assert_error, detail_url


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (XPlatformTimeout(), 504, "upstream_timeout"),
        (XPlatformUnavailable(), 503, "upstream_unavailable"),
        (XPlatformResponseError(), 502, "upstream_bad_response"),
        (XPlatformTooLarge(), 502, "upstream_bad_response"),
        (XPlatformBadRequest(), 502, "upstream_bad_response"),
        (XPlatformAuthError(status=401), 424, "upstream_auth_failed"),
        (XPlatformAuthError(status=403), 424, "upstream_auth_failed"),
        (XPlatformNotFound(), 404, "not_found"),
        (XPlatformError(), 502, "upstream_bad_response"),
        (errors.AccountUnavailable(), 503, "credentials_unavailable"),
        (CredentialDecryptError("x"), 503, "credentials_unavailable"),
        (errors.PhotoUnavailable("gone", failure=errors.NOT_FOUND), 404, "not_found"),
        (
            errors.PhotoUnavailable("slow", failure=errors.TIMEOUT),
            504,
            "upstream_timeout",
        ),
        (
            errors.PhotoUnavailable(
                "bad", failure=errors.image_failure("corrupt", "bad")
            ),
            502,
            "upstream_bad_response",
        ),
    ],
)
def test_domain_errors_map_to_status_and_code(error, status, code):
    response = exception_handler(error, {})
    assert response.status_code == status
    assert response.data["error"]["code"] == code
    assert error_code(error) == code
    assert response.data["error"]["message"]


def test_upstream_auth_failure_is_never_401_or_403():
    translated = api_error(XPlatformAuthError(status=401))
    assert translated is not None
    assert translated.status_code not in (401, 403)


def test_validation_errors_carry_fields_and_the_first_message():
    exc = exceptions.ValidationError({"query": ["Too long."], "kind": ["Bad."]})
    body = exception_handler(exc, {}).data
    assert body == {
        "error": {
            "code": "invalid",
            "message": "Too long.",
            "fields": {"query": ["Too long."], "kind": ["Bad."]},
        }
    }


def test_throttled_keeps_retry_after():
    response = exception_handler(exceptions.Throttled(wait=12), {})
    assert response.status_code == 429
    assert response["Retry-After"] == "12"
    assert response.data["error"]["code"] == "throttled"


def test_unexpected_exception_is_500_without_a_trace(api, monkeypatch, caplog):
    def explode(**kwargs):
        raise RuntimeError("internal detail /srv/secret.py line 12")

    monkeypatch.setattr(upstream, "interaction_fetch", explode)
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    error = assert_error(response, 500, "server_error")
    text = response.content.decode()
    assert "secret" not in text
    assert "Traceback" not in text
    assert "RuntimeError" not in error["message"]
    # The trace goes to the server log instead.
    assert any(r.exc_info for r in caplog.records if r.levelname == "ERROR")


@pytest.mark.parametrize(
    "failure", [f for f in errors.FAILURES if f is not errors.UNKNOWN]
)
def test_failure_table_status_is_the_api_status(failure):
    # The table in interactions.errors and the DRF exceptions agree.
    error = errors.PhotoUnavailable(failure.message, failure=failure)
    response = exception_handler(error, {})
    assert response.status_code == failure.status
    assert response.data["error"]["code"] == failure.code
    assert response.data["error"]["message"] == failure.message
