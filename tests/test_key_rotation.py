"""The field-key rotation runbook works while several instances serve.

docs/deployment.md ("Key rotation") rolls a new Fernet key out in four
steps, one instance at a time. Two instances are simulated here by two key
lists over one database: at every point of the rollout each instance must
read what the other wrote, or an agent on it gets "credentials unavailable".
"""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings

from interactions.fields import CredentialDecryptError
from interactions.models import XPlatformAccount

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def _write(account: XPlatformAccount, keys: list[str], plaintext: str) -> None:
    """An instance configured with `keys` saves a new application key."""
    with override_settings(XPC_FIELD_ENCRYPTION_KEYS=keys):
        account.application_key = plaintext
        account.save()


def _read(account: XPlatformAccount, keys: list[str]) -> str:
    """An instance configured with `keys` loads and uses the stored key."""
    with override_settings(XPC_FIELD_ENCRYPTION_KEYS=keys):
        stored = XPlatformAccount.objects.get(pk=account.pk).application_key
        return str(stored.reveal())


def _each_reads_the_other(account: XPlatformAccount, a: list[str], b: list[str]):
    _write(account, a, "written-by-a")
    assert _read(account, b) == "written-by-a"
    _write(account, b, "written-by-b")
    assert _read(account, a) == "written-by-b"


@pytest.fixture
def account(acme: XPlatformAccount) -> XPlatformAccount:
    _write(acme, [OLD], "before-rotation")
    return acme


def test_runbook_order_keeps_every_instance_working(account):
    # 1. The new key goes in SECOND, one instance after the other.
    _each_reads_the_other(account, [OLD, NEW], [OLD])
    # 2. Once all have it, it moves FIRST, one instance after the other.
    _each_reads_the_other(account, [NEW, OLD], [OLD, NEW])
    _each_reads_the_other(account, [NEW, OLD], [NEW, OLD])
    # 3. rotate_field_keys re-encrypts every row under the new key.
    with override_settings(XPC_FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        call_command("rotate_field_keys", stdout=io.StringIO())
    # 4. The old key is dropped, one instance after the other.
    assert _read(account, [NEW]) == "written-by-b"
    _each_reads_the_other(account, [NEW], [NEW, OLD])


def test_new_key_first_at_once_breaks_instances_still_on_the_old_key(account):
    """The old runbook (deploy NEW,OLD directly): why step 1 exists."""
    _write(account, [NEW, OLD], "written-by-a")
    with pytest.raises(CredentialDecryptError):
        _read(account, [OLD])


def test_dropping_the_old_key_before_rotating_fails_closed(account):
    with pytest.raises(CredentialDecryptError):
        _read(account, [NEW])


def test_accounts_kept_in_memory_are_read_again_after_rotating(account, settings):
    """Each process keeps the account rows it read (permission_cache); the
    rotation rewrites them without a signal, and must not leave old tokens."""
    from interactions import permission_cache
    from tests.support.console import make_user

    settings.XPC_PERMISSION_CACHE_SECONDS = 300
    agent = make_user("agnes", "agent", [account])

    def kept_token() -> str:
        user = type(agent).objects.get(pk=agent.pk)
        permission_cache.prime(user)
        found = permission_cache.account_for_user(user, account.slug)
        assert found is not None
        return str(found.application_key.token)

    before = kept_token()
    with override_settings(XPC_FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        call_command("rotate_field_keys", stdout=io.StringIO())
    stored = XPlatformAccount.objects.get(pk=account.pk).application_key.token
    assert stored != before
    assert kept_token() == stored
