"""The committed translations: each compiled catalogue (locale/*/django.mo,
shipped in the release tarball) says exactly what its .po says, every
message is translated, and no translation loses a placeholder."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# Left to Django's own admin catalogue (templates/admin/base_site.html).
DJANGO_OWN = {"Django site admin", "Django administration", "Home"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
OTHERS = [code for code, _ in settings.LANGUAGES if code != "en"]


def _catalogue(path: Path) -> dict[Any, str]:
    with path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


@pytest.mark.parametrize("code", OTHERS)
def test_the_committed_mo_is_the_compiled_po(code, tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("needs GNU gettext's msgfmt (.ci/run installs it)")
    folder = ROOT / "locale" / code / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    command = ["/usr/bin/env", "msgfmt", "--check-format", "-o", str(fresh)]
    # A fixed program on PATH; the paths come from this file.
    subprocess.run(  # noqa: S603
        [*command, str(folder / "django.po")],
        check=True,
    )
    assert _catalogue(folder / "django.mo") == _catalogue(fresh), (
        f"locale/{code}: run `make` (compilemessages) and commit the .mo"
    )


@pytest.mark.parametrize("code", OTHERS)
def test_every_message_is_translated_with_its_placeholders(code):
    catalogue = _catalogue(ROOT / "locale" / code / "LC_MESSAGES" / "django.mo")
    po = (ROOT / "locale" / code / "LC_MESSAGES" / "django.po").read_text("utf-8")
    msgids = set(re.findall(r'^msgid "(.+)"$', po, re.MULTILINE)) - {""}
    translated = {key if isinstance(key, str) else key[0] for key in catalogue}
    missing = {m.replace('\\"', '"') for m in msgids} - translated - DJANGO_OWN
    assert not missing, sorted(missing)[:5]
    plurals = dict(re.findall(r'^msgid "(.+)"\nmsgid_plural "(.+)"$', po, re.MULTILINE))
    for key, text in catalogue.items():
        source = key if isinstance(key, str) else key[0]
        if not source:
            continue
        if isinstance(key, tuple) and key[1] > 0:
            source = plurals[source.replace('"', '\\"')]
        wanted = sorted(set(PLACEHOLDER.findall(source)))

        assert sorted(set(PLACEHOLDER.findall(text))) == wanted, (code, source)
