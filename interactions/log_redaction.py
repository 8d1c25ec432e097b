"""Log filter that keeps upstream credentials out of every log line."""

from __future__ import annotations

import logging
import re

# Header-style and key=value forms of the X-Platform credential header.
_SECRET_PATTERN = re.compile(
    r"(?i)(application[-_]key['\"]?\s*[:=]\s*['\"]?)([^'\",\s}]+)"
)


def redact(text: str) -> str:
    return _SECRET_PATTERN.sub(r"\1[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Replace Application-Key values with "[redacted]" in log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
