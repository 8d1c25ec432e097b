"""Parser of Get Interaction Unique ID answers (docs/xplatform-api.md decision a)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interactions.xplatform.errors import XPlatformResponseError
from interactions.xplatform.schemas import UniqueIdResult
from tests.xplatform.schema_samples import UUID

# --- unique IDs (decision a) ---


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (UUID.encode(), "text/plain"),
        (f"{UUID}\n".encode(), "text/plain;charset=UTF-8"),
        (f'"{UUID}"\n'.encode(), "text/plain"),
        (f'"{UUID}"'.encode(), "application/json"),
        (json.dumps({"uniqueId": UUID}).encode(), "application/json;charset=UTF-8"),
        (json.dumps({"interactionUniqueId": UUID}).encode(), "application/json"),
        (json.dumps({"uniqueID": UUID}).encode(), "application/json"),
        (json.dumps({"id": UUID}).encode(), "application/json"),
        (json.dumps({"uniqueId": UUID}).encode(), None),
    ],
)
def test_reads_unique_id_in_every_decision_a_shape(body, content_type):
    assert UniqueIdResult.from_body(body, content_type).ids == (UUID,)


def test_reads_one_id_per_line_of_text_plain():
    body = b'0909015\n"040100713"\r\n\n'
    result = UniqueIdResult.from_body(body, "text/plain;charset=UTF-8")
    assert result.ids == ("0909015", "040100713")


def test_unique_id_keys_are_read_in_documented_order():
    body = json.dumps({"id": "third", "uniqueId": "first", "uniqueID": "second"})
    assert UniqueIdResult.from_body(body.encode(), "application/json").ids == ("first",)


def test_reads_every_id_of_an_array():
    body = json.dumps([{"uniqueId": "040100713"}, "040100709", {"id": "040100713"}])
    result = UniqueIdResult.from_body(body.encode(), "application/json")
    assert result.ids == ("040100713", "040100709")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><body>Login</body></html>", "text/html"),
        (b"<html>", "text/plain"),
        (b"../admin", "text/plain"),
        (b'{"uniqueId": "../admin"}', "application/json"),
        (b'{"other": "x"}', "application/json"),
        (b"42", "application/json"),
        (b"{not json", "application/json"),
        (b"", "text/plain"),
        (b"\xff\xfe", "text/plain"),
        (b"abc", "application/octet-stream"),
        (b'[{"uniqueId": "a"}, [1]]', "application/json"),
    ],
)
def test_unique_id_outside_decision_a_is_a_response_error(body, content_type):
    with pytest.raises(XPlatformResponseError):
        UniqueIdResult.from_body(body, content_type)


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=60),
    content_type=st.sampled_from(
        [None, "text/plain", "application/json", "text/html", "image/png"]
    ),
)
def test_arbitrary_unique_id_bodies_give_a_result_or_response_error(body, content_type):
    try:
        result = UniqueIdResult.from_body(body, content_type)
    except XPlatformResponseError:
        return
    assert all(isinstance(i, str) and 1 <= len(i) <= 64 for i in result.ids)
