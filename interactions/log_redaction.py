"""Log filter that keeps credentials and phone numbers out of every log line."""

from __future__ import annotations

import logging
import re

from interactions.masking import mask_text

# Header-style and key=value forms of the X-Platform credential header.
_SECRET_PATTERN = re.compile(
    r"(?i)(application[-_]key['\"]?\s*[:=]\s*['\"]?)([^'\",\s}]+)"
)


def redact(text: str) -> str:
    # Searched first: nearly no line holds a key, and a search is a tenth of
    # a substitution that finds nothing (every field of every log line).
    if _SECRET_PATTERN.search(text) is None:
        return text
    return _SECRET_PATTERN.sub(r"\1[redacted]", text)


# What every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__
) | {"message", "asctime", "taskName"}
# Kept as they are: a request ID is a checked token (interactions/middleware.py)
# that must stay searchable, and a hex run in it is no phone number.
_KEPT_EXTRAS = frozenset({"request_id"})


def clean(text: str) -> str:
    """``text`` with Application-Key values redacted and phone numbers masked."""
    return mask_text(redact(text), log_line=True)


class RedactSecretsFilter(logging.Filter):
    """Replace Application-Key values with "[redacted]" and mask phone numbers.

    Applied to the whole formatted message, so a number that arrives in a
    URL, an argument or a traceback is masked as in the access log
    (docs/security.md, R-PII-02), and to every text field a line adds with
    ``extra=`` (the JSON formatter prints those as fields of their own).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = clean(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        for name, value in list(record.__dict__.items()):
            if (
                isinstance(value, str)
                and name not in _STANDARD_ATTRIBUTES
                and name not in _KEPT_EXTRAS
            ):
                setattr(record, name, clean(value))
        if record.exc_info or record.exc_text:
            # Formatters print exc_text when it is set: a traceback's
            # exception message can quote a typed number or a header too.
            text = record.exc_text
            if not text and record.exc_info:
                text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = clean(text or "")
        return True
