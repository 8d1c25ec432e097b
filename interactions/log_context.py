"""Log filter that writes the request ID on every log line.

The ID comes from the context the request middleware binds
(``interactions.xplatform.context``), so lines logged in the pooled threads
of the fan-out carry it too. A line that names its own ``request_id`` (the
simulator logs the ID it received) keeps it. ``-`` when there is none (a
management command, start-up).
"""

from __future__ import annotations

import logging

from interactions.xplatform.context import current_request_id

NO_REQUEST_ID = "-"


class RequestIdFilter(logging.Filter):
    """Set ``record.request_id`` for the formatters (docs/deployment.md)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or NO_REQUEST_ID
        return True
