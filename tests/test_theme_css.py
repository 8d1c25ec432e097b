"""static/css/console.css and admin.css state their dark palette twice (for
"auto" on a dark system, and for "dark"): the two must not drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "css"


def _declarations(block: str) -> list[str]:
    return sorted(line.strip() for line in block.splitlines() if ":" in line)


@pytest.mark.parametrize("name", ["console.css", "admin.css"])
def test_the_two_dark_palettes_are_the_same(name):
    text = (CSS / name).read_text()
    auto = re.search(
        r"@media \(prefers-color-scheme: dark\) \{\s*"
        r'html:not\(\[data-theme="light"\]\) \{(.*?)\}\s*\}',
        text,
        re.S,
    )
    dark = re.search(r'\nhtml\[data-theme="dark"\] \{(.*?)\}', text, re.S)
    assert auto
    assert dark
    assert _declarations(auto.group(1)) == _declarations(dark.group(1))
    assert len(_declarations(dark.group(1))) >= 10
