"""Parsers of the upstream answers (xplatform-api.md 5, 6 and decisions a, e, f, h)."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

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
    html_to_text,
    parse_json_body,
)

UUID = "902c943b-1911-4689-aed3-099c2168cbe6"
IMAGE = "/mnt/sdcard/home/downloads/i1152998579.png"

# The captured first page (CAP-FF), structure unchanged.
CAPTURED_PAGE = json.loads(
    r"""
{
  "pageNavigation": {
    "navigationTitle": "Question 1 Title",
    "pageReferenceName": "Question 1",
    "navigationRight": { "buttonState": "NORMAL", "buttonVisible": true, "buttonLabel": "BTN_DONE",
                         "buttonAction": "server://navigationType?type=FINISH&shouldSendFormData=true" },
    "navigationLeft":  { "buttonState": "NORMAL", "buttonVisible": true, "buttonLabel": "BTN_BACK",
                         "buttonAction": "local://navigationType?type=BACK_TO_COVER_APP" }
  },
  "pageContent": {
    "contentSections": [ {
      "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
      "sectionHeader": { "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
                         "innerHtml": "<p>Question 1 Header </p> <p>&#160; </p> <p>DTMF for history search = 0407013 </p>" },
      "sectionLabel": "Question 1 Label",
      "selectionType": "SINGLE",
      "sectionNumberOfColumns": 0,
      "sectionChoices": [ {
        "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
        "choiceValue": "historyTest2 !@#$%^&*(){}\",",
        "referenceName": "Question 1",
        "textInput": { "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1", "buttonVisible": true,
                       "maxCharacters": 150, "numberOfLines": 1, "textInputFormat": "TEXT",
                       "textMask": "######", "isMandatory": true }
      } ],
      "sectionFooter": { "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
                         "innerHtml": "<p>Question 1 Footer </p>" },
      "referenceName": "Question 1"
    } ],
    "allowVerticalScroll": true,
    "allowHorizonalScroll": false
  },
  "pageMenu": { "menuVisible": false,
                "menuButtons": [ { "buttonState": "NORMAL", "buttonVisible": true, "buttonLabel": "BTN_MORE",
                                   "buttonAction": "local://CURRENT", "buttonImageName": "icon_more.png" } ] },
  "language": "en"
}
"""  # noqa: E501 - the capture is kept exactly as printed in the reference
)

# The captured collection section (CAP-FF), trimmed as in the reference.
COLLECTION_SECTION = json.loads(
    """
{ "id": "1428325486322-8869b09ba9bb121517db46d8f9e914c8ecd3dcc-17e3",
  "selectionType": "SINGLE", "sectionNumberOfColumns": 0,
  "sectionChoices": [
    { "id": "1428325486322-8816b09ba9bb121517db46d8f9e914c8ecd3dcc-17ae:0", "choiceValue": "0",
      "referenceName": "ChildCollOrder1:1",
      "collectionItem": { "subtotal": "3000", "description": "parent order 1",
                          "name": "parent salih beshara", "image_url": "www.jacada.com" },
      "firstName": "subtotal" } ],
  "displayStyle": "TableRows",
  "tableHeaders": [ { "field": "subtotal", "header": "subtotal", "align": "left" },
                    { "field": "description", "header": "description", "align": "left" } ],
  "referenceName": "Child Order collection page 2" }
