"""How gunicorn logs: its own messages and one access line per request.

``gunicorn.conf.py`` sets ``logconfig_dict = gunicorn_logconfig_dict()`` and
``access_log_format = ACCESS_LOG_FORMAT``: this module is the one place to
change gunicorn's log format (for example to JSON lines), without touching
the server settings. Access lines go to stdout, gunicorn's own messages to
stderr. The access line has the path without its query string and goes
through the console's RedactSecretsFilter, so an interaction ID or a phone
number in a path is masked as in the console's own log lines (R-PII-02).
gunicorn's own messages carry no request data (Django logs the errors of a
request itself, through the same filter), and masking would garble their
ports and process ids.
"""

from __future__ import annotations

from typing import Any

# Peer, method, path (no query string), status, response bytes, milliseconds.
# Named fields: bare numbers side by side would read as one phone-like run
# to the masking filter.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" status=%(s)s bytes=%(B)s ms=%(M)s'


def gunicorn_logconfig_dict(level: str = "INFO") -> dict[str, Any]:
    """The logging.config dictionary gunicorn applies in the master and workers."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact_secrets": {"()": "interactions.log_redaction.RedactSecretsFilter"}
        },
        "formatters": {
            "plain": {
                "format": "%(asctime)s [%(process)d] %(levelname)s %(name)s %(message)s"
            },
            "access": {"format": "%(asctime)s [%(process)d] %(message)s"},
        },
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            },
            "access_console": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "filters": ["redact_secrets"],
                "stream": "ext://sys.stdout",
            },
        },
        # gunicorn merges this over its defaults key by key: "root" must
        # name a handler of this dictionary.
        "root": {"level": level, "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {
                "level": level,
                "handlers": ["error_console"],
                "propagate": False,
            },
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["access_console"],
                "propagate": False,
            },
        },
    }
