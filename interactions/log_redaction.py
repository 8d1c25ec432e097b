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
    return _SECRET_PATTERN.sub(r"\1[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Replace Application-Key values with "[redacted]" and mask phone numbers.

    Applied to the whole formatted message, so a number that arrives in a
    URL, an argument or a traceback is masked as in the access log
    (docs/security.md, R-PII-02).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = mask_text(redact(message), log_line=True)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set: a traceback's
            # exception message can quote a typed number or a header too.
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_text(redact(text), log_line=True)
        return True
