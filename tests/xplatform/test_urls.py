"""The URL builder of ``urls.py`` (docs/security.md R-URL-01, decision g)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from urllib3.util import parse_url
from urllib3.util.url import _encode_target

from interactions.xplatform.config import AccountConfig
from interactions.xplatform.fetch import request_target
from interactions.xplatform.urls import PhotoPath, build_upstream_url
from interactions.xplatform.validators import (
    InvalidValue,
    validate_caller_attribute_value,
    validate_image_path,
    validate_unique_id,
)

GOINTERACT = AccountConfig(
    base_url="https://gointeract.io", account_id="12345678", application_key="k" * 20
)
JACADA_V7 = AccountConfig(
    base_url="http://interact.jacada.com",
    version="1",
    account_id="12345678",
    application_key="k" * 20,
    legacy_photo_path=True,
)
IMAGE = "/mnt/sdcard/home/downloads/i1152998579.png"
PREFIX = "/interact/agent/version/2/account/12345678/"


def _wire_url(url: str) -> str:
    """The URL the client puts on the wire: the request target ``fetch``
    hands urllib3, encoded as ``HTTPConnectionPool.urlopen`` encodes it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{_encode_target(request_target(url))}"


@pytest.mark.parametrize(
    ("account", "segments", "query", "expected"),
    [
        (
            GOINTERACT,
            ("uniqueId", "dtmf", "4567"),
            None,
            "https://gointeract.io/interact/agent/version/2/account/12345678/uniqueId/dtmf/4567",
        ),
        (
            GOINTERACT,
            ("uniqueId", "callReturn", "2121234567"),
            None,
            "https://gointeract.io/interact/agent/version/2/account/12345678/uniqueId/callReturn/2121234567",
        ),
        (
            JACADA_V7,
            ("interactiondata", "040100713", "fullFlow"),
            None,
            "http://interact.jacada.com/interact/agent/version/1/account/12345678/interactiondata/040100713/fullFlow",
        ),
        (
            JACADA_V7,
            ("interactiondata", "040100709", "variableSet", "customerInfoSet"),
            None,
            "http://interact.jacada.com/interact/agent/version/1/account/12345678/interactiondata/040100709/variableSet/customerInfoSet",
        ),
        (
            GOINTERACT,
            ("interactiondata", "0407013", "fullFlow", "byCallerAttribute"),
            {"widerSearch": "false"},
            "https://gointeract.io/interact/agent/version/2/account/12345678/interactiondata/0407013/fullFlow/byCallerAttribute?widerSearch=false",
        ),
        (
            GOINTERACT,
            (
                "interactiondata",
                "blue-p4ff56al8",
                "variableSet",
                "customerInfoSet",
                "byCallerAttribute",
            ),
            {"widerSearch": "true"},
            "https://gointeract.io/interact/agent/version/2/account/12345678/interactiondata/blue-p4ff56al8/variableSet/customerInfoSet/byCallerAttribute?widerSearch=true",
        ),
        (
            GOINTERACT,
            ("interactiondata", "902c943b-1911-4689-aed3-099c2168cbe6", "summary"),
            None,
            "https://gointeract.io/interact/agent/version/2/account/12345678/interactiondata/902c943b-1911-4689-aed3-099c2168cbe6/summary",
        ),
        # The Uniphore photo example (U-PH), whose path has no extension.
        (
            GOINTERACT,
            ("photo", "040100709", PhotoPath("/mnt/sdcard/home/downloads/i1152998579")),
            {"maxSize": 60},
            "https://gointeract.io/interact/agent/version/2/account/12345678/photo/040100709/%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579?maxSize=60",
        ),
        # The v7.0 photo example (J-PH), with "@@@@@" for the period.
        (
            JACADA_V7,
            ("photo", "040100709", PhotoPath(IMAGE)),
            {"maxSize": 60},
            "http://interact.jacada.com/interact/agent/version/1/account/12345678/photo/040100709/%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579@@@@@png?maxSize=60",
        ),
    ],
)
def test_reproduces_documented_urls(account, segments, query, expected):
    url = build_upstream_url(account, *segments, query=query)
    assert url == expected
    assert _wire_url(url) == expected


@pytest.mark.parametrize(
    ("legacy", "segment"),
    [
        (False, "%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579.png"),
        (True, "%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579@@@@@png"),
    ],
)
def test_photo_segment_follows_decision_g_table(legacy, segment):
    account = AccountConfig(
        base_url="https://gointeract.io",
        account_id="12345678",
        application_key="k" * 20,
        legacy_photo_path=legacy,
    )
    url = build_upstream_url(account, "photo", "040100709", PhotoPath(IMAGE))
    assert url.rsplit("/", 1)[1] == segment


