"""Masking of what agents type, for the access log and log lines (R-PII-02)."""

from __future__ import annotations

import re

_PHONE_LIKE = re.compile(r"[\s\d().+-]+")
_MASK = "•"


def _mask_part(part: str) -> str:
    digit_positions = [i for i, ch in enumerate(part) if ch.isdigit()]
    if not _PHONE_LIKE.fullmatch(part) or len(digit_positions) < 7:
        return part
    keep = set(digit_positions[-4:])
    if part.lstrip().startswith("+"):
        keep.add(digit_positions[0])  # the country code's first digit
    return "".join(
        _MASK if ch.isdigit() and i not in keep else ch for i, ch in enumerate(part)
    )


def mask_query(text: str, *, limit: int = 120) -> str:
    """Mask phone-like parts with 7+ digits, keeping their last four digits.

    `+1 212 555 0100` becomes `+1 ••• ••• 0100`; in `1-800-123-4567,959595`
    the dialled number is masked and the short ID after the comma kept;
    IDs with letters (UUIDs, History Search IDs) are kept as typed.
    """
    return ",".join(_mask_part(part) for part in text.strip().split(","))[:limit]
