"""Credentials are encrypted at rest, fail closed, and survive key rotation."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core import serializers
from django.core.management import call_command
from django.db import connection

from interactions.fields import CredentialDecryptError, Secret
from interactions.models import XPlatformAccount
from tests.conftest import KEY_ACME

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _raw_key_column(account: XPlatformAccount) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_key FROM interactions_xplatformaccount WHERE id = %s",
            [account.pk],
        )
        row = cursor.fetchone()
        assert row is not None
        return str(row[0])


def test_raw_table_holds_only_a_fernet_token(acme):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM interactions_xplatformaccount")
        rows = cursor.fetchall()
    dump = repr(rows)
    assert KEY_ACME not in dump
    assert _raw_key_column(acme).startswith("gAAAA")


def test_loaded_key_is_a_secret_that_reveals_the_plaintext(acme):
    account = XPlatformAccount.objects.get(pk=acme.pk)
    assert isinstance(account.application_key, Secret)
    assert account.application_key.reveal() == KEY_ACME
    assert KEY_ACME not in repr(account.application_key)
    assert KEY_ACME not in str(account.application_key)


def test_saved_instance_does_not_keep_the_plaintext(acme):
    assert isinstance(acme.application_key, Secret)
    assert KEY_ACME not in repr(vars(acme))


def test_wrong_key_fails_closed(acme, settings):
    settings.XPC_FIELD_ENCRYPTION_KEYS = [KEY_B]
    account = XPlatformAccount.objects.get(pk=acme.pk)
    with pytest.raises(CredentialDecryptError, match="cannot be decrypted"):
        account.application_key.reveal()
    with pytest.raises(CredentialDecryptError):
        account.client_config()
    assert account.credentials_state().startswith("unavailable")


def test_a_key_taken_out_of_the_keys_stops_decrypting_at_once(acme, settings):
    account = XPlatformAccount.objects.get(pk=acme.pk)
    assert account.application_key.reveal() == KEY_ACME
    settings.XPC_FIELD_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(CredentialDecryptError, match="cannot be decrypted"):
        account.application_key.reveal()
    settings.XPC_FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(CredentialDecryptError, match="No field encryption keys"):
        account.application_key.reveal()


def test_missing_keys_fail_closed(acme, settings):
    settings.XPC_FIELD_ENCRYPTION_KEYS = []
    account = XPlatformAccount.objects.get(pk=acme.pk)
    with pytest.raises(CredentialDecryptError, match="No field encryption keys"):
        account.application_key.reveal()


def test_rotation_keeps_values_readable_after_the_old_key_is_removed(db, settings):
    settings.XPC_FIELD_ENCRYPTION_KEYS = [KEY_A]
    account = XPlatformAccount.objects.create(
        name="Rotating",
        slug="rotating",
        base_url="https://rotating.gointeract.io",
        account_id="rot1",
        application_key="rotate-me-please",
    )
    before = _raw_key_column(account)
    settings.XPC_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "Re-encrypted 1 row(s)" in out.getvalue()
    after = _raw_key_column(account)
    assert after != before
    settings.XPC_FIELD_ENCRYPTION_KEYS = [KEY_B]
    reloaded = XPlatformAccount.objects.get(pk=account.pk)
    assert reloaded.application_key.reveal() == "rotate-me-please"


def test_rotation_with_an_unknown_key_changes_nothing(acme, settings):
    before = _raw_key_column(acme)
    settings.XPC_FIELD_ENCRYPTION_KEYS = [KEY_B]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_field_keys", stdout=io.StringIO())
    assert _raw_key_column(acme) == before


def test_serialised_account_carries_the_token_not_the_key(acme):
    data = serializers.serialize("json", [XPlatformAccount.objects.get(pk=acme.pk)])
    assert KEY_ACME not in data
    assert '"application_key": "gAAAA' in data
