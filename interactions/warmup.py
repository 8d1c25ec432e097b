"""What a new worker process does once, before it takes a request.

gunicorn starts each worker without the application preloaded (a ``HUP``
loads new code), and replaces a worker after ``XPC_GUNICORN_MAX_REQUESTS``.
Django leaves much of its set-up to the first request that needs it: the
URL configuration (with the API's modules) is imported, the project's
templates are compiled, each language's catalogue is read. That made the
first page a new worker served cost about a quarter of a second of CPU
instead of about twelve milliseconds, and the agent who asked for it waited
that long (docs/performance.md, "A new worker's first page").

``warm()`` does that work at start-up, from ``xplatform_console/wsgi.py``,
so it happens before the worker accepts a connection. It reads files and
code only: no database, no cache, no X-Platform call, so a worker still
starts while PostgreSQL or Redis is down (the readiness probe reports
those). A step that fails is logged and skipped: the page that needs it
fails as it would have without the warm-up, and the worker still serves
every other page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from django.conf import settings
from django.shortcuts import resolve_url
from django.template import engines
from django.template.backends.base import BaseEngine
from django.template.backends.django import DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def _project_templates(engine: DjangoTemplates) -> Iterator[str]:
    """The names of the Django templates in the engine's own folders
    (``templates/``, not the apps' own: Django's admin alone has hundreds),
    without the folders another engine owns (``templates/jinja2``)."""
    other_folders = [
        Path(folder).resolve()
        for config in settings.TEMPLATES
        if config["BACKEND"] != "django.template.backends.django.DjangoTemplates"
        for folder in cast(list[str], config.get("DIRS", []))
    ]
    for folder in engine.engine.dirs:
        root = Path(folder).resolve()
        for path in sorted(root.rglob("*.html")):
            if any(path.is_relative_to(other) for other in other_folders):
                continue
            yield path.relative_to(root).as_posix()


def _template_names() -> Iterator[tuple[str, BaseEngine, str]]:
    """(engine name, engine, template name) for every project template."""
    for engine in engines.all():
        if isinstance(engine, Jinja2):
            for name in engine.env.list_templates(extensions=["html"]):
                yield engine.name, engine, name
        elif isinstance(engine, DjangoTemplates):
            for name in _project_templates(engine):
                yield engine.name, engine, name


def warm() -> int:
    """Import the URL configuration, compile the project's templates and
    read every language's catalogue; the number of steps that failed."""
    started = time.process_time()
    failed = 0
    try:
        get_resolver().url_patterns  # noqa: B018 (imports every view module)
    except Exception:
        logger.exception("warm-up: the URL configuration did not load")
        failed += 1
    compiled = 0
    for engine_name, engine, name in _template_names():
        try:
            engine.get_template(name)
        except Exception:
            logger.exception(
                "warm-up: template %s (%s) did not compile", name, engine_name
            )
            failed += 1
        else:
            compiled += 1
    for code, _name in settings.LANGUAGES:
        try:
            with translation.override(code):
                # Reads the catalogue, and fills the resolver's reverse
                # lookup in this language.
                resolve_url(settings.LOGIN_URL)
        except Exception:
            logger.exception("warm-up: language %s did not load", code)
            failed += 1
    cpu_ms = round((time.process_time() - started) * 1000)
    logger.info(
        "warm-up: %d templates compiled, %d steps failed, %d ms of CPU",
        compiled,
        failed,
        cpu_ms,
        extra={
            "event": "warmup",
            "templates": compiled,
            "failed": failed,
            "cpu_ms": cpu_ms,
        },
    )
    return failed
