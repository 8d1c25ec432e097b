"""One JSON error shape for every API failure (docs/security.md, R-DJ-10).

Every error answer is ``{"error": {"code": ..., "message": ...}}``; validation
errors add ``"fields"``. Upstream failures get their own status codes; an
``XPlatformAuthError`` is a 424, never a 401 or 403, which would tell the
caller that *its own* credentials are wrong (docs/architecture.md). Unexpected
exceptions become a 500 without a stack trace; the trace goes to the log.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from interactions import errors
from interactions.xplatform.validators import InvalidValue

logger = logging.getLogger(__name__)


class UpstreamUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The X-Platform server is not available at the moment."
    default_code = "upstream_unavailable"


class UpstreamBusy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = errors.BUSY.message
    default_code = errors.BUSY.code


class UpstreamTimeout(exceptions.APIException):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    default_detail = "The X-Platform server did not answer in time."
    default_code = "upstream_timeout"


class UpstreamBadResponse(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "The X-Platform server sent an answer the console cannot read."
    default_code = "upstream_bad_response"


class UpstreamAuthFailed(exceptions.APIException):
    status_code = status.HTTP_424_FAILED_DEPENDENCY
    default_detail = "The X-Platform server rejected the account's stored credentials."
    default_code = "upstream_auth_failed"


class CredentialsUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = errors.AccountUnavailable.message
    default_code = "credentials_unavailable"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


class ServerError(exceptions.APIException):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = "The console could not answer this request."
    default_code = "server_error"


# The API exception of each failure code in the failure table
# (interactions.errors); the message is the one an agent sees on the page.
_API_ERRORS: dict[str, type[exceptions.APIException]] = {
    errors.NOT_FOUND.code: exceptions.NotFound,
    errors.TIMEOUT.code: UpstreamTimeout,
    errors.UNAVAILABLE.code: UpstreamUnavailable,
    errors.BUSY.code: UpstreamBusy,
    errors.BAD_CREDENTIALS.code: UpstreamAuthFailed,
    errors.BAD_RESPONSE.code: UpstreamBadResponse,
    errors.CREDENTIALS_UNAVAILABLE.code: CredentialsUnavailable,
}


def api_error(error: BaseException) -> exceptions.APIException | None:
    """The API exception for a domain error, or None when it is not one."""
    if isinstance(error, exceptions.APIException):
        return error
    if isinstance(error, InvalidValue):
        return exceptions.ValidationError([error.message])
    failure = errors.failure_of(error)
    if failure is errors.UNKNOWN:
        return None
    kind = _API_ERRORS.get(failure.code, UpstreamBadResponse)
    return kind(errors.agent_message(error))


def error_code(error: BaseException) -> str:
    """The stable code of a domain error, as used in error bodies and parts."""
    translated = api_error(error)
    return translated.default_code if translated is not None else "server_error"


def error_body(
    code: str, message: str, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


def _plain(detail: Any) -> Any:
    """ErrorDetail trees as plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        return [_plain(value) for value in detail]
    return str(detail)


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            message = _first_message(value)
            if message:
                return message
        return ""
    if isinstance(detail, list | tuple):
        for value in detail:
            message = _first_message(value)
            if message:
                return message
        return ""
    return str(detail)


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    detail = exc.detail
    if isinstance(detail, dict):
        fields = _plain(detail)
    else:
        fields = {
            "non_field_errors": _plain(detail if isinstance(detail, list) else [detail])
        }
    message = _first_message(detail) or "The request is not valid."
    return error_body("invalid", message, fields)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every failure in the one error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        # Input, however large, is a 400, never a 500 (issue 10).
        exc = RequestTooLarge()
    else:
        exc = api_error(exc) or exc
    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        logger.error(
            "Unhandled error in API view %s",
            type(view).__name__ if view is not None else "?",
            exc_info=exc,
        )
        set_rollback()
        error = ServerError()
        return Response(
            error_body(error.default_code, str(error.detail)),
            status=error.status_code,
        )
    # DRF's own handler adds WWW-Authenticate and Retry-After and rolls back.
    response = drf_exception_handler(exc, context)
    assert response is not None  # noqa: S101  (DRF answers every APIException)
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = error_body(code, _first_message(exc.detail))
    return response
