"""A new worker loads its URLs, templates and catalogues before its first
request, and nothing it does at start-up needs the database or the cache
(interactions/warmup.py)."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real

from interactions import warmup
from tests.support.settings_process import run_python


def _jinja() -> Jinja2:
    return next(e for e in engines.all() if isinstance(e, Jinja2))


def _django() -> DjangoTemplates:
    return next(e for e in engines.all() if isinstance(e, DjangoTemplates))


def _compiled_jinja_names() -> set[str]:
    return {key[1] for key in _jinja().env.cache._mapping}


def _compiled_django_names() -> set[str]:
    (loader,) = _django().engine.template_loaders  # the cached loader
    return {key.split("-")[0] for key in loader.get_template_cache}


@pytest.fixture
def cold(monkeypatch):
    """A process that has loaded none of it yet."""
    _jinja().env.cache.clear()
    _django().engine.template_loaders[0].reset()
    monkeypatch.setattr(trans_real, "_translations", {}, raising=True)
    clear_url_caches()
    yield
    clear_url_caches()


def test_every_project_template_is_compiled_and_every_language_read(cold):
    # No database fixture: a query here would fail the test.
    assert warmup.warm() == 0

    jinja_names = set(_jinja().env.list_templates(extensions=["html"]))
    assert {"frame.html", "interactions/timeline.html"} <= jinja_names
    assert jinja_names <= _compiled_jinja_names()
    django_names = _compiled_django_names()
    assert {
        "base.html",
        "interactions/detail.html",
        "registration/login.html",
    } <= django_names
    # Jinja2's files are not Django templates, and the apps' own are not read.
    assert not {name for name in django_names if name.startswith("jinja2/")}
    assert "admin/index.html" not in django_names
    loaded = set(trans_real._translations)  # type: ignore[attr-defined]
    assert {code for code, _ in settings.LANGUAGES} <= loaded
    assert "url_patterns" in vars(get_resolver())


def test_a_template_that_fails_is_logged_and_the_others_still_compile(
    cold, monkeypatch, caplog
):
    engine = _jinja()
    compile_template = engine.get_template

    def broken(name: str):
        if name == "interactions/status.html":
            raise TemplateSyntaxError("unexpected end of template")
        return compile_template(name)

    monkeypatch.setattr(engine, "get_template", broken)
    with caplog.at_level(logging.INFO, logger="interactions.warmup"):
        assert warmup.warm() == 1

    assert "interactions/status.html" not in _compiled_jinja_names()
    assert "interactions/timeline.html" in _compiled_jinja_names()
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failures] == [
        "warm-up: template interactions/status.html (sections) did not compile"
    ]
    (done,) = [r for r in caplog.records if getattr(r, "event", "") == "warmup"]
    assert done.failed == 1


def test_the_wsgi_module_warms_the_worker_with_no_database_or_cache():
    """What gunicorn imports in each worker; PostgreSQL and Redis point at
    a closed port, so a warm-up that needed either would fail here."""
    result = run_python(
        "import xplatform_console.wsgi",
        DJANGO_ALLOWED_HOSTS="console.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/xpc",
        REDIS_URL="redis://127.0.0.1:1/0",
        XPC_LOG_LEVEL="INFO",
    )
    assert result.returncode == 0, result.stderr
    lines = [
        json.loads(line) for line in result.stderr.splitlines() if '"warmup"' in line
    ]
    assert len(lines) == 1, result.stderr
    assert lines[0]["failed"] == 0
    assert lines[0]["templates"] >= 30