"""  # noqa: E501
)

# The captured summary (CAP-SUM), complete.
CAPTURED_SUMMARY = json.loads(
    r"""
{
  "name": "S9T1Parent",
  "id": "1428325870378-2321b09ba9bb121517db46d8f9e914c8ecd3dcc-2563",
  "uniqueId": "902c943b-1911-4689-aed3-099c2168cbe6",
  "pages": [
    {
      "pageTitle": "Question 1 Title",
      "time": 1428354535103,
      "timeZone": 120,
      "pageContent": [
        {
          "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
          "question": "Question 1 Label",
          "header": "Question 1 Header \u00a0 DTMF for history search = 0407013",
          "footer": "Question 1 Footer",
          "answer": "historyTest2 !@#$%^&*(){}\","
        }
      ]
    }
  ]
}
"""
)

# The documented v7.0 variable-set sample (J-VS).
VARIABLE_SET: dict[str, Any] = {
    "voice": {
        "data": {
            "customerProfile": "postpaid",
            "customerId": "12345",
            "targetTelephonyQueue": "billing",
            "phoneNumber": "7770000",
            "agentSkill": "",
            "language": "en-us",
            "lastName": "Smith",
            "firstName": "Jane",
        }
    }
}


def _choice_section(*choices: Any) -> dict[str, Any]:
    return {"id": "s1", "sectionChoices": list(choices)}


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


# --- full flow ---


def test_reads_captured_page():
    page = FlowPage.from_json(CAPTURED_PAGE)
    assert page.title == "Question 1 Title"
    assert page.reference_name == "Question 1"
    assert page.timestamp is None
    assert page.nav_right is not None
    assert page.nav_left is not None
    assert page.nav_right.label == "BTN_DONE"
    assert page.nav_right.action_type == "FINISH"
    assert page.nav_right.visible is True
    assert page.nav_left.action_type == "BACK_TO_COVER_APP"
    (section,) = page.sections
    assert section.label == "Question 1 Label"
    assert section.selection_type == "SINGLE"
    assert section.footer_text == "Question 1 Footer"
    assert section.table is None
    (choice,) = section.choices
    assert choice.value == 'historyTest2 !@#$%^&*(){}",'
    assert choice.kind == "textInput"
    assert choice.selected is None
    assert choice.reference_name == "Question 1"


def test_section_header_text_matches_the_vendor_summary():
    # The summary is the vendor's own plain-text rendering of the same header.
    section = FlowPage.from_json(CAPTURED_PAGE).sections[0]
    expected = CAPTURED_SUMMARY["pages"][0]["pageContent"][0]["header"]
    assert section.header_text == expected


def test_reads_captured_collection_as_table():
    section = FlowSection.from_json(COLLECTION_SECTION)
    assert section.display_style == "TableRows"
    assert section.table is not None
    assert section.table.headers == (
        ("subtotal", "subtotal"),
        ("description", "description"),
    )
    assert section.table.rows == (("3000", "parent order 1"),)
    assert section.choices[0].kind == "collectionItem"


def test_bulleted_collection_without_headers_uses_item_keys():
    section = FlowSection.from_json(
        {
            "displayStyle": "BulletedList",
            "sectionChoices": [
                {"collectionItem": {"buttonLabel": "Fibre 500"}},
                {"collectionItem": {"buttonLabel": None}},
            ],
        }
    )
    assert section.table is not None
    assert section.table.headers == (("buttonLabel", "buttonLabel"),)
    assert section.table.rows == (("Fibre 500",), ("",))


def test_accepts_section_group_type_of_the_v7_sample():
    section = FlowSection.from_json({"sectionGroupType": "MULTIPLE"})
    assert section.selection_type == "MULTIPLE"


def test_full_flow_is_a_list_of_pages_in_order():
    second: dict[str, Any] = {"pageNavigation": {"navigationTitle": "Parent Page1"}}
    flow = FullFlow.from_json([CAPTURED_PAGE, second])
    assert [p.title for p in flow.pages] == ["Question 1 Title", "Parent Page1"]


def test_full_flow_must_be_a_list():
    with pytest.raises(XPlatformResponseError):
        FullFlow.from_json({"pages": []})


@pytest.mark.parametrize(
    "raw",
    [
        1428354535103,
        "1428354535103",
        "2015-04-06T21:08:55.103Z",
        "2015-04-06T23:08:55.103+02:00",
        1428354535103.0,
    ],
)
def test_page_timestamp_accepts_epoch_ms_and_iso(raw):
    page = FlowPage.from_json({"timestamp": raw})
    expected = datetime(2015, 4, 6, 21, 8, 55, 103000, tzinfo=UTC)
    assert page.timestamp == expected
    assert page.timestamp.tzinfo is not None


def test_page_time_is_accepted_as_timestamp():
    page = FlowPage.from_json({"time": 1428354535103})
    assert page.timestamp == datetime(2015, 4, 6, 21, 8, 55, 103000, tzinfo=UTC)


def test_naive_iso_timestamp_is_read_as_utc():
    page = FlowPage.from_json({"timestamp": "2015-04-06T21:08:55"})
    assert page.timestamp == datetime(2015, 4, 6, 21, 8, 55, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["yesterday", True, [1], {"ms": 1}, 10**30])
def test_bad_timestamp_is_a_response_error(raw):
    with pytest.raises(XPlatformResponseError):
        FlowPage.from_json({"timestamp": raw})


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"choiceOption": {}, "selected": True}, True),
        ({"choiceOption": {}, "selected": False}, False),
        ({"choiceOption": {}, "isSelected": True}, True),
        ({"choiceSwitch": {}, "checked": "true"}, True),
        ({"choiceOption": {"selected": True}}, True),
        ({"selectFromList": {"isSelected": False}}, False),
        ({"choiceOption": {}}, None),
    ],
)
def test_reads_selected_flag_at_choice_or_kind_level(choice, expected):
    section = FlowSection.from_json(_choice_section(choice))
    assert section.choices[0].selected is expected


def test_choice_level_selected_wins_over_kind_level():
    choice = {"choiceOption": {"selected": False}, "selected": True}
    assert FlowSection.from_json(_choice_section(choice)).choices[0].selected is True


def test_selected_that_is_not_a_boolean_is_a_response_error():
    with pytest.raises(XPlatformResponseError):
        FlowSection.from_json(_choice_section({"choiceOption": {}, "selected": 3}))


def test_reads_choice_label_and_kind():
    choice = {"choiceLabel": "Fibre", "choiceValue": 2, "clickToContinue": {}}
    parsed = FlowSection.from_json(_choice_section(choice)).choices[0]
    assert (parsed.label, parsed.value, parsed.kind) == (
        "Fibre",
        "2",
        "clickToContinue",
    )


# --- photo paths (decision f) ---


@pytest.mark.parametrize(
    "upload",
    [
        [IMAGE],
        [{"path": IMAGE}],
        [{"imagePath": IMAGE}],
        [{"img_path": IMAGE}],
        [{"imgPath": IMAGE}],
        [{"url": IMAGE}],
        {"images": [{"imagePath": IMAGE}]},
        {"images": [IMAGE]},
    ],
)
def test_reads_image_paths_in_every_decision_f_shape(upload):
    section = FlowSection.from_json(_choice_section({"uploadImageList": upload}))
    assert section.image_paths == (IMAGE,)
    assert section.rejected_image_paths == ()


def test_image_choice_value_is_taken_as_a_path():
    choice = {"choiceValue": "/mnt/sdcard/a.JPG", "uploadImageList": {}}
    section = FlowSection.from_json(_choice_section(choice))
    assert section.image_paths == ("/mnt/sdcard/a.JPG",)


def test_choice_value_outside_upload_choice_is_not_a_path():
    choice = {"choiceValue": "/mnt/sdcard/a.jpg", "textInput": {}}
    assert FlowSection.from_json(_choice_section(choice)).image_paths == ()


def test_invalid_image_paths_are_kept_apart_and_never_accepted():
    upload = {
        "images": [
            {"imagePath": "../../admin"},
            {"imagePath": "https://evil/x.jpg"},
            {"imagePath": "//evil/x.jpg"},
            {"imagePath": "%2e%2e/"},
            {"imagePath": "a\\b.jpg"},
            {"imagePath": IMAGE},
        ]
    }
    section = FlowSection.from_json(_choice_section({"uploadImageList": upload}))
    assert section.image_paths == (IMAGE,)
    assert section.rejected_image_paths == (
        "../../admin",
        "https://evil/x.jpg",
        "//evil/x.jpg",
        "%2e%2e/",
        "a\\b.jpg",
    )


def test_simulator_shape_collects_photos_through_the_flow():
    page: dict[str, Any] = {
        "pageContent": {
            "contentSections": [
                _choice_section({"uploadImageList": {"images": [{"imagePath": IMAGE}]}})
            ]
        }
    }
    flow = FullFlow.from_json([page, page])
    assert flow.image_paths == (IMAGE,)


# --- HTML to text ---


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Question 1 Footer </p>", "Question 1 Footer"),
        ("<b>a</b><br>b", "a b"),
        ("a &amp; b &lt;c&gt;", "a & b <c>"),
        ("<script>alert(1)</script>Hi<style>p{}</style>", "Hi"),
        ('<img src=x onerror="alert(1)">ok', "ok"),
        ("<p>one</p><p>two</p>", "one two"),
        ("  a \n\t b  ", "a b"),
        ("", ""),
        ('<span style="word-wrap:break-word;">x', "x"),
    ],
)
def test_html_to_text(markup, text):
    assert html_to_text(markup) == text


def test_page_header_and_footer_are_plain_text():
    page = FlowPage.from_json(
        {
            "pageContent": {
                "contentHeader": {
                    "id": "h",
                    "innerHtml": "<h1>Welcome</h1><script>x()</script>",
                },
                "contentFooter": {"id": "f", "innerHtml": "<p>Bye &amp; thanks</p>"},
            }
        }
    )
    assert (page.header_text, page.footer_text) == ("Welcome", "Bye & thanks")


def test_inner_html_that_is_not_text_is_a_response_error():
    with pytest.raises(XPlatformResponseError):
        FlowPage.from_json({"pageContent": {"contentHeader": {"innerHtml": ["<p>"]}}})


# --- summary ---


def test_reads_captured_summary():
    summary = Summary.from_json(CAPTURED_SUMMARY)
    assert summary.flow_name == "S9T1Parent"
    assert (
        summary.flow_id == "1428325870378-2321b09ba9bb121517db46d8f9e914c8ecd3dcc-2563"
    )
    assert summary.unique_id == UUID
    (page,) = summary.pages
    assert page.title == "Question 1 Title"
    assert page.time == datetime(2015, 4, 6, 21, 8, 55, 103000, tzinfo=UTC)
    assert page.tz_offset_minutes == 120
    assert page.page_id is None
    (question,) = page.questions
    assert question.question == "Question 1 Label"
    assert question.answer == 'historyTest2 !@#$%^&*(){}",'
    assert question.footer == "Question 1 Footer"
    assert question.reference_name is None


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        ("Fibre", "Fibre"),
        (42, "42"),
        (2.5, "2.5"),
        (True, "Yes"),
        (False, "No"),
        (None, ""),
        (["Fibre", "TV"], "Fibre, TV"),
    ],
)
def test_summary_answer_shapes(answer, text):
    data: dict[str, Any] = {"pages": [{"pageContent": [{"answer": answer}]}]}
    assert Summary.from_json(data).pages[0].questions[0].answer == text


def test_summary_reads_page_id_and_reference_name():
    data: dict[str, Any] = {
        "pages": [
            {"pageId": "p-1", "pageContent": [{"referenceName": "Q1", "answer": "x"}]}
        ]
    }
    page = Summary.from_json(data).pages[0]
    assert page.page_id == "p-1"
    assert page.questions[0].reference_name == "Q1"


def test_summary_with_invalid_unique_id_is_a_response_error():
    with pytest.raises(XPlatformResponseError):
        Summary.from_json({"uniqueId": "../../x", "pages": []})


@pytest.mark.parametrize("answer", [{"a": 1}, [["nested"]]])
def test_summary_answer_objects_are_response_errors(answer):
    with pytest.raises(XPlatformResponseError):
        Summary.from_json({"pages": [{"pageContent": [{"answer": answer}]}]})


@pytest.mark.parametrize(("raw", "minutes"), [(120, 120), ("-300", -300), (180.0, 180)])
def test_summary_time_zone_minutes(raw, minutes):
    page = Summary.from_json({"pages": [{"timeZone": raw}]}).pages[0]
    assert page.tz_offset_minutes == minutes


def test_summary_time_zone_out_of_range_is_a_response_error():
    with pytest.raises(XPlatformResponseError):
        Summary.from_json({"pages": [{"timeZone": 5000}]})


# --- variable sets (decision h) ---


def test_reads_documented_variable_set_in_order():
    result = VariableSet.from_json(VARIABLE_SET, "customerInfoSet")
    assert result.set_id == "customerInfoSet"
    assert result.channel == "voice"
    assert [v.name for v in result.values] == list(VARIABLE_SET["voice"]["data"])
    skill = next(v for v in result.values if v.name == "agentSkill")
    assert (skill.value, skill.is_set) == ("", False)
    first = next(v for v in result.values if v.name == "firstName")
    assert (first.value, first.is_set, first.is_structured) == ("Jane", True, False)


def test_reads_data_wrapper_without_channel():
    result = VariableSet.from_json({"data": {"a": "1"}}, "s")
    assert result.channel is None
    assert [(v.name, v.value) for v in result.values] == [("a", "1")]


def test_reads_flat_variable_set():
    result = VariableSet.from_json({"a": 1, "b": True, "c": None}, "s")
    assert [(v.name, v.value, v.is_set) for v in result.values] == [
        ("a", "1", True),
        ("b", "true", True),
        ("c", "", False),
    ]


def test_nested_values_are_formatted_json():
    result = VariableSet.from_json({"data": {"orders": [{"id": 1}]}}, "s")
    (value,) = result.values
    assert value.is_structured is True
    assert json.loads(value.value) == [{"id": 1}]
    assert "\n" in value.value


def test_variable_set_must_be_an_object():
    with pytest.raises(XPlatformResponseError):
        VariableSet.from_json(["a"], "s")


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


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_html_to_text_collapses_whitespace_and_keeps_plain_text(markup):
    text = html_to_text(markup)
    assert text == text.strip(" ")
    assert "  " not in text
    assert "\n" not in text
    assert "\t" not in text
    if "<" not in markup and "&" not in markup:
        assert text == re.sub(r"[ \t\n\r\f\v]+", " ", markup).strip(" ")


@given(st.text(alphabet=st.characters(blacklist_characters="<>&"), max_size=40))
def test_html_to_text_drops_tags_around_text(inner):
    text = html_to_text(f"<p><b>{inner}</b></p><script>{inner}</script>")
    assert "<" not in text
    assert ">" not in text


def test_timestamp_timezone_is_preserved():
    page = FlowPage.from_json({"timestamp": "2015-04-06T23:08:55+02:00"})
    assert page.timestamp is not None
    assert page.timestamp.utcoffset() == timedelta(hours=2)
    assert page.timestamp.tzinfo == timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "timestamp", ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z", 253402300799000, -1]
)
def test_page_times_outside_a_sane_range_are_a_bad_response(timestamp):
    page = {"pageNavigation": {"navigationTitle": "T"}, "timestamp": timestamp}
    with pytest.raises(XPlatformResponseError, match=r"out of range|not a time"):
        FlowPage.from_json(page)
