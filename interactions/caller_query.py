"""What an agent typed into the search box, and how to resolve it upstream.

`parse_query` turns the text and the "search by" choice into the upstream
attempts to make (all run in parallel by the lookup service) and a sentence
saying what was tried. Every value is validated here, before any URL exists
(docs/security.md, R-URL-01).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import phonenumbers
from django.db import models
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from interactions.xplatform.validators import (
    InvalidValue,
    validate_dnid,
    validate_dtmf,
    validate_history_search_id,
    validate_phone_number,
    validate_unique_id,
)

_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_TOKEN_WITH_LETTER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9_-]{1,64}")
_PHONE_CHARS = re.compile(r"\+?[0-9 ().\-]+")
# ASCII digits only: str.isdigit() would also accept fullwidth and other digits.
_DIGITS = re.compile(r"[0-9]{1,64}")
MAX_QUERY_LENGTH = 100


class SearchKind(models.TextChoices):
    AUTO = "auto", gettext_lazy("Automatic")
    UNIQUE_ID = "unique_id", gettext_lazy("Unique ID")
    PHONE = "phone", gettext_lazy("Phone number")
    DTMF = "dtmf", gettext_lazy("DTMF code")
    HISTORY_SEARCH_ID = "history_search_id", gettext_lazy("History Search ID")
    DNID = "dnid", gettext_lazy("DNID")


class Method(Enum):
    """One upstream way of turning a value into unique IDs.

    The values are English (marked for the catalogues); ``label`` is the
    agent's language."""

    UNIQUE_ID = gettext_noop("a unique ID")
    CALL_RETURN = gettext_noop("a Call Return Number")
    CLICK_TO_CALL = gettext_noop("a Click-to-Call Caller ID")
    DTMF = gettext_noop("a DTMF code")
    HISTORY_SEARCH_ID = gettext_noop("a History Search ID")
    DNID = gettext_noop("a DNID")

    @property
    def label(self) -> str:
        return gettext(self.value)


@dataclass(frozen=True)
class Attempt:
    method: Method
    value: str


@dataclass(frozen=True)
class ParsedQuery:
    """The attempts to make for a query, and how it was understood."""

    kind: SearchKind
    attempts: tuple[Attempt, ...]
    shown_as: str

    def tried(self) -> str:
        """'as a Call Return Number or a Click-to-Call Caller ID', for messages."""
        names: list[str] = []
        for attempt in self.attempts:
            if attempt.method.label not in names:
                names.append(attempt.method.label)
        if len(names) == 1:
            return gettext("as %(method)s") % {"method": names[0]}
        return gettext("as %(methods)s or %(last)s") % {
            "methods": ", ".join(names[:-1]),
            "last": names[-1],
        }


def _phone_forms(text: str) -> list[str]:
    """The forms a phone number may be stored in upstream: E.164 and national.

    The X-Platform stores what the customer typed (docs/xplatform-api.md 4, e.g.
    `2121234567`), so both the E.164 and the national digits are tried.
    """
    canonical = validate_phone_number(text)
    forms = [canonical]
    try:
        parsed = phonenumbers.parse(
            canonical, None if canonical.startswith("+") else "US"
        )
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None:
        national = phonenumbers.national_significant_number(parsed)
        if national and national not in forms and 6 <= len(national) <= 15:
            forms.append(national)
    else:
        digits = re.sub(r"[^0-9]", "", text)
        if digits not in forms and 6 <= len(digits) <= 15:
            forms.append(digits)
    return forms


def _phone_attempts(text: str) -> tuple[Attempt, ...]:
    forms = _phone_forms(text)
    return tuple(Attempt(Method.CALL_RETURN, form) for form in forms) + tuple(
        Attempt(Method.CLICK_TO_CALL, form) for form in forms
    )


def _automatic(text: str) -> ParsedQuery:
    if "," in text:
        # A dialled string carries the unique ID after the comma (U-IDX).
        unique_id = validate_unique_id(text.rsplit(",", 1)[1].strip())
        return ParsedQuery(
            SearchKind.UNIQUE_ID, (Attempt(Method.UNIQUE_ID, unique_id),), unique_id
        )
    if _UUID.fullmatch(text):
        return ParsedQuery(
            SearchKind.UNIQUE_ID, (Attempt(Method.UNIQUE_ID, text),), text
        )
    if _TOKEN_WITH_LETTER.fullmatch(text):
        return ParsedQuery(
            SearchKind.AUTO,
            (
                Attempt(Method.UNIQUE_ID, text),
                Attempt(Method.HISTORY_SEARCH_ID, text),
            ),
            text,
        )
    if _DIGITS.fullmatch(text):
        if text.startswith("0") or len(text) < 7:
            # IDs with leading zeros and short codes are IDs or DTMF codes,
            # never phone numbers.
            attempts: tuple[Attempt, ...] = (Attempt(Method.UNIQUE_ID, text),)
            if len(text) <= 32:
                attempts += (Attempt(Method.DTMF, text),)
            return ParsedQuery(SearchKind.AUTO, attempts, text)
        return ParsedQuery(
            SearchKind.AUTO,
            (Attempt(Method.UNIQUE_ID, text), *_phone_attempts(text)),
            text,
        )
    if _PHONE_CHARS.fullmatch(text):
        return ParsedQuery(SearchKind.PHONE, _phone_attempts(text), text)
    raise InvalidValue(
        gettext(
            "That is neither a phone number nor an interaction ID. Type digits, "
            "a phone number such as +1 212 555 0100, or an ID such as 959595."
        )
    )


def parse_query(text: str, kind: str = SearchKind.AUTO) -> ParsedQuery:
    """Return the attempts for a query, or raise InvalidValue with a message."""
    text = (text or "").strip()
    if not text:
        raise InvalidValue(gettext("Type a phone number or an interaction ID."))
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidValue(
            gettext("That is too long: at most %(count)s characters.")
            % {"count": MAX_QUERY_LENGTH}
        )
    if kind == SearchKind.AUTO:
        return _automatic(text)
    if kind == SearchKind.UNIQUE_ID:
        value = validate_unique_id(text.rsplit(",", 1)[-1].strip())
        return ParsedQuery(
            SearchKind.UNIQUE_ID, (Attempt(Method.UNIQUE_ID, value),), value
        )
    if kind == SearchKind.PHONE:
        return ParsedQuery(SearchKind.PHONE, _phone_attempts(text), text)
    if kind == SearchKind.DTMF:
        value = validate_dtmf(text)
        return ParsedQuery(SearchKind.DTMF, (Attempt(Method.DTMF, value),), value)
    if kind == SearchKind.HISTORY_SEARCH_ID:
        value = validate_history_search_id(text)
        return ParsedQuery(
            SearchKind.HISTORY_SEARCH_ID,
            (Attempt(Method.HISTORY_SEARCH_ID, value),),
            value,
        )
    if kind == SearchKind.DNID:
        value = validate_dnid(text)
        return ParsedQuery(SearchKind.DNID, (Attempt(Method.DNID, value),), value)
    raise InvalidValue(gettext("Choose what to search by from the list."))
