"""Log filter that writes the request ID on every log line.

The ID comes from the context the request middleware binds
(``interactions.xplatform.context``), so lines logged in the pooled threads
of the fan-out carry it too. A line that names its own ``request_id`` (the
simulator logs the ID it received) keeps it. ``-`` when there is none (a
management command, start-up). gunicorn writes its access line after the
request is over; it takes the ID from the answer's X-Request-ID header.
"""

from __future__ import annotations

import logging

from interactions.xplatform.context import current_request_id

NO_REQUEST_ID = "-"
# gunicorn's access line passes its atoms as a dict; response headers are
# named "{header}o".
_ACCESS_ATOM = "{x-request-id}o"


class RequestIdFilter(logging.Filter):
    """Set ``record.request_id`` for the formatters (docs/deployment.md)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None):
            return True
        request_id = current_request_id()
        if request_id is None and isinstance(record.args, dict):
            atom = record.args.get(_ACCESS_ATOM)
            request_id = atom if isinstance(atom, str) and atom != "-" else None
        record.request_id = request_id or NO_REQUEST_ID
        return True
