"""Parsers of the full flow (docs/xplatform-api.md 5.2, 6 and decisions e, f)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from interactions.xplatform.errors import XPlatformResponseError
from interactions.xplatform.schemas import (
    FlowPage,
    FlowSection,
    FullFlow,
)
from tests.xplatform.schema_samples import (
    CAPTURED_PAGE,
    CAPTURED_SUMMARY,
    COLLECTION_SECTION,
    IMAGE,
    choice_section,
)

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


def test_captured_page_says_its_language():
    assert FlowPage.from_json(CAPTURED_PAGE).language == "en"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("he", "he"),
        (" en-us ", "en-us"),
        ("he_IL", "he-IL"),
        ("zh-Hant-TW", "zh-Hant-TW"),
    ],
)
def test_page_language_is_kept_as_a_language_tag(raw, expected):
    assert FlowPage.from_json({"language": raw}).language == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "e", "english please", 'he" onmouseover="x', "<b>he</b>", 7, ["he"]],
)
def test_page_language_that_is_not_a_tag_is_unknown_not_an_error(raw):
    # A hint for the page's lang attribute: never a reason to refuse a page.
    assert FlowPage.from_json({"language": raw}).language == ""


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
    section = FlowSection.from_json(choice_section(choice))
    assert section.choices[0].selected is expected


def test_choice_level_selected_wins_over_kind_level():
    choice = {"choiceOption": {"selected": False}, "selected": True}
    assert FlowSection.from_json(choice_section(choice)).choices[0].selected is True


def test_selected_that_is_not_a_boolean_is_a_response_error():
    with pytest.raises(XPlatformResponseError):
        FlowSection.from_json(choice_section({"choiceOption": {}, "selected": 3}))


def test_reads_choice_label_and_kind():
    choice = {"choiceLabel": "Fibre", "choiceValue": 2, "clickToContinue": {}}
    parsed = FlowSection.from_json(choice_section(choice)).choices[0]
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
    section = FlowSection.from_json(choice_section({"uploadImageList": upload}))
    assert section.image_paths == (IMAGE,)
    assert section.rejected_image_paths == ()


def test_image_choice_value_is_taken_as_a_path():
    choice = {"choiceValue": "/mnt/sdcard/a.JPG", "uploadImageList": {}}
    section = FlowSection.from_json(choice_section(choice))
    assert section.image_paths == ("/mnt/sdcard/a.JPG",)


def test_choice_value_outside_upload_choice_is_not_a_path():
    choice = {"choiceValue": "/mnt/sdcard/a.jpg", "textInput": {}}
    assert FlowSection.from_json(choice_section(choice)).image_paths == ()


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
    section = FlowSection.from_json(choice_section({"uploadImageList": upload}))
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
                choice_section({"uploadImageList": {"images": [{"imagePath": IMAGE}]}})
            ]
        }
    }
    flow = FullFlow.from_json([page, page])
    assert flow.image_paths == (IMAGE,)


# --- designer HTML in pages ---


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


# --- page times ---


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
