"""Readable labels for the variables of an account's flows.

Admins write one ``name = Label`` per line on the account
(`XPlatformAccount.variable_labels`); a variable without a label is shown
with one read from its name (``callbackRequested`` and
``callback_requested`` read "Callback requested"). Plain functions, no
model: `interactions.models` validates with them and
`interactions.presenters` labels the page's variables.
"""

from __future__ import annotations

import functools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

MAX_LABEL = 100
_LINE = re.compile(r"^(?P<name>[A-Za-z0-9_.-]{1,64})\s*=\s*(?P<label>.*)$")
# Words of a camelCase, PascalCase or snake_case name: an acronym before a
# capitalised word ("HTMLPage"), a capitalised or lower word, an acronym,
# digits.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_ACRONYMS = {"id": "ID", "url": "URL", "sms": "SMS", "dnid": "DNID"}


@functools.lru_cache(maxsize=4096)  # a few hundred names per account, read per row
def readable_name(name: str) -> str:
    """A label read from a variable's name: "callbackRequested" -> "Callback
    requested"; acronyms stay upper case ("customerID" -> "Customer ID")."""
    words = []
    for word in _WORD.findall(name):
        lower = word.lower()
        if lower in _ACRONYMS:
            words.append(_ACRONYMS[lower])
        elif len(word) > 1 and word.isupper():
            words.append(word)
        else:
            words.append(lower)
    if not words:
        return name
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_labels(text: str) -> dict[str, str]:
    """The labels by variable name (case-folded); lines that do not read as
    ``name = Label`` are left out (the admin form refuses them)."""
    labels: dict[str, str] = {}
    for line in _lines(text):
        match = _LINE.match(line)
        if match and match["label"].strip():
            labels.setdefault(match["name"].casefold(), match["label"].strip())
    return labels


def validate_variable_labels(text: str) -> None:
    """Every line ``name = Label``, each name once, each label short."""
    seen: set[str] = set()
    for number, line in enumerate(_lines(text), start=1):
        match = _LINE.match(line)
        label = match["label"].strip() if match else ""
        if match is None or not label:
            message = gettext(
                'Line %(number)s: write "variableName = Readable label", '
                "for example callbackRequested = Callback requested."
            )
        elif len(label) > MAX_LABEL:
            message = gettext(
                "Line %(number)s: keep the label under %(max)s characters."
            )
        elif match["name"].casefold() in seen:
            message = gettext("Line %(number)s: this variable already has a label.")
        else:
            seen.add(match["name"].casefold())
            continue
        raise ValidationError(
            message % {"number": number, "max": MAX_LABEL}, code="variable_labels"
        )


def normalise_labels(text: str) -> str:
    """The labels as the admin wrote them, one ``name = Label`` a line."""
    lines = []
    for line in _lines(text):
        match = _LINE.match(line)
        lines.append(f"{match['name']} = {match['label'].strip()}" if match else line)
    return "\n".join(lines)
