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
# Seven digits in one such run: what a text needs for anything to be masked.
_LONG_RUN = re.compile(rf"\d(?:[ \t().\-/]*\d){{{_MIN_DIGITS - 1}}}")

# Kept whole: a UUID-shaped unique ID is not a phone number, and masking it
# would hide what the reader needs.
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# In log lines also addresses and timestamps, strictly shaped, so a number
# such as 01.23.45.67.89 or 0800-12-34 is never mistaken for one.
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_DATE = (
    r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?"
)
_EDGE_BEFORE = r"(?<![0-9A-Za-z.\-])"
_EDGE_AFTER = r"(?![0-9A-Za-z]|[.\-]\d)"
_OPAQUE_TYPED = re.compile(rf"{_EDGE_BEFORE}(?:{_UUID}){_EDGE_AFTER}")
_OPAQUE_LOGGED = re.compile(rf"{_EDGE_BEFORE}(?:{_UUID}|{_IPV4}|{_DATE}){_EDGE_AFTER}")


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


def mask_text(text: str, *, log_line: bool = False) -> str:
    """``text`` with every phone-like run of 7+ digits masked.

    UUID-shaped IDs are kept; with ``log_line`` also IPv4 addresses and ISO
    dates, which log lines carry and typed text has no need for.
    """
    # Without a run of seven digits nothing is masked: most log lines and
    # fields (an address, a status, milliseconds) and typed words end here,
    # without the patterns below (a tenth of their cost).
    if _LONG_RUN.search(text) is None:
        return text
    return _mask_runs(text, log_line=log_line)


def _mask_runs(text: str, *, log_line: bool) -> str:
    """``mask_text`` without its early exit."""
    opaque_pattern = _OPAQUE_LOGGED if log_line else _OPAQUE_TYPED
    parts: list[str] = []
    end = 0
    for opaque in opaque_pattern.finditer(text):
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
