"""Optional error reporting to Sentry, with personal data scrubbed.

``init_sentry`` runs at start-up (InteractionsConfig.ready) only when
SENTRY_DSN is set. The SDK collects no personal data: ``data_collection``,
which replaces ``send_default_pii`` in sentry-sdk 2.75 (passing
``send_default_pii=False`` is deprecated there), turns off the user, the
client address, cookies, request bodies, local variables and query data;
``before_send`` then masks every text of the event (messages, exception
values, breadcrumbs, URLs, headers) with the same functions as the log
filter: phone numbers masked, Application-Key values redacted
(docs/security.md, R-PII-02). The request ID is added as a tag, so an event
leads to the log lines of its request.
"""

from __future__ import annotations

from typing import Any

from interactions.log_redaction import clean
from interactions.xplatform.context import current_request_id

# Headers dropped whole: credentials, sessions, the upstream key.
_SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "application-key", "x-csrftoken"}
)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {
            key: "[redacted]"
            if isinstance(key, str) and key.lower() in _SECRET_HEADERS
            else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Mask the event (every string in it) and tag it with the request ID."""
    scrubbed: dict[str, Any] = _scrub(event)
    request_id = current_request_id()
    if request_id:
        scrubbed.setdefault("tags", {})["request_id"] = request_id
    return scrubbed


def init_sentry(dsn: str, *, environment: str, **options: Any) -> None:
    """Start the Sentry client (imported here: nothing is loaded without a DSN)."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        # What send_default_pii=False meant, and stricter (module docstring).
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
            "queues": False,
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
        },
        max_request_body_size="never",
        before_send=before_send,  # type: ignore[arg-type]
        **options,
    )
