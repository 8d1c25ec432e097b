"""How gunicorn logs: its own messages and one access line per request.

``gunicorn.conf.py`` sets ``logconfig_dict = gunicorn_logconfig_dict()`` and
``access_log_format = ACCESS_LOG_FORMAT``: this module is the one place to
change gunicorn's log format (for example to JSON lines), without touching
the server settings. Access lines go to stdout, gunicorn's own messages to
stderr. The access line has the path without its query string, so no search
term reaches the log.
"""

from __future__ import annotations

from typing import Any

# Peer, method, path (no query string), status, response bytes, milliseconds.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def gunicorn_logconfig_dict(level: str = "INFO") -> dict[str, Any]:
    """The logging.config dictionary gunicorn applies in the master and workers."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
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
