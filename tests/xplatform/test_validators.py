"""Validators run before any URL is built (docs/security.md R-URL-01, R-IMG-04)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interactions.xplatform.validators import (
    InvalidValue,
    looks_like_image_path,
    validate_caller_attribute_value,
    validate_dnid,
    validate_dtmf,
    validate_history_search_id,
    validate_image_path,
    validate_phone_number,
    validate_unique_id,
    validate_variable_set_id,
)

TOKEN_VALIDATORS = [
    validate_unique_id,
    validate_history_search_id,
    validate_dnid,
    validate_variable_set_id,
]

# Values R-URL-01 lists as never passing.
HOSTILE_VALUES = [
    "",
    ".",
    "..",
    "../x",
    "..%2f",
    "%2e%2e",
    "a/b",
    "a?b",
    "a#b",
    "a\\b",
    "a%20b",
    "\uff0e\uff0e",  # fullwidth dots
    "a\x00b",
    "a\nb",
    "abc\n",  # "$" in a regex would accept the trailing newline
    "a b",
    "x" * 65,
    "x" * 10_000,
    "\u0661\u0662",  # Arabic-Indic digits are not ASCII digits
]


@pytest.mark.parametrize(
    "value",
    ["040100713", "902c943b-1911-4689-aed3-099c2168cbe6", "blue-p4ff56al8", "a_b"],
)
def test_unique_id_accepts_documented_forms(value):
    assert validate_unique_id(value) == value


@pytest.mark.parametrize("validator", TOKEN_VALIDATORS)
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_token_validators_refuse_hostile_values(validator, value):
    with pytest.raises(InvalidValue):
        validator(value)


def test_unique_id_message_is_for_the_agent():
    with pytest.raises(
        InvalidValue, match=r"^A unique ID may contain only letters, digits, - and _\.$"
    ):
        validate_unique_id("../admin")


def test_too_long_value_has_its_own_message():
    with pytest.raises(InvalidValue, match="at most 64 characters"):
        validate_variable_set_id("x" * 65)


def test_empty_value_asks_for_input():
    with pytest.raises(InvalidValue, match=r"^Enter a History Search ID"):
        validate_history_search_id("")


def test_non_text_is_refused():
    with pytest.raises(InvalidValue):
        validate_unique_id(123)


@given(st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"))
def test_every_token_of_the_grammar_is_accepted_unchanged(value):
    assert validate_unique_id(value) == value


@given(st.text(max_size=80))
def test_token_validator_accepts_only_the_grammar(value):
    try:
        result = validate_dnid(value)
    except InvalidValue:
        return
    assert result == value
    assert 1 <= len(value) <= 64
    assert all(c.isascii() and (c.isalnum() or c in "-_") for c in value)


@pytest.mark.parametrize("value", ["0", "4567", "0407013", "1" * 32])
def test_dtmf_accepts_digits(value):
    assert validate_dtmf(value) == value


@pytest.mark.parametrize("value", ["", "12a", "12 3", "+123", "1" * 33, "*1", "12\n"])
def test_dtmf_refuses_non_digits_and_long_values(value):
    with pytest.raises(InvalidValue, match="DTMF"):
        validate_dtmf(value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("(212) 555-0134", "+12125550134"),
        ("212.555.0134", "+12125550134"),
        ("212-555-0134", "+12125550134"),
        ("+1 212 555 0134", "+12125550134"),
        ("+44 20 7946 0000", "+442079460000"),
    ],
)
def test_phone_number_is_normalised_to_e164(typed, expected):
    assert validate_phone_number(typed) == expected


def test_phone_number_default_region_is_a_parameter():
    assert validate_phone_number("020 7946 0000", "GB") == "+442079460000"


def test_local_only_number_keeps_its_digits():
    # A 7-digit US number would gain a made-up area code in E.164.
    assert validate_phone_number("555-0134") == "5550134"


def test_number_that_formats_unstably_keeps_its_digits():
    # Found by hypothesis: E.164 formatting drops a zero on each round.
    assert validate_phone_number("+200000000000") == "+200000000000"


def test_unparseable_number_keeps_its_digits():
    assert validate_phone_number("123456") == "123456"


@given(st.from_regex(r"\A\+?[0-9][0-9 ().-]{5,20}\Z"))
def test_phone_result_matches_grammar_and_is_a_fixed_point(typed):
    try:
        result = validate_phone_number(typed)
    except InvalidValue:
        return
    assert result.lstrip("+").isdigit()
    assert 6 <= len(result.lstrip("+")) <= 15
    assert validate_phone_number(result) == result


@pytest.mark.parametrize(
    "value",
    [
        "212-555-CALL",
        "12345",
        "+",
        "",
        "1" * 16,
        "212/555/0134",
        "212%2F555",
        "٢١٢٥٥٥٠١٣٤",
    ],
)
def test_phone_number_refuses_letters_and_odd_lengths(value):
    with pytest.raises(InvalidValue):
        validate_phone_number(value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0407013", "0407013"),
        ("blue-p4ff56al8", "blue-p4ff56al8"),
        ("(212) 555-0134", "2125550134"),
        ("+1 212 555 0134", "+12125550134"),
    ],
)
def test_caller_attribute_value_keeps_tokens_and_phone_digits(typed, expected):
    assert validate_caller_attribute_value(typed) == expected


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "(12) 3", "+abc"])
def test_caller_attribute_value_refuses_hostile_values(value):
    with pytest.raises(InvalidValue):
        validate_caller_attribute_value(value)


@pytest.mark.parametrize(
    "path",
    [
        "/mnt/sdcard/home/downloads/i1152998579.png",
        "/storage/emulated/0/DCIM/Camera/IMG 2024.jpg",
        "/a.b/c..d/x.gif",
        "/x",
    ],
)
def test_image_path_accepts_absolute_device_paths(path):
    assert validate_image_path(path) == path


@pytest.mark.parametrize(
    "path",
    [
        "",
        "../../admin",
        "/mnt/../etc/passwd",
        "/mnt/./x.png",
        "/mnt/..",
        "https://evil/x.jpg",
        "//evil/x.jpg",
        "/mnt/http://evil/x.jpg",
        "%2e%2e/",
        "/mnt/%2e%2e/x.png",
        "/mnt/%252e%252e/x.png",
        "/a\\b.jpg",
        "a\\b.jpg",
        "/x.png?maxSize=1",
        "/x.png#frag",
        "/x\x00.png",
        "/x\n.png",
        "/x\u202e.png",  # bidi override (a format character)
        "/mnt/\uff0e\uff0e/x.png",  # fullwidth dots
        "/mnt\uff0fx.png",  # fullwidth slash
        "mnt/x.png",
        "/mnt//x.png",
        "/mnt/x@@@@@png",
        "/" + "a" * 512,
    ],
)
def test_image_path_refuses_r_img_04_cases(path):
    with pytest.raises(InvalidValue, match="photo path"):
        validate_image_path(path)


@given(st.text(max_size=60))
def test_accepted_image_paths_never_hold_dot_segments(path):
    try:
        validate_image_path(path)
    except InvalidValue:
        return
    assert path.startswith("/")
    assert not path.startswith("//")
    assert all(seg not in {"", ".", ".."} for seg in path.split("/")[1:])
    assert not set(path) & set("\\?#%")


def test_looks_like_image_path():
    assert looks_like_image_path("/mnt/sdcard/x.JPEG") is True
    assert looks_like_image_path("historyTest2 !@#") is False
    assert looks_like_image_path("/mnt/sdcard/notes.txt") is False