def test_legacy_flag_replaces_only_the_last_dot_of_the_file_name():
    url = build_upstream_url(JACADA_V7, "photo", "1", PhotoPath("/a.b/c.tar.gz"))
    assert unquote(unquote(url.rsplit("/", 1)[1])) == "/a.b/c.tar@@@@@gz"


def test_base_url_path_prefix_is_kept():
    account = AccountConfig(
        base_url="https://x.gointeract.io/internal/",
        account_id="a",
        application_key="k" * 20,
    )
    assert build_upstream_url(account, "uniqueId", "dtmf", "1") == (
        "https://x.gointeract.io/internal/interact/agent/version/2/account/a/uniqueId/dtmf/1"
    )


@pytest.mark.parametrize(
    "segment",
    [
        "..",
        ".",
        "../x",
        "a/b",
        "a?b",
        "a#b",
        "a\\b",
        "%2e%2e",
        "a b",
        "",
        "\uff0e\uff0e",
        "x" * 65,
    ],
)
def test_refuses_unvalidated_segments(segment):
    with pytest.raises(InvalidValue):
        build_upstream_url(GOINTERACT, "interactiondata", segment, "fullFlow")


@pytest.mark.parametrize(
    "field", [{"version": "../1"}, {"account_id": "a/b"}, {"version": ""}]
)
def test_refuses_bad_version_or_account_id(field):
    account = AccountConfig(
        **{
            "base_url": "https://gointeract.io",
            "account_id": "1",
            "application_key": "k" * 20,
            **field,
        }
    )
    with pytest.raises(InvalidValue):
        build_upstream_url(account, "uniqueId", "dtmf", "1")


def test_refuses_bad_query_values():
    with pytest.raises(InvalidValue):
        build_upstream_url(GOINTERACT, "x", query={"maxSize": "1&admin=1"})


def test_photo_path_refuses_invalid_paths():
    with pytest.raises(InvalidValue):
        PhotoPath("../../admin")


# --- properties ---

values = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"),
    st.from_regex(r"\A\+?[0-9][0-9 ().-]{5,18}\Z"),
    st.text(max_size=70),
)


def _path_segments(url: str) -> list[str]:
    path = parse_url(url).path
    assert path is not None
    assert path.startswith(PREFIX)
    return path[len(PREFIX) :].split("/")


@given(value=values, set_id=st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"))
def test_accepted_values_keep_the_path_prefix_and_segment_count(value, set_id):
    try:
        checked = validate_caller_attribute_value(value)
    except InvalidValue:
        return
    forms = [
        (("interactiondata", checked, "fullFlow", "byCallerAttribute"), 4),
        (("interactiondata", checked, "summary", "byCallerAttribute"), 4),
        (("interactiondata", checked, "variableSet", set_id, "byCallerAttribute"), 5),
        (("uniqueId", "historySearchId", checked), 3),
    ]
    for segments, count in forms:
        url = build_upstream_url(GOINTERACT, *segments, query={"widerSearch": "true"})
        for candidate in (url, _wire_url(url)):
            parts = _path_segments(candidate)
            assert len(parts) == count
            assert all(part not in {"", ".", ".."} for part in parts)
            assert unquote(parts[segments.index(checked)]) == checked
            assert urlsplit(candidate).netloc == "gointeract.io"


@given(st.text(max_size=70))
def test_unique_ids_never_leave_their_segment(value):
    try:
        uid = validate_unique_id(value)
    except InvalidValue:
        return
    url = build_upstream_url(GOINTERACT, "interactiondata", uid, "fullFlow")
    assert _path_segments(_wire_url(url)) == ["interactiondata", uid, "fullFlow"]


photo_paths = st.one_of(
    st.lists(
        st.from_regex(r"\A[A-Za-z0-9 ._~@!$&'()*+,;=:-]{1,20}\Z"),
        min_size=1,
        max_size=5,
    ).map(lambda parts: "/" + "/".join(parts)),
    st.text(max_size=60),
)


@given(path=photo_paths, legacy=st.booleans())
def test_photo_path_is_always_one_segment_that_decodes_back(path, legacy):
    try:
        validate_image_path(path)
    except InvalidValue:
        return
    account = AccountConfig(
        base_url="https://gointeract.io",
        account_id="12345678",
        application_key="k" * 20,
        legacy_photo_path=legacy,
    )
    url = build_upstream_url(
        account, "photo", "uid", PhotoPath(path), query={"maxSize": 1600}
    )
    wire = _wire_url(url)
    parts = _path_segments(wire)
    assert len(parts) == 3
    assert parts[:2] == ["photo", "uid"]
    once = unquote(parts[2])
    # After the server's first decoding the path is still one segment.
    assert "/" not in once
    assert once not in {".", ".."}
    decoded = unquote(once)
    if legacy:
        assert decoded.replace("@@@@@", ".") == path
    else:
        assert decoded == path
    assert urlsplit(wire).query == "maxSize=1600"
