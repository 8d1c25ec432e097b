"""What agents type becomes validated upstream attempts, or a clear refusal."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interactions.caller_query import Method, ParsedQuery, SearchKind, parse_query
from interactions.xplatform.validators import InvalidValue

SAFE_VALUE = re.compile(r"\+?[A-Za-z0-9_-]{1,64}")


def methods(query: ParsedQuery) -> list[tuple[Method, str]]:
    return [(a.method, a.value) for a in query.attempts]


def test_dialled_string_carries_the_unique_id_after_the_comma():
    query = parse_query("1-800-123-4567,959595")
    assert methods(query) == [(Method.UNIQUE_ID, "959595")]


def test_uuid_is_a_unique_id():
    uuid = "902c943b-1911-4689-aed3-099c2168cbe6"
    assert methods(parse_query(uuid)) == [(Method.UNIQUE_ID, uuid)]


def test_leading_zero_digits_are_an_id_or_a_dtmf_code_never_a_phone():
    query = parse_query("040100713")
    assert methods(query) == [
        (Method.UNIQUE_ID, "040100713"),
        (Method.DTMF, "040100713"),
    ]


@pytest.mark.parametrize(
    "text", ["(212) 555-0100", "212.555.0100", "+1 212 555 0100", "212-555-0100"]
)
def test_phone_formats_try_both_attributes_in_e164_and_national_form(text):
    query = parse_query(text)
    assert query.kind == SearchKind.PHONE
    assert set(methods(query)) == {
        (Method.CALL_RETURN, "+12125550100"),
        (Method.CALL_RETURN, "2125550100"),
        (Method.CLICK_TO_CALL, "+12125550100"),
        (Method.CLICK_TO_CALL, "2125550100"),
    }
    assert query.tried() == "as a Call Return Number or a Click-to-Call Caller ID"


def test_long_bare_digits_are_tried_as_id_and_as_phone():
    kinds = {method for method, _ in methods(parse_query("2125550100"))}
    assert kinds == {Method.UNIQUE_ID, Method.CALL_RETURN, Method.CLICK_TO_CALL}


def test_token_with_letters_is_an_id_or_a_history_search_id():
    assert methods(parse_query("blue-p4ff56al8")) == [
        (Method.UNIQUE_ID, "blue-p4ff56al8"),
        (Method.HISTORY_SEARCH_ID, "blue-p4ff56al8"),
    ]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("dtmf", "0407013", [(Method.DTMF, "0407013")]),
        ("dnid", "550113", [(Method.DNID, "550113")]),
        (
            "history_search_id",
            "blue-p4ff56al8",
            [(Method.HISTORY_SEARCH_ID, "blue-p4ff56al8")],
        ),
        ("unique_id", "1-800-123-4567,959595", [(Method.UNIQUE_ID, "959595")]),
    ],
)
def test_search_by_selector(kind, text, expected):
    assert methods(parse_query(text, kind)) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "auto"),
        ("   ", "auto"),
        ("../../etc", "auto"),
        ("a/b", "unique_id"),
        ("a?b", "auto"),
        ("a#b", "auto"),
        ("a\\b", "auto"),
        ("%2e%2e", "auto"),
        ("\uff11\uff12\uff13", "auto"),  # fullwidth digits
        ("x" * 101, "auto"),
        ("12ab", "dtmf"),
        ("call me", "phone"),
        ("959595", "nonsense"),
        ("1-800,", "auto"),
    ],
)
def test_refused_input_raises_a_message(text, kind):
    with pytest.raises(InvalidValue) as excinfo:
        parse_query(text, kind)
    assert str(excinfo.value)


@given(st.text(max_size=120), st.sampled_from([k.value for k in SearchKind]))
def test_every_accepted_attempt_is_a_safe_path_segment(text, kind):
    try:
        query = parse_query(text, kind)
    except InvalidValue:
        return
    assert query.attempts
    for attempt in query.attempts:
        assert SAFE_VALUE.fullmatch(attempt.value), attempt
        assert attempt.value not in {".", ".."}
