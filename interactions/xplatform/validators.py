"""Strict validation of every value before it becomes part of an upstream URL.

docs/security.md R-URL-01: ``quote()`` keeps ``..`` and urllib3 normalises dot
segments, so a typed value could otherwise reach another endpoint with the
console's credentials. Each validator returns the canonical value or raises
``InvalidValue`` with a message for the contact-centre agent. Values from the
upstream (unique IDs in a lookup answer, photo paths in a full flow) go
through the same functions (decision a, decision f, R-IMG-04).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

import phonenumbers

__all__ = [
    "IMAGE_PATH_MAX_LENGTH",
    "InvalidValue",
    "validate_caller_attribute_value",
    "validate_dnid",
    "validate_dtmf",
    "validate_history_search_id",
    "validate_image_path",
    "validate_phone_digits",
    "validate_phone_number",
    "validate_unique_id",
    "validate_variable_set_id",
]

_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DTMF = re.compile(r"[0-9]{1,32}")
_PHONE_RESULT = re.compile(r"\+?[0-9]{6,15}")
# Characters people type in phone numbers; anything else (letters, %, /) is
# refused rather than silently dropped.
_PHONE_INPUT = re.compile(r"\+?[0-9 ().\-]{1,40}")
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")
IMAGE_PATH_MAX_LENGTH = 512
_PHONE_INPUT_MAX_LENGTH = 40


class InvalidValue(ValueError):
    """A value the console refuses to send upstream; the message is for the agent."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _token(value: object, what: str) -> str:
    """Check a value against ``^[A-Za-z0-9_-]{1,64}$`` (R-URL-01)."""
    if not isinstance(value, str):
        raise InvalidValue(f"Enter {what} as text.")
    if value == "":
        raise InvalidValue(f"Enter {what}.")
    if len(value) > 64:
        raise InvalidValue(f"{_capitalise(what)} must be at most 64 characters long.")
    # fullmatch, not match with "$": "$" would also accept a trailing newline.
    if not _TOKEN.fullmatch(value):
        raise InvalidValue(
            f"{_capitalise(what)} may contain only letters, digits, - and _."
        )
    return value


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def validate_unique_id(value: object) -> str:
    """Return a valid interaction unique ID or raise InvalidValue.

    Unique IDs are opaque strings (docs/xplatform-api.md 2): numeric with leading
    zeros (``040100713``) or UUIDs; they are never changed.
    """
    return _token(value, "a unique ID")


def validate_history_search_id(value: object) -> str:
    """Return a valid History Search ID (``blue-p4ff56al8``) or raise InvalidValue."""
    return _token(value, "a History Search ID")


def validate_dnid(value: object) -> str:
    """Return a valid DNID or raise InvalidValue."""
    return _token(value, "a DNID")


def validate_variable_set_id(value: object) -> str:
    """Return a valid variable set ID (``customerInfoSet``) or raise InvalidValue."""
    return _token(value, "a variable set ID")


def validate_dtmf(value: object) -> str:
    """Return a DTMF code (1 to 32 digits) or raise InvalidValue."""
    if not isinstance(value, str) or value == "":
        raise InvalidValue("Enter a DTMF code.")
    if len(value) > 32:
        raise InvalidValue("A DTMF code must be at most 32 digits long.")
    if not _DTMF.fullmatch(value):
        raise InvalidValue("A DTMF code may contain only digits.")
    return value


