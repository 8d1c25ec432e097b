"""The release tarball holds everything a server runs, and nothing else.

`make dist` archives the committed HEAD: the code, manage.py, templates,
static files and the lock files (docs/deployment.md, "Install").
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None
    or shutil.which("make") is None
    or not (ROOT / ".git").exists(),
    reason="needs a git checkout, git and make",
)


def _tracked(prefix: str) -> set[str]:
    # Fixed commands on PATH; the arguments come from this file.
    listed = subprocess.run(  # noqa: S603
        ["/usr/bin/env", "git", "ls-tree", "-r", "--name-only", "HEAD", prefix],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(listed.stdout.split())


@pytest.fixture(scope="module")
def members(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(  # noqa: S603
        ["/usr/bin/env", "make", "-s", "dist", f"DIST_DIR={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    tarball = Path(built.stdout.strip().splitlines()[-1])
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    prefix = names[0].split("/")[0] + "/"
    assert prefix.startswith("xplatform-console-")
    return {name.removeprefix(prefix) for name in names}


def test_tarball_holds_what_a_server_runs(members):
    for path in (
        "manage.py",
        "xplatform_console/settings.py",
        "xplatform_console/wsgi.py",
        "interactions/models.py",
        "templates/registration/login.html",
        "static/css/console.css",
        # The compiled catalogues: servers have no gettext to build them.
        "locale/es/LC_MESSAGES/django.mo",
        "locale/he/LC_MESSAGES/django.mo",
        "requirements/runtime.txt",
        "Makefile",
        "docs/deployment.md",
    ):
        assert path in members, path
    for prefix in (
        "templates",
        "static",
        "interactions",
        "xplatform_console",
        "locale",
    ):
        missing = _tracked(prefix) - members
        assert not missing, f"left out of the tarball: {sorted(missing)[:5]}"


def test_tarball_leaves_out_tests_and_ci(members):
    assert not {m for m in members if m.startswith(("tests/", ".ci/"))}
    assert ".pre-commit-config.yaml" not in members
