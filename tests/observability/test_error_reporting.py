"""Sentry gets errors without personal data: no network, a capturing transport."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from interactions.error_reporting import before_send, init_sentry
from interactions.xplatform.context import bound_request_id

PHONE = "2125550100"
KEY = "acme-application-key-1234567890"


class CapturingTransport(Transport):
    """Keeps the envelopes instead of sending them."""

    sent: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.sent.append(envelope)


@pytest.fixture
def sentry() -> Iterator[list[Envelope]]:
    """Sentry started as the console starts it, sending to a list."""
    CapturingTransport.sent = []
    init_sentry(
        "https://public@sentry.example.invalid/1",
        environment="test",
        transport=CapturingTransport,
        default_integrations=False,
    )
    try:
        yield CapturingTransport.sent
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)  # off again


def test_before_send_masks_every_text_of_an_event():
    event = {
        "message": f"lookup of {PHONE} failed",
        "exception": {
            "values": [
                {"type": "ValueError", "value": f"Application-Key: {KEY} for {PHONE}"}
            ]
        },
        "request": {
            "url": f"https://console.example.com/x?q=+1{PHONE}",
            "headers": {"Authorization": "Token abc", "Application-Key": KEY},
        },
        "breadcrumbs": {"values": [{"message": f"typed call {PHONE}"}]},
        "extra": {"count": 3},
    }
    with bound_request_id("0123abcd0123abcd"):
        scrubbed = before_send(event, {})
    text = json.dumps(scrubbed, ensure_ascii=False)
    assert PHONE not in text
    assert KEY not in text
    assert "Token abc" not in text
    assert scrubbed["message"] == "lookup of ••••••0100 failed"
    assert scrubbed["request"]["headers"]["Authorization"] == "[redacted]"
    assert scrubbed["extra"] == {"count": 3}
    assert scrubbed["tags"]["request_id"] == "0123abcd0123abcd"


def test_a_captured_exception_leaves_masked(sentry):
    try:
        raise RuntimeError(f"no answer for {PHONE}; Application-Key={KEY}")
    except RuntimeError as exc:
        with bound_request_id("feedc0de0000beef"):
            sentry_sdk.capture_exception(exc)
    sentry_sdk.flush()
    events = [
        json.loads(item.payload.get_bytes())
        for envelope in sentry
        for item in envelope.items
        if item.type == "event"
    ]
    (event,) = events
    text = json.dumps(event, ensure_ascii=False)
    assert PHONE not in text
    assert KEY not in text
    (exception,) = event["exception"]["values"]
    assert exception["value"] == "no answer for ••••••0100; Application-Key=[redacted]"
    assert event["tags"]["request_id"] == "feedc0de0000beef"
    assert event["environment"] == "test"
    assert "user" not in event
    frames = exception["stacktrace"]["frames"]
    assert all("vars" not in frame for frame in frames)


def test_personal_data_collection_is_off(sentry):
    options = sentry_sdk.get_client().options
    assert options["data_collection"]["user_info"] is False
    assert options["data_collection"]["stack_frame_variables"] is False
    assert options["data_collection"]["http_bodies"] == []
    assert options["data_collection"]["cookies"]["mode"] == "off"


def test_sentry_is_off_without_a_dsn(settings):
    assert settings.SENTRY_DSN == ""
    assert sentry_sdk.get_client().transport is None
