"""Masking of phone numbers in typed text and log lines (R-PII-02).

Every run of seven or more digits that could be a phone number is masked
wherever it stands: alone (`212-555-0100`), in words (`Phone: 212-555-0100`,
`tel:+12125550100`, `call 2125550100`), with an extension or a stray letter
(`+1 212 555 0100 ext 5`, `2125550100x`). The last four digits stay, so a
supervisor can still tell two numbers apart. What is kept whole: a
UUID-shaped unique ID, dotted IPv4 addresses and ISO dates in log lines,
and shorter digit runs (DTMF codes, step numbers).
"""

from __future__ import annotations

import re

_MASK = "•"
_KEEP_LAST = 4
_MIN_DIGITS = 7

# Digits joined by what people type between them: spaces, ( ) . - / and a
# leading +. A letter, a comma or a colon ends the run.
_PHONE_RUN = re.compile(r"\+?\d(?:[ \t().\-/]*\d)*")

# Kept whole: they are not phone numbers and masking them hides what a
# reader needs (the interaction's ID, an address, a date).
_OPAQUE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\d{1,3}(?:\.\d{1,3}){3}"
    r"|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"
    r")(?![0-9A-Za-z])"
)


def _mask_run(match: re.Match[str]) -> str:
    run = match.group()
    positions = [i for i, ch in enumerate(run) if ch.isdigit()]
    if len(positions) < _MIN_DIGITS:
        return run
    keep = set(positions[-_KEEP_LAST:])
    if run.startswith("+"):
        keep.add(positions[0])  # the country code's first digit
    return "".join(
        _MASK if ch.isdigit() and i not in keep else ch for i, ch in enumerate(run)
    )


def _mask_between(text: str) -> str:
    return _PHONE_RUN.sub(_mask_run, text)


def mask_text(text: str) -> str:
    """``text`` with every phone-like run of 7+ digits masked."""
    if not any(ch.isdigit() for ch in text):
        return text
    parts: list[str] = []
    end = 0
    for opaque in _OPAQUE.finditer(text):
        parts.append(_mask_between(text[end : opaque.start()]))
        parts.append(opaque.group())
        end = opaque.end()
    parts.append(_mask_between(text[end:]))
    return "".join(parts)


def mask_query(text: str, *, limit: int = 120) -> str:
    """What an agent or an integration typed, masked for the access log.

    `+1 212 555 0100` becomes `+1 ••• ••• 0100`; in `1-800-123-4567,959595`
    the dialled number is masked and the short DTMF code after the comma
    kept; a unique ID (a UUID, or letters with short digit groups such as
    `blue-p4ff56al8`) is kept as typed.
    """
    return mask_text(text.strip())[:limit]
