"""The console's logging set-up, from one place for Django and gunicorn.

``logging_config(fmt, level)`` returns the ``logging.config.dictConfig``
dictionary that settings.py uses as LOGGING and that gunicorn.conf.py can
use as ``logconfig_dict``, so the application's lines and gunicorn's own
(``gunicorn.error``, ``gunicorn.access``) come out in the same format
(docs/deployment.md, "Logs and metrics").

- ``json``: one JSON object per line (python-json-logger), with timestamp,
  level, logger, message, process, thread and request_id, plus the fields a
  line adds with ``extra=`` (the access and upstream-call lines do).
- ``plain``: one readable line, for the local demo.

Every handler carries the request-ID filter and then the redaction filter
(``interactions.log_redaction``, R-PII-02), which also masks the ``extra``
fields. Importing this module needs no Django settings.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.json import JsonFormatter

from interactions.log_redaction import clean
from xplatform_console.env import env_bool, env_str

FORMATS = ("json", "plain")

_JSON_FIELDS = (
    "%(levelname)s %(name)s %(message)s %(process)d %(thread)d %(threadName)s "
    "%(request_id)s"
)
_PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class MaskedJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, printing the masked traceback.

    The library formats ``exc_info`` afresh, which would bypass the masked
    ``exc_text`` the redaction filter leaves on the record; with exc_text
    set it is printed instead.
    """

    def format(self, record: logging.LogRecord) -> str:
        if not (record.exc_info and record.exc_text):
            return super().format(record)
        exc_info, record.exc_info = record.exc_info, None
        try:
            return super().format(record)
        finally:
            record.exc_info = exc_info


def format_from_environment() -> str:
    """XPC_LOG_FORMAT, by default ``plain`` when DJANGO_DEBUG is on, else
    ``json``; for settings.py and gunicorn.conf.py alike."""
    fmt = env_str(
        "XPC_LOG_FORMAT", "plain" if env_bool("DJANGO_DEBUG", False) else "json"
    )
    if fmt not in FORMATS:
        raise ImproperlyConfigured(
            f"XPC_LOG_FORMAT must be json or plain; got {fmt!r}."
        )
    return fmt


def masked_text(value: object) -> str:
    """A field that is not plain JSON (Django's ``request``, whose text holds
    the path and query string) as masked text; never a dataclass's fields.
    Dates and times (the timestamp among them) in ISO 8601."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return clean(str(value))


def logging_config(fmt: str, level: str) -> dict[str, Any]:
    """The dictConfig for ``fmt`` (``json`` or ``plain``) at ``level``."""
    if fmt not in FORMATS:
        raise ValueError(f"The log format must be json or plain; got {fmt!r}.")

    def handler(*filters: str, stream: str = "ext://sys.stderr") -> dict[str, Any]:
        return {
            "class": "logging.StreamHandler",
            "formatter": fmt,
            "filters": list(filters),
            "stream": stream,
        }

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "interactions.log_context.RequestIdFilter"},
            "redact_secrets": {"()": "interactions.log_redaction.RedactSecretsFilter"},
        },
        "formatters": {
            "plain": {"format": _PLAIN_FORMAT},
            "json": {
                "()": MaskedJsonFormatter,
                "fmt": _JSON_FIELDS,
                "rename_fields": {
                    "levelname": "level",
                    "name": "logger",
                    "threadName": "thread_name",
                },
                "timestamp": True,
                "json_default": masked_text,
                # Readable UTF-8: the masked "•" stays one character.
                "json_ensure_ascii": False,
            },
        },
        "handlers": {
            # The ID first, so the redaction filter sees it as set.
            "console": handler("request_id", "redact_secrets"),
            # gunicorn's own messages carry no request data, and masking
            # would garble their ports and process ids ("8000 (4123)").
            "server": handler("request_id"),
            # One line per request, on stdout (gunicorn.conf.py): the path
            # may hold an ID or a number, masked like the console's lines.
            "access": handler(
                "request_id", "redact_secrets", stream="ext://sys.stdout"
            ),
        },
        # gunicorn merges this over its defaults key by key: "root" must
        # name a handler of this dictionary.
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # gunicorn's loggers do not propagate.
            "gunicorn.error": {
                "handlers": ["server"],
                "level": level,
                "propagate": False,
            },
            "gunicorn.access": {
                "handlers": ["access"],
                "level": "INFO",
                "propagate": False,
            },
            # django-axes tells every sign-in at INFO; its failures and
            # lockouts are WARNING lines (R-AC-03).
            "axes": {"level": "WARNING"},
        },
    }
