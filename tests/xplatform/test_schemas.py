"""Shared JSON parsing and the property every schema parser keeps: arbitrary
JSON gives a result or ``XPlatformResponseError`` (docs/xplatform-api.md 5, 6)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interactions.xplatform.errors import XPlatformResponseError
from interactions.xplatform.schemas import (
    FlowPage,
    FlowSection,
    FullFlow,
    Summary,
    UniqueIdResult,
    VariableSet,
    parse_json_body,
)

# --- JSON bodies ---


@pytest.mark.parametrize("body", [b"NaN", b'{"a": Infinity}', b"{", b"[" * 100_000])
def test_invalid_json_bodies_are_response_errors(body):
    with pytest.raises(XPlatformResponseError):
        parse_json_body(body)


def test_unauthorised_body_parses_as_documented():
    body = (
        b'{"code": "0x7000000", "message": "Request is unauthorized, missing or '
        b'wrong credentials", "moreInfoUrl": "http://support.uniphore.com"}'
    )
    parsed = parse_json_body(body)
    assert isinstance(parsed, dict)
    assert parsed["code"] == "0x7000000"


# --- property: arbitrary JSON gives a result or XPlatformResponseError ---

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)

# Arbitrary values under the keys the parsers look at, to reach deep code paths.
KEYS = [
    "pageNavigation",
    "pageContent",
    "contentSections",
    "sectionChoices",
    "navigationTitle",
    "navigationLeft",
    "buttonAction",
    "buttonVisible",
    "timestamp",
    "time",
    "contentHeader",
    "innerHtml",
    "selectionType",
    "displayStyle",
    "tableHeaders",
    "field",
    "header",
    "collectionItem",
    "uploadImageList",
    "images",
    "imagePath",
    "choiceValue",
    "selected",
    "checked",
    "choiceOption",
    "uniqueId",
    "id",
    "pages",
    "pageTitle",
    "timeZone",
    "answer",
    "name",
    "voice",
    "data",
]
shaped_values = st.recursive(
    json_values,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=40,
)

PARSERS = [
    FullFlow.from_json,
    FlowPage.from_json,
    FlowSection.from_json,
    Summary.from_json,
    UniqueIdResult.from_json,
    lambda value: VariableSet.from_json(value, "set"),
]


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(json_values, shaped_values), parser=st.sampled_from(PARSERS))
def test_arbitrary_json_gives_a_result_or_response_error(value, parser):
    with contextlib.suppress(XPlatformResponseError):
        parser(value)
