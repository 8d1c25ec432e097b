"""WSGI entry point (gunicorn xplatform_console.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xplatform_console.settings")

application = get_wsgi_application()

# Before this process takes a request: the URL configuration, the templates
# and the catalogues its first page would otherwise load (interactions/warmup.py).
from interactions import warmup  # noqa: E402

warmup.warm()
