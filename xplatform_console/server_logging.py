"""How gunicorn logs: its own messages and one access line per request.

``gunicorn.conf.py`` sets ``logconfig_dict = gunicorn_logconfig_dict()`` and
``access_log_format = ACCESS_LOG_FORMAT``. The dictionary is the console's
own (``logging_config``), so gunicorn's lines come out in the console's
format, JSON lines in production (XPC_LOG_FORMAT), each with the request
ID: the access line takes it from the answer's X-Request-ID header. Access
lines go to stdout, everything else to stderr. The access line has the path
without its query string and goes through the console's RedactSecretsFilter,
so an interaction ID or a phone number in a path is masked as in the
console's own log lines (R-PII-02). gunicorn's own messages carry no request
data (Django logs the errors of a request itself, through the same filter),
and masking would garble their ports and process ids.
"""

from __future__ import annotations

from typing import Any

from xplatform_console.logging_config import format_from_environment, logging_config

# Peer, method, path (no query string), status, response bytes, milliseconds.
# Named fields: bare numbers side by side would read as one phone-like run
# to the masking filter.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" status=%(s)s bytes=%(B)s ms=%(M)s'


def gunicorn_logconfig_dict(level: str = "INFO") -> dict[str, Any]:
    """The logging.config dictionary gunicorn applies in the master and workers."""
    return logging_config(format_from_environment(), level)
