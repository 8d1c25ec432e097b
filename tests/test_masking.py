"""Phone numbers are masked in the access log and log lines (R-PII-02)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interactions.masking import mask_query


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("+1 212 555 0100", "+1 ••• ••• 0100"),
        ("(212) 555.0100", "(•••) •••.0100"),
        ("2125550100", "••••••0100"),
        ("1-800-123-4567,959595", "•-•••-•••-4567,959595"),
        ("959595", "959595"),
        ("blue-p4ff56al8", "blue-p4ff56al8"),
        (
            "902c943b-1911-4689-aed3-099c2168cbe6",
            "902c943b-1911-4689-aed3-099c2168cbe6",
        ),
    ],
)
def test_examples(typed, masked):
    assert mask_query(typed) == masked


@given(st.from_regex(r"\+?[0-9][0-9 ().-]{6,30}", fullmatch=True))
def test_no_run_of_seven_digits_survives(typed):
    masked = mask_query(typed)
    assert not re.search(r"\d(?:[\s().-]*\d){6}", masked)
    if len(re.findall(r"\d", typed)) >= 7:
        assert len(re.findall(r"\d", masked)) <= 5