def validate_phone_number(value: object, default_region: str = "US") -> str:
    """Return a phone number as ``^\\+?[0-9]{6,15}$`` or raise InvalidValue.

    Spaces, dashes, dots, brackets and a leading ``+`` are accepted. A number
    that ``phonenumbers`` reads as a complete number (national numbers in
    ``default_region``) becomes E.164; anything else keeps its digits (and
    its ``+``). The result is a fixed point: validating it again returns it
    unchanged.
    """
    if not isinstance(value, str) or value.strip() == "":
        raise InvalidValue("Enter a phone number.")
    text = value.strip()
    if len(text) > _PHONE_INPUT_MAX_LENGTH:
        raise InvalidValue("A phone number must be at most 40 characters long.")
    if not _PHONE_INPUT.fullmatch(text):
        raise InvalidValue(
            "A phone number may contain only digits, spaces, dashes, dots, "
            "brackets and a leading +."
        )
    digits = re.sub(r"[^0-9]", "", text)
    plus = text.startswith("+")
    result = ("+" if plus else "") + digits
    try:
        parsed = phonenumbers.parse(text, None if plus else default_region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None:
        reason = phonenumbers.is_possible_number_with_reason(parsed)
        # IS_POSSIBLE_LOCAL_ONLY (a 7-digit US number) would gain a made-up
        # area code in E.164, so such numbers keep their digits.
        if reason == phonenumbers.ValidationResult.IS_POSSIBLE:
            formatted = _e164(parsed)
            # Some odd inputs (runs of zeros) lose digits when formatted and
            # again when re-read; such a number keeps its digits instead, so
            # the result stays a fixed point.
            try:
                stable = _e164(phonenumbers.parse(formatted, None)) == formatted
            except phonenumbers.NumberParseException:
                stable = False
            if stable:
                result = formatted
    if not _PHONE_RESULT.fullmatch(result):
        raise InvalidValue("A phone number must have 6 to 15 digits.")
    return result


def validate_phone_digits(value: object) -> str:
    """Return a phone number as typed, reduced to its digits and leading ``+``.

    For upstream lookups: the X-Platform stores the number the customer
    typed (``callReturnNumber`` ``2121234567``, docs/xplatform-api.md 4), so the
    value is not reformatted, only stripped of spaces, dashes, dots and
    brackets. Raises InvalidValue unless the result matches
    ``^\\+?[0-9]{6,15}$``.
    """
    if not isinstance(value, str) or value.strip() == "":
        raise InvalidValue("Enter a phone number.")
    text = value.strip()
    if len(text) > _PHONE_INPUT_MAX_LENGTH:
        raise InvalidValue("A phone number must be at most 40 characters long.")
    if not _PHONE_INPUT.fullmatch(text):
        raise InvalidValue(
            "A phone number may contain only digits, spaces, dashes, dots, "
            "brackets and a leading +."
        )
    result = ("+" if text.startswith("+") else "") + re.sub(r"[^0-9]", "", text)
    if not _PHONE_RESULT.fullmatch(result):
        raise InvalidValue("A phone number must have 6 to 15 digits.")
    return result


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def validate_caller_attribute_value(value: object) -> str:
    """Return a value for the byCallerAttribute calls or raise InvalidValue.

    The value carries no marker of its attribute type (docs/xplatform-api.md 5.2):
    DTMF digits, a DNID, a History Search ID, or a phone number. Tokens are
    kept as typed. A formatted phone number (``(212) 123-4567``) keeps only
    its digits and leading ``+``, so it is sent exactly like the same number
    typed as digits.
    """
    if isinstance(value, str) and not _TOKEN.fullmatch(value):
        text = value.strip()
        if _PHONE_INPUT.fullmatch(text) and re.search(r"[0-9]", text):
            return validate_phone_digits(text)
    return _token(value, "a search value")


def validate_image_path(value: object) -> str:
    """Return a photo path from the full flow, or raise InvalidValue.

    decision f and R-IMG-04: an absolute device path such as
    ``/mnt/sdcard/home/downloads/i1152998579.png``; no scheme, no host (a
    leading ``//``), no ``.`` or ``..`` segment (also after one
    percent-decoding), no backslash, ``?``, ``#``, ``%``, control or
    look-alike characters, at most 512 characters.
    """
    if not isinstance(value, str) or value == "":
        raise InvalidValue("The photo path is empty.")
    if len(value) > IMAGE_PATH_MAX_LENGTH:
        raise InvalidValue("The photo path is too long.")
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise InvalidValue("The photo path contains control characters.")
    # NFKC folds fullwidth dots and slashes (U+FF0E, U+FF0F) into "." and "/";
    # a path that changes under it is refused rather than trusted.
    if unicodedata.normalize("NFKC", value) != value:
        raise InvalidValue("The photo path contains unusual characters.")
    for char, name in (("\\", "a backslash"), ("?", "a ?"), ("#", "a #")):
        if char in value:
            raise InvalidValue(f"The photo path must not contain {name}.")
    if "%" in value:
        raise InvalidValue("The photo path must not contain percent-encoding.")
    # v7 servers turn "@@@@@" back into "." (J-PH); a path holding it could
    # therefore smuggle a dot segment past these checks.
    if "@@@@" in value:
        raise InvalidValue("The photo path must not contain @@@@.")
    if not value.startswith("/"):
        raise InvalidValue("The photo path must be an absolute path.")
    if value.startswith("//"):
        raise InvalidValue("The photo path must not name a host.")
    if "://" in value:
        raise InvalidValue("The photo path must not contain a URL.")
    for candidate in (value, unquote(value)):
        segments = candidate.split("/")[1:]
        if any(segment in {".", ".."} for segment in segments):
            raise InvalidValue("The photo path must not contain . or .. segments.")
        if any(segment == "" for segment in segments):
            raise InvalidValue("The photo path must not contain empty segments.")
    return value


def looks_like_image_path(value: str) -> bool:
    """True for an absolute file path with an image extension (decision f)."""
    return value.startswith("/") and value.lower().endswith(_IMAGE_EXTENSIONS)
