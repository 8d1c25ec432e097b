"""Errors raised by the X-Platform client.

Every upstream failure becomes exactly one of these classes (docs/security.md,
R-HTTP-06; docs/architecture.md). Messages are written for a contact-centre agent in
plain words. They never contain the application key: the client builds them
from fixed text and scrubs anything it copies from an upstream body or header.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the catalogues (makemessages finds the name) and
    return it as it is; the console translates it when it shows it.

    Not Django's own: this package is imported by gunicorn's master before
    Django's settings exist (gunicorn.conf.py, on_starting), and Django's
    needs them.
    """
    return message


class XPlatformError(Exception):
    """Base class: the X-Platform server could not give the console an answer.

    ``message`` is plain text for the agent; ``status`` is the upstream HTTP
    status when there was one.
    """

    default_message = gettext_noop("The X-Platform server could not be used.")

    def __init__(self, message: str | None = None, status: int | None = None) -> None:
        self.message = message or self.default_message
        self.status = status
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class XPlatformUnavailable(XPlatformError):
    """Connection error, 5xx, 429 or an open circuit breaker: try again later."""

    default_message = gettext_noop(
        "The X-Platform server is not available at the moment; try again shortly."
    )


class XPlatformTimeout(XPlatformUnavailable):
    """Connect or read timeout, or the overall deadline passed."""

    default_message = gettext_noop("The X-Platform server did not answer in time.")


class XPlatformAuthError(XPlatformError):
    """401 or 403: the stored credentials are wrong or revoked; an admin must act.

    ``code`` and ``upstream_message`` come from the documented 401 JSON body
    (docs/xplatform-api.md 3.4), ``reason`` from the ``Unauthenticated-Reason``
    header. All three are scrubbed of the application key.
    """

    default_message = gettext_noop(
        "The X-Platform server rejected the stored credentials."
    )

    def __init__(
        self,
        message: str | None = None,
        status: int | None = None,
        *,
        code: str | None = None,
        upstream_message: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, status)
        self.code = code
        self.upstream_message = upstream_message
        self.reason = reason


class XPlatformNotFound(XPlatformError):
    """404: nothing matches the unique ID, caller attribute, set or photo."""

    default_message = gettext_noop("The X-Platform server has no matching interaction.")


class XPlatformResponseError(XPlatformError):
    """The upstream is misbehaving: 3xx, unexpected status, unreadable payload."""

    default_message = gettext_noop(
        "The X-Platform server sent an answer the console cannot read."
    )


class XPlatformBadRequest(XPlatformResponseError):
    """400: the X-Platform server refused the request as invalid.

    ``detail`` holds the upstream's plain-text body (for example ``missing or
    invalid parameter version``), truncated to 200 characters and scrubbed of
    the application key.
    """

    default_message = gettext_noop(
        "The X-Platform server refused the request as invalid."
    )

    def __init__(
        self,
        message: str | None = None,
        status: int | None = 400,
        *,
        detail: str = "",
    ) -> None:
        super().__init__(message, status)
        self.detail = detail


class XPlatformTooLarge(XPlatformResponseError):
    """The answer passed the size cap for its kind (JSON or image)."""

    default_message = gettext_noop(
        "The X-Platform server sent more data than the console accepts."
    )

    def __init__(
        self,
        message: str | None = None,
        status: int | None = None,
        *,
        limit: int | None = None,
    ) -> None:
        super().__init__(message, status)
        self.limit = limit


class XPlatformBusy(XPlatformUnavailable):
    """The account's share of concurrent upstream calls is in use (the
    bulkhead, ``bulkhead``): the call was refused without being sent."""

    default_message = gettext_noop(
        "Too many X-Platform requests for this account are running; try again shortly."
    )


def request_timeout(seconds: float) -> XPlatformTimeout:
    """The request's own deadline ran out (``context.bound_deadline``)."""
    return XPlatformTimeout(
        "The X-Platform server took too long to answer; the console waits at "
        f"most {seconds:g} s for it."
    )
