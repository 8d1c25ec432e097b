"""Typed client for the X-Platform Interaction History API.

``XPlatformClient`` calls the five Interaction History methods for one
account and returns the dataclasses of ``schemas``; ``get_client`` and
``clear_clients`` keep one shared client (and connection pool) per account
and call policy. ``XPlatformClient._get`` is the one place that applies the
call policy (docs/security.md R-HTTP-01): it re-checks the base URL, asks
the circuit breaker (``breaker``) and runs the GET through
``fetch.Fetcher``, which holds the timeouts, deadline, retries, size caps
and the mapping of every failure to an ``XPlatformError``. URLs come from
``urls``, the connections from ``transport``, the settings from ``config``.
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass
from typing import Final

from .breaker import Admission, Breaker, Group, breaker_for, clear_breakers, group_of
from .bulkhead import bulkhead_for, clear_bulkheads, slot_held
from .config import AccountConfig, CallerAttribute, CallPolicy
from .errors import (
    XPlatformAuthError,
    XPlatformBadRequest,
    XPlatformError,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformUnavailable,
    gettext_noop,
)
from .fetch import Answer, Fetcher, format_seconds
from .hosts import BaseUrlError, normalise_base_url
from .observe import UpstreamCall
from .schemas import (
    FullFlow,
    JSONValue,
    Photo,
    Summary,
    UniqueIdResult,
    VariableSet,
    parse_json_body,
)
from .transport import Pool, build_pool
from .urls import PhotoPath, build_upstream_url, wider_search_query
from .validators import (
    InvalidValue,
    validate_caller_attribute_value,
    validate_dtmf,
    validate_history_search_id,
    validate_phone_digits,
    validate_unique_id,
    validate_variable_set_id,
)

__all__ = [
    "ConnectionCheck",
    "ConnectionOutcome",
    "XPlatformClient",
    "clear_clients",
    "get_client",
]

logger = logging.getLogger(__name__)

_JSON_ACCEPT: Final = "application/json"
_IMAGE_ACCEPT: Final = "image/*"


class ConnectionOutcome(enum.StrEnum):
    """Result of ``XPlatformClient.check_connection``."""

    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    UNREACHABLE = "unreachable"
    WRONG_VERSION = "wrong_version"
    UNEXPECTED = "unexpected"


@dataclass(frozen=True)
class ConnectionCheck:
    """Outcome of a connection test, with a plain-words message for an admin."""

    outcome: ConnectionOutcome
    message: str

    @property
    def ok(self) -> bool:
        return self.outcome is ConnectionOutcome.OK


# --- the client registry ----------------------------------------------------------


_registry_lock = threading.Lock()
_clients: dict[tuple[AccountConfig, CallPolicy], XPlatformClient] = {}


def get_client(account: AccountConfig) -> XPlatformClient:
    """Return the shared client (and connection pool) for an account.

    Reads ``CallPolicy.from_settings()`` on every call, so changed settings
    give a new client.
    """
    policy = CallPolicy.from_settings()
    key = (account, policy)
    with _registry_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = XPlatformClient(account, policy=policy)
        return client


def clear_clients() -> None:
    """Close every connection pool and forget all clients and breakers (tests)."""
    with _registry_lock:
        clients = list(_clients.values())
        _clients.clear()
    clear_breakers()
    clear_bulkheads()
    for client in clients:
        client.close()


# --- the client ----------------------------------------------------------------


class XPlatformClient:
    """Calls the five Interaction History methods for one account."""

    def __init__(
        self,
        account: AccountConfig,
        *,
        policy: CallPolicy,
    ) -> None:
        self.account = account
        self.policy = policy
        try:
            self._pool: Pool | None = build_pool(account.base_url, policy)
        except ValueError:
            # Not an http(s) URL: _check_base_url refuses every call first.
            self._pool = None
        self._fetcher = Fetcher(account, policy, self._pool)
        # The account's concurrent-call slots (``bulkhead``).
        self.bulkhead = bulkhead_for(account, policy.per_account)

    def __repr__(self) -> str:
        return (
            f"<XPlatformClient {self.account.base_url} "
            f"account={self.account.account_id!r}>"
        )

    def close(self) -> None:
        """Close the pooled connections."""
        if self._pool is not None:
            self._pool.close()

    def breakers(self) -> tuple[Breaker, ...]:
        """The account's breakers, one per method group (``breaker.ReadAhead``)."""
        return tuple(
            breaker_for(
                self.account.base_url, self.account.account_id, group, self.policy
            )
            for group in Group
        )

    # --- the five methods ---

    def unique_ids(self, attribute: CallerAttribute, value: str) -> UniqueIdResult:
        """Return the unique IDs a caller attribute points to (5.1, decision a).

        Phone numbers (callReturn, clickToCall) are sent as typed, reduced
        to digits and a leading ``+`` (``validate_phone_digits``); a caller
        that wants E.164 passes ``validate_phone_number(...)``'s result. A
        404 gives an empty result.

        Raises InvalidValue (before any request), XPlatformUnavailable,
        XPlatformTimeout, XPlatformAuthError, XPlatformBadRequest,
        XPlatformResponseError.
        """
        attribute = CallerAttribute(attribute)
        if attribute is CallerAttribute.DTMF:
            checked = validate_dtmf(value)
        elif attribute is CallerAttribute.HISTORY_SEARCH_ID:
            checked = validate_history_search_id(value)
        else:
            checked = validate_phone_digits(value)
        url = build_upstream_url(self.account, "uniqueId", attribute.value, checked)
        try:
            answer = self._get(
                f"uniqueId/{attribute.value}",
                url,
                accept=_JSON_ACCEPT,
                max_bytes=self.policy.max_json_bytes,
            )
        except XPlatformNotFound:
            return UniqueIdResult(())
        return UniqueIdResult.from_body(answer.body, answer.content_type)

    def full_flow(self, unique_id: str) -> FullFlow:
        """Return every page of an interaction by its unique ID (5.2).

        Raises InvalidValue (before any request), XPlatformNotFound,
        XPlatformUnavailable, XPlatformTimeout, XPlatformAuthError,
        XPlatformBadRequest, XPlatformResponseError, XPlatformTooLarge.
        """
        url = build_upstream_url(
            self.account, "interactiondata", validate_unique_id(unique_id), "fullFlow"
        )
        return FullFlow.from_json(self._json("interactiondata/{uid}/fullFlow", url))

    def full_flow_by_attribute(
        self, value: str, wider_search: bool | None = False
    ) -> FullFlow:
        """Return the pages of the interaction a caller attribute points to.

        ``value`` is a DTMF code, DNID, History Search ID or phone number
        (5.2, decision b); ``wider_search=None`` leaves ``widerSearch`` out.
        Raises the same errors as ``full_flow``.
        """
        url = build_upstream_url(
            self.account,
            "interactiondata",
            validate_caller_attribute_value(value),
            "fullFlow",
            "byCallerAttribute",
            query=wider_search_query(wider_search),
        )
        return FullFlow.from_json(
            self._json("interactiondata/{value}/fullFlow/byCallerAttribute", url)
        )

    def summary(self, unique_id: str) -> Summary:
        """Return the summary of an interaction by its unique ID (5.3, decision c).

        Raises InvalidValue (before any request), XPlatformNotFound,
        XPlatformUnavailable, XPlatformTimeout, XPlatformAuthError,
        XPlatformBadRequest, XPlatformResponseError (also when the summary
        names another interaction), XPlatformTooLarge.
        """
        checked = validate_unique_id(unique_id)
        url = build_upstream_url(self.account, "interactiondata", checked, "summary")
        result = Summary.from_json(self._json("interactiondata/{uid}/summary", url))
        if result.unique_id is not None and result.unique_id != checked:
            # The answer must be about the interaction asked for (R-AC-02).
            raise XPlatformResponseError(
                gettext_noop(
                    "The X-Platform server sent the summary of another interaction."
                )
            )
        return result

    def summary_by_attribute(
        self, value: str, wider_search: bool | None = False
    ) -> Summary:
        """Return the summary of the interaction a caller attribute points to.

        Its ``unique_id`` is the instance's unique ID, needed for photos
        (decision b). Raises the same errors as ``summary``.
        """
        url = build_upstream_url(
            self.account,
            "interactiondata",
            validate_caller_attribute_value(value),
            "summary",
            "byCallerAttribute",
            query=wider_search_query(wider_search),
        )
        return Summary.from_json(
            self._json("interactiondata/{value}/summary/byCallerAttribute", url)
        )

    def variable_set(self, unique_id: str, set_id: str) -> VariableSet:
        """Return a user variable set of an interaction (5.4, decision h).

        Raises InvalidValue (before any request), XPlatformNotFound,
        XPlatformUnavailable, XPlatformTimeout, XPlatformAuthError,
        XPlatformBadRequest, XPlatformResponseError, XPlatformTooLarge.
        """
        checked_set = validate_variable_set_id(set_id)
        url = build_upstream_url(
            self.account,
            "interactiondata",
            validate_unique_id(unique_id),
            "variableSet",
            checked_set,
        )
        return VariableSet.from_json(
            self._json("interactiondata/{uid}/variableSet/{setId}", url), checked_set
        )

    def variable_set_by_attribute(
        self, value: str, set_id: str, wider_search: bool | None = False
    ) -> VariableSet:
        """Return a user variable set of the interaction a caller attribute
        points to. Raises the same errors as ``variable_set``."""
        checked_set = validate_variable_set_id(set_id)
        url = build_upstream_url(
            self.account,
            "interactiondata",
            validate_caller_attribute_value(value),
            "variableSet",
            checked_set,
            "byCallerAttribute",
            query=wider_search_query(wider_search),
        )
        return VariableSet.from_json(
            self._json(
                "interactiondata/{value}/variableSet/{setId}/byCallerAttribute", url
            ),
            checked_set,
        )

    def photo(self, unique_id: str, path: str | PhotoPath) -> Photo:
        """Return the bytes of an uploaded photo (5.5, decision g).

        ``maxSize`` is the account's full-view size. The bytes are untrusted:
        decode and re-encode them before display (R-IMG-03). Raises
        InvalidValue (before any request), XPlatformNotFound,
        XPlatformUnavailable, XPlatformTimeout, XPlatformAuthError,
        XPlatformBadRequest, XPlatformResponseError, XPlatformTooLarge.
        """
        photo_path = path if isinstance(path, PhotoPath) else PhotoPath(path)
        url = build_upstream_url(
            self.account,
            "photo",
            validate_unique_id(unique_id),
            photo_path,
            query={"maxSize": self.account.photo_max_size},
        )
        answer = self._get(
            "photo/{uid}/{img_path}",
            url,
            accept=_IMAGE_ACCEPT,
            max_bytes=self.policy.max_image_bytes,
            not_found="The photo was not found on the X-Platform server.",
        )
        if not answer.body:
            raise XPlatformResponseError(
                gettext_noop("The X-Platform server sent an empty photo.")
            )
        return Photo(content=answer.body, content_type=answer.content_type)

    def check_connection(self) -> ConnectionCheck:
        """Probe the account with ``GET uniqueId/dtmf/0`` and classify the result.

        200 or 404: the credentials were accepted. Never raises; bypasses the
        circuit breaker so an admin always gets a fresh answer.
        """
        try:
            url = build_upstream_url(self.account, "uniqueId", "dtmf", "0")
        except InvalidValue as exc:
            return ConnectionCheck(ConnectionOutcome.WRONG_VERSION, exc.message)
        try:
            self._get(
                "uniqueId/dtmf/{dtmf} (connection check)",
                url,
                accept=_JSON_ACCEPT,
                max_bytes=self.policy.max_json_bytes,
                use_breaker=False,
            )
        except XPlatformNotFound:
            pass
        except XPlatformAuthError:
            return ConnectionCheck(
                ConnectionOutcome.BAD_CREDENTIALS,
                "The X-Platform server rejected the stored credentials. Check the "
                "account ID and the application key.",
            )
        except XPlatformBadRequest as exc:
            detail = f" (it said: {exc.detail})" if exc.detail else ""
            return ConnectionCheck(
                ConnectionOutcome.WRONG_VERSION,
                "The X-Platform server refused the request as invalid"
                f"{detail}. Check the API version ({self.account.version}) and "
                "the account ID.",
            )
        except XPlatformUnavailable as exc:
            if exc.status is None:
                return ConnectionCheck(
                    ConnectionOutcome.UNREACHABLE,
                    f"The X-Platform server could not be reached. {exc.message}",
                )
            return ConnectionCheck(ConnectionOutcome.UNEXPECTED, exc.message)
        except XPlatformError as exc:
            return ConnectionCheck(ConnectionOutcome.UNEXPECTED, exc.message)
        return ConnectionCheck(
            ConnectionOutcome.OK,
            "Connected: the X-Platform server accepted the credentials.",
        )

    # --- the call policy ---

    def _json(self, endpoint: str, url: str) -> JSONValue:
        answer = self._get(
            endpoint, url, accept=_JSON_ACCEPT, max_bytes=self.policy.max_json_bytes
        )
        media_type = (answer.content_type or "").split(";", 1)[0].strip().lower()
        if "html" in media_type or answer.body.lstrip()[:1] == b"<":
            raise XPlatformResponseError(
                gettext_noop("The X-Platform server sent a web page instead of data.")
            )
        return parse_json_body(answer.body)

    def _check_base_url(self) -> None:
        # Re-checked on every request, not only when an admin saves it (R-SSRF-01).
        try:
            normalise_base_url(self.account.base_url, self.policy.allowed_hosts)
        except BaseUrlError as exc:
            logger.warning(
                "X-Platform call refused: base URL of account %s not allowed: %s",
                self.account.account_id,
                exc,
            )
            raise XPlatformUnavailable(
                gettext_noop(
                    "The X-Platform address of this account is not allowed; an admin "
                    "must correct it."
                )
            ) from None

    def _get(
        self,
        endpoint: str,
        url: str,
        *,
        accept: str,
        max_bytes: int,
        not_found: str | None = None,
        use_breaker: bool = True,
    ) -> Answer:
        """GET ``url`` under the call policy; return a 200 answer.

        Raises XPlatformError subclasses for every other outcome.
        """
        call = UpstreamCall.start(endpoint, self.account, self._fetcher.host)
        try:
            self._check_base_url()
        except XPlatformError as exc:
            call.finish(exc, refused="refused")
            raise
        breaker = (
            breaker_for(
                self.account.base_url,
                self.account.account_id,
                group_of(endpoint),
                self.policy,
            )
            if use_breaker
            else None
        )
        admission = Admission()
        if breaker is not None:
            entered = breaker.enter()
            if entered is None:
                # Nothing retries on its own (a finished page never refreshes):
                # say when a call is made again, not that one is under way.
                error = XPlatformUnavailable(
                    "The X-Platform server failed several times in a row; the "
                    "console calls it again in about "
                    f"{format_seconds(breaker.reset_timeout)} s."
                )
                call.finish(error, refused="breaker_open")
                raise error
            admission = entered
        # A call started by fanout.gather holds its slot already.
        held = slot_held()
        if not held:
            try:
                self.bulkhead.acquire()
            except XPlatformError as exc:
                call.finish(exc, refused="busy")
                raise
        try:
            answer = self._fetcher.fetch(
                endpoint, url, accept, max_bytes, not_found, call
            )
        except XPlatformError as exc:
            if breaker is not None:
                breaker.record(exc, trial=admission.trial, clean=admission.clean)
            call.finish(exc)
            raise
        finally:
            if not held:
                self.bulkhead.release()
        if breaker is not None:
            breaker.record(None, trial=admission.trial, clean=admission.clean)
        call.finish(None)
        return answer
