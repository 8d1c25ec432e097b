"""Parser of Get Interaction Summary answers (docs/xplatform-api.md 5.3)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from interactions.xplatform.errors import XPlatformResponseError
from interactions.xplatform.schemas import Summary
from tests.xplatform.schema_samples import (
    CAPTURED_SUMMARY,
    UUID,
)

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
