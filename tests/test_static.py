"""Static files the production way: collected, hashed, compressed, cached long.

``collectstatic`` runs once into a temporary folder with WhiteNoise's
CompressedManifestStaticFilesStorage (tests/support/static.py); WhiteNoise
itself then serves the files through the console's middleware.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from pytest_django.fixtures import Settings

from tests.support.static import (
    MANIFEST_STORAGE,
    collected_static,
    production_static_settings,
)

ROOT = Path(__file__).resolve().parent.parent
A_YEAR_OR_MORE = 315_360_000  # WhiteNoise's max-age for hashed names: ten years
HASHED = r"/static/{name}\.[0-9a-f]{{12}}\.{ext}"


@pytest.fixture
def static_root(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    root = collected_static(tmp_path_factory.getbasetemp())
    for name, value in production_static_settings(root).items():
        setattr(settings, name, value)
    return root


def _hashed_url(html: str, name: str, ext: str) -> str:
    match = re.search(HASHED.format(name=re.escape(name), ext=ext), html)
    assert match, f"no hashed URL for {name}.{ext}"
    return match.group(0)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_collectstatic_writes_hashed_and_compressed_files(static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for source in ("css/console.css", "js/console.js", "admin/css/base.css"):
        hashed = manifest[source]
        assert re.fullmatch(r".+\.[0-9a-f]{12}\.(css|js)", hashed)
        assert (static_root / hashed).is_file()
        assert (static_root / f"{hashed}.gz").is_file()


def test_the_login_page_links_hashed_css_cached_for_a_year(client, static_root):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    url = _hashed_url(page.content.decode(), "css/console", "css")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    cache_control = response["Cache-Control"]
    assert f"max-age={A_YEAR_OR_MORE}" in cache_control
    assert "immutable" in cache_control
    assert _body(response) == (ROOT / "static/css/console.css").read_bytes()
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    # Same origin: the page's policy lets it load with 'self'.
    assert "style-src 'self'" in page["Content-Security-Policy"]


def test_an_unhashed_name_is_not_cached_for_long(client, static_root):
    response = client.get("/static/css/console.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]


def test_the_console_script_is_hashed_and_carries_the_nonce(agent_client, static_root):
    page = agent_client.get("/")
    html = page.content.decode()
    url = _hashed_url(html, "js/console", "js")
    nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"])
    assert nonce
    assert f'<script src="{url}" nonce="{nonce.group(1)}"' in html
    response = agent_client.get(url)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]


def test_the_admin_static_files_are_hashed_and_served(client, static_root):
    page = client.get("/admin/login/", secure=True)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("admin/css/base", "css/admin"):
        response = client.get(_hashed_url(html, name, "css"))
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]


def test_a_files_url_is_worked_out_once_as_the_manifest_says(static_root, settings):
    storage: Any = storages.create_storage({"BACKEND": MANIFEST_STORAGE})
    looked_up: list[str] = []
    stored_name = storage.stored_name

    def counted(name: str) -> Any:
        looked_up.append(name)
        return stored_name(name)

    storage.stored_name = counted
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    url = storage.url("css/console.css")
    assert url == f"/static/{manifest['css/console.css']}"
    assert storage.url("css/console.css") == url
    assert storage.url("js/console.js") == f"/static/{manifest['js/console.js']}"
    assert looked_up == ["css/console.css", "js/console.js"]
    # A name missing from the manifest fails each time, as Django's does;
    # with DEBUG on, the unhashed name, never kept for later.
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
    settings.DEBUG = True
    assert storage.url("img/favicon.svg") == "/static/img/favicon.svg"
    settings.DEBUG = False
    assert storage.url("img/favicon.svg") == f"/static/{manifest['img/favicon.svg']}"
