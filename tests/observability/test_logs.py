"""Log lines: one JSON object each in production, every field masked."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from interactions.simulator import data
from interactions.xplatform.context import bound_request_id
from tests.observability.conftest import detail_url, page_lookup
from xplatform_console.logging_config import logging_config

BASE_FIELDS = {
    "timestamp",
    "level",
    "logger",
    "message",
    "process",
    "thread",
    "thread_name",
    "request_id",
}


def test_tests_run_with_the_production_format():
    # DJANGO_DEBUG=0 in the test environment: the default is JSON.
    assert settings.XPC_LOG_FORMAT == "json"


def test_an_access_line_is_one_json_object_with_structured_fields(
    agent_client, console_log
):
    response = agent_client.get(detail_url(data.UUID_UNIQUE_ID))
    assert response.status_code == 200
    (line,) = console_log.events("access")
    assert set(line) >= BASE_FIELDS
    assert line["level"] == "INFO"
    assert line["logger"] == "interactions.access_log"
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", line["timestamp"]
    )
    assert isinstance(line["process"], int)
    assert isinstance(line["thread"], int)
    assert line["request_id"] == response["X-Request-ID"]
    assert {
        key: line[key]
        for key in ("user", "account", "action", "outcome", "error_kind", "query")
    } == {
        "user": "agnes",
        "account": "sim-acme",
        "action": "view",
        "outcome": "found",
        "error_kind": "",
        "query": "",
    }
    assert line["interaction_id"] == data.UUID_UNIQUE_ID
    assert isinstance(line["ms"], int)
    assert "error=- " in line["message"]


def test_the_access_line_names_the_error_kind(agent_client, simulator, console_log):
    simulator.faults.fail("*", status=503, times=None)
    page_lookup(agent_client, "0407009", "dtmf")
    (line,) = console_log.events("access")
    assert line["outcome"] == "upstream_error"
    assert line["error_kind"] == "unavailable"
    assert "error=unavailable" in line["message"]


def test_a_typed_number_is_masked_in_the_message_and_the_fields(
    agent_client, console_log
):
    page_lookup(agent_client, "call 2125550100", "auto")
    (line,) = console_log.events("access")
    assert line["query"] == "call ••••••0100"
    assert "2125550100" not in console_log.text


def test_extra_fields_tracebacks_and_odd_objects_are_masked(console_log):
    class Request:
        def __str__(self) -> str:
            return "<WSGIRequest: GET '/x?q=2125550100'>"

    log = logging.getLogger("interactions.test")
    try:
        raise ValueError("no answer for 2125550100, Application-Key: s3cr3t-key")
    except ValueError:
        log.exception(
            "failed", extra={"note": "tel:+12125550100", "request": Request()}
        )
    (line,) = console_log.lines()
    assert line["note"] == "tel:+1••••••0100"
    assert line["request"] == "<WSGIRequest: GET '/x?q=••••••0100'>"
    assert "ValueError: no answer for ••••••0100" in line["exc_info"]
    assert "[redacted]" in line["exc_info"]
    assert "2125550100" not in console_log.text
    assert "s3cr3t-key" not in console_log.text


def test_lines_outside_a_request_say_so(console_log):
    logging.getLogger("interactions.test").warning("start-up")
    (line,) = console_log.lines()
    assert line["request_id"] == "-"
    assert line["message"] == "start-up"


def test_plain_format_for_the_demo_carries_the_request_id():
    config = logging_config("plain", "INFO")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(config["formatters"]["plain"]["format"]))
    for name in config["handlers"]["console"]["filters"]:
        handler.addFilter(
            import_string(config["filters"][name]["()"])()  # the same classes
        )
    log = logging.getLogger("xpc.plain")
    log.addHandler(handler)
    log.propagate = False
    try:
        with bound_request_id("0123abcd0123abcd"):
            log.info("call %s", "212-555-0100")
    finally:
        log.removeHandler(handler)
        log.propagate = True
    line = stream.getvalue()
    assert line.endswith(" INFO xpc.plain [0123abcd0123abcd] call •••-•••-0100\n")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="json or plain"):
        logging_config("xml", "INFO")
