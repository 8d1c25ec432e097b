"""Named failures: one table for the access log, the pages and the JSON API.

Every failure the console reports has one row in `FAILURES`: the short
`kind` written to the access log and to log lines, the `code` and HTTP
`status` of the API answer, and the plain-words `message` an agent reads.
`failure_of()` is the only place that maps an exception to its row, so a new
failure is added here once and every interface follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language, gettext, gettext_noop

from interactions.fields import CredentialDecryptError
from interactions.xplatform.errors import (
    XPlatformAuthError,
    XPlatformBusy,
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformTimeout,
    XPlatformUnavailable,
)


@dataclass(frozen=True)
class Failure:
    """One named failure.

    ``message`` is English, marked for the catalogues: ``agent_message()``
    says it in the request's language (the access log keeps ``kind``).
    ``fixed_message`` means the agent always reads ``message``; otherwise the
    exception's own message (already plain words) is shown when it has one.
    """

    kind: str
    code: str
    status: int
    message: str
    fixed_message: bool = False


TIMEOUT = Failure("timeout", "upstream_timeout", 504, XPlatformTimeout.default_message)
UNAVAILABLE = Failure(
    "unavailable", "upstream_unavailable", 503, XPlatformUnavailable.default_message
)
BAD_CREDENTIALS = Failure(
    "bad_credentials",
    "upstream_auth_failed",
    424,
    gettext_noop(
        "The X-Platform server refused this account's credentials. "
        "An administrator has to check the application key."
    ),
    fixed_message=True,
)
# The account's share of concurrent upstream calls was full: refused
# without calling (interactions/xplatform/bulkhead.py).
BUSY = Failure("busy", "upstream_busy", 503, XPlatformBusy.default_message)
NOT_FOUND = Failure("not_found", "not_found", 404, XPlatformNotFound.default_message)
BAD_RESPONSE = Failure(
    "bad_response", "upstream_bad_response", 502, XPlatformResponseError.default_message
)
CREDENTIALS_UNAVAILABLE = Failure(
    "credentials_unavailable",
    "credentials_unavailable",
    503,
    gettext_noop(
        "This account's X-Platform credentials cannot be used at the moment; "
        "an administrator has to re-enter them."
    ),
    fixed_message=True,
)
BAD_PATH = Failure(
    "bad_path",
    "upstream_bad_response",
    502,
    gettext_noop("The X-Platform gave an unusable location for this photo."),
)
# An upstream failure of no more specific kind.
UPSTREAM_ERROR = Failure(
    "error", "upstream_bad_response", 502, XPlatformError.default_message
)
UNKNOWN = Failure(
    "error",
    "server_error",
    500,
    gettext_noop("Something went wrong while asking the X-Platform server."),
    fixed_message=True,
)

FAILURES: tuple[Failure, ...] = (
    TIMEOUT,
    UNAVAILABLE,
    BUSY,
    BAD_CREDENTIALS,
    NOT_FOUND,
    BAD_RESPONSE,
    CREDENTIALS_UNAVAILABLE,
    BAD_PATH,
    UPSTREAM_ERROR,
    UNKNOWN,
)


def image_failure(code: str, reason: str) -> Failure:
    """A photo the console refused to decode: the upstream sent something unusable."""
    return Failure(code, BAD_RESPONSE.code, BAD_RESPONSE.status, reason)


class AccountUnavailable(Exception):
    """The account's stored credentials cannot be used (docs/security.md R-SEC-02)."""

    message = CREDENTIALS_UNAVAILABLE.message


class InteractionNotFound(Exception):
    """Neither the answers nor the flow of a unique ID exist upstream."""

    def __init__(self, account_name: str, unique_id: str) -> None:
        self.message = gettext(
            "%(account)s has no interaction with the unique ID %(id)s."
        ) % {"account": account_name, "id": unique_id}
        super().__init__(self.message)


class PhotoUnavailable(Exception):
    """A photo cannot be shown; `reason` is for the agent."""

    def __init__(self, reason: str, *, failure: Failure) -> None:
        super().__init__(reason)
        self.reason = reason
        self.failure = failure

    @property
    def kind(self) -> str:
        return self.failure.kind


class LookupFailed(Exception):
    """A lookup found nothing and at least one of its searches failed upstream.

    Nothing found is then not an answer: the failed search may have held the
    interaction. ``failed`` pairs what was searched ("a Call Return Number")
    with its error; the message says which searches failed and why, once per
    distinct reason.
    """

    def __init__(self, failed: Sequence[tuple[str, BaseException]]) -> None:
        self.failed = list(failed)
        self.error = self.failed[0][1]
        reasons: dict[str, list[str]] = {}
        for searched, error in self.failed:
            names = reasons.setdefault(agent_message(error), [])
            if searched not in names:
                names.append(searched)
        parts = [
            gettext("the search as %(searches)s failed: %(reason)s")
            % {"searches": _or_list(names), "reason": reason}
            for reason, names in reasons.items()
        ]
        self.message = gettext(
            "The lookup failed, so the interaction may have been missed; %(why)s"
        ) % {"why": " ".join(parts)}
        super().__init__(self.message)


def _or_list(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return gettext("%(first)s or %(last)s") % {
        "first": ", ".join(names[:-1]),
        "last": names[-1],
    }


# Most specific class first: XPlatformTimeout and XPlatformBusy are
# XPlatformUnavailable.
_BY_CLASS: tuple[tuple[type[BaseException], Failure], ...] = (
    (XPlatformBusy, BUSY),
    (XPlatformTimeout, TIMEOUT),
    (XPlatformUnavailable, UNAVAILABLE),
    (XPlatformAuthError, BAD_CREDENTIALS),
    (XPlatformNotFound, NOT_FOUND),
    (XPlatformResponseError, BAD_RESPONSE),
    (AccountUnavailable, CREDENTIALS_UNAVAILABLE),
    (CredentialDecryptError, CREDENTIALS_UNAVAILABLE),
    (InteractionNotFound, NOT_FOUND),
    (XPlatformError, UPSTREAM_ERROR),
)


def failure_of(error: BaseException) -> Failure:
    """The named failure of an exception; UNKNOWN for anything unexpected."""
    if isinstance(error, PhotoUnavailable):
        return error.failure
    if isinstance(error, LookupFailed):
        return failure_of(error.error)
    for cls, failure in _BY_CLASS:
        if isinstance(error, cls):
            return failure
    return UNKNOWN


def error_kind(error: BaseException) -> str:
    """A short, stable name of a failure for logs and the access log."""
    return failure_of(error).kind


def agent_message(error: BaseException) -> str:
    """What to tell an agent about a failure, in plain words, in the
    request's language: the client's and the table's fixed English
    messages are in the catalogues.

    A client message built with detail (an HTTP status, a number of
    seconds) is in no catalogue: English shows it as it is, any other
    language says its class's own message instead, so an agent never reads
    English in a Spanish or Hebrew page (docs/i18n.md). The detail stays in
    the logs."""
    if isinstance(error, LookupFailed):
        return error.message
    failure = failure_of(error)
    if failure.fixed_message:
        return gettext(failure.message)
    if isinstance(error, PhotoUnavailable):
        return gettext(error.reason)
    if isinstance(error, InteractionNotFound):
        return error.message  # said in the request's language when raised
    if isinstance(error, XPlatformError):
        return _client_message(error)
    return gettext(failure.message)


def _client_message(error: XPlatformError) -> str:
    said = gettext(error.message)
    if said != error.message or _speaking_english():
        return said
    return gettext(type(error).default_message)


def _speaking_english() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0] == "en"
