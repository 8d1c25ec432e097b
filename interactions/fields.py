"""A text field encrypted at rest with MultiFernet (docs/security.md, R-SEC-01).

Keys come from XPC_FIELD_ENCRYPTION_KEYS (comma-separated, newest first),
never from SECRET_KEY: the first key encrypts, every key decrypts. Loading a
row never decrypts; the value is a `Secret` that decrypts only when
`reveal()` is called, so an admin list still renders with a wrong key while
any attempt to use the credential fails closed (R-SEC-02).
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class CredentialDecryptError(Exception):
    """A stored credential cannot be decrypted with the configured keys."""


def field_fernet() -> MultiFernet:
    """Return a MultiFernet over XPC_FIELD_ENCRYPTION_KEYS, read when called."""
    keys = list(settings.XPC_FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise CredentialDecryptError("No field encryption keys are configured.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise CredentialDecryptError("A field encryption key is malformed.") from None


class Secret:
    """An encrypted value as stored. It never shows its plaintext by accident."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    @classmethod
    def encrypt(cls, plaintext: str) -> Secret:
        return cls(field_fernet().encrypt(plaintext.encode("utf-8")).decode("ascii"))

    def reveal(self) -> str:
        """Return the plaintext; raise CredentialDecryptError when keys do not fit."""
        try:
            return field_fernet().decrypt(self.token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise CredentialDecryptError(
                "The stored credential cannot be decrypted with the configured keys."
            ) from None

    def rotated(self) -> Secret:
        """Return the same plaintext re-encrypted under the newest key."""
        try:
            return Secret(
                field_fernet().rotate(self.token.encode("ascii")).decode("ascii")
            )
        except InvalidToken:
            raise CredentialDecryptError(
                "A stored credential cannot be decrypted with the configured keys."
            ) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)

    def __repr__(self) -> str:
        return "<Secret: hidden>"

    __str__ = __repr__


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores str values as Fernet tokens and loads them as `Secret` objects."""

    description = "Text encrypted at rest with the field encryption keys"

    def from_db_value(self, value: str | None, *args: Any) -> Secret | str | None:
        if value is None or value == "":
            return value
        return Secret(value)

    def to_python(self, value: Any) -> Any:
        return value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        # Encrypt once and keep the Secret on the instance, so the plaintext
        # does not linger on a saved object.
        value = getattr(model_instance, self.attname)
        if isinstance(value, str) and value != "":
            value = Secret.encrypt(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        if value == "":
            return ""
        if isinstance(value, Secret):
            return str(value.token)
        return Secret.encrypt(str(value)).token

    def value_to_string(self, obj: models.Model) -> str:
        # dumpdata and serializers get the token, never the plaintext.
        value = self.value_from_object(obj)
        return value.token if isinstance(value, Secret) else ""
