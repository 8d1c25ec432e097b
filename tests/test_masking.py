"""Phone numbers are masked in the access log and log lines (R-PII-02)."""

from __future__ import annotations

import logging
import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interactions.log_redaction import RedactSecretsFilter
from interactions.masking import _mask_runs, mask_query, mask_text

SEVEN_DIGITS = re.compile(r"\d(?:[\s().\-/]*\d){6}")


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("+1 212 555 0100", "+1 ••• ••• 0100"),
        ("(212) 555.0100", "(•••) •••.0100"),
        ("2125550100", "••••••0100"),
        ("1-800-123-4567,959595", "•-•••-•••-4567,959595"),
        ("959595", "959595"),
        # Numbers with words around them (issue 9: these were stored whole).
        ("tel:+12125550100", "tel:+1••••••0100"),
        ("Phone: 212-555-0100", "Phone: •••-•••-0100"),
        ("212-555-0100 (home)", "•••-•••-0100 (home)"),
        ("+1 212 555 0100 ext 5", "+1 ••• ••• 0100 ext 5"),
        ("2125550100x", "••••••0100x"),
        ("call 2125550100", "call ••••••0100"),
        ("id-212-555-0100", "id-•••-•••-0100"),
        ("212/555/0100", "•••/•••/0100"),
        # Unique IDs typed alone stay visible.
        ("blue-p4ff56al8", "blue-p4ff56al8"),
        (
            "902c943b-1911-4689-aed3-099c2168cbe6",
            "902c943b-1911-4689-aed3-099c2168cbe6",
        ),
        ("123456", "123456"),
    ],
)
def test_examples(typed, masked):
    assert mask_query(typed) == masked


def test_log_lines_keep_addresses_dates_and_ids():
    line = (
        "2026-12-02 15:46:49 from 10.100.200.123 id=902c943b-1911-4689-aed3-"
        "099c2168cbe6 step 12 took 1234 ms; caller 2125550100"
    )
    assert mask_text(line, log_line=True) == line.replace("2125550100", "••••••0100")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        # Shaped like an address or a date, but a phone number all the same.
        ("01.23.45.67.89", "••.••.••.67.89"),
        ("000.00.0.0", "•••.00.0.0"),
        ("0800-12-34", "••••-12-34"),
        ("1.212.255.0100", "•.•••.•••.0100"),
    ],
)
def test_numbers_shaped_like_addresses_or_dates_are_still_masked(number, masked):
    assert mask_text(f"caller {number}", log_line=True) == f"caller {masked}"
    assert mask_query(number) == masked


@given(st.from_regex(r"\+?[0-9][0-9 ().-]{6,30}", fullmatch=True))
def test_no_run_of_seven_digits_survives(typed):
    masked = mask_query(typed)
    assert not SEVEN_DIGITS.search(masked)
    if len(re.findall(r"\d", typed)) >= 7:
        assert len(re.findall(r"\d", masked)) <= 5


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.from_regex(r"\+?[0-9][0-9 ().-]{6,20}[0-9]", fullmatch=True),
    st.text(alphabet="abcxyz :;,!?\t", max_size=10),
)
def test_a_number_anywhere_in_typed_text_is_masked(before, number, after):
    """Whatever surrounds it, the number never survives whole."""
    digits = re.sub(r"\D", "", number)
    masked = mask_query(f"{before}{number}{after}", limit=500)
    assert digits not in re.sub(r"\D", "", masked) or len(digits) < 7


@given(st.text(alphabet="0123456789 \t().-/+x:,aé٣", max_size=40), st.booleans())
def test_the_quick_check_never_skips_what_the_full_pass_masks(text, log_line):
    """Text without a run of seven digits is returned as it is, unread by
    the patterns; the full pass must agree that nothing in it is masked."""
    assert mask_text(text, log_line=log_line) == _mask_runs(text, log_line=log_line)


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("x", logging.INFO, __file__, 1, message, args, None)


def test_log_filter_masks_numbers_in_messages_and_arguments():
    record = _record("lookup of %s failed for %s", "Phone: 212-555-0100", "agnes")
    RedactSecretsFilter().filter(record)
    assert record.getMessage() == "lookup of Phone: •••-•••-0100 failed for agnes"


def test_log_filter_masks_numbers_in_tracebacks():
    try:
        raise ValueError("no interaction for tel:+12125550100")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info()
        )
    RedactSecretsFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "2125550100" not in text
    assert "tel:+1••••••0100" in text
