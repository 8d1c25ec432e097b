"""Re-encrypt every stored credential under the newest field key (R-SEC-01).

Run after putting a new key first in XPC_FIELD_ENCRYPTION_KEYS; remove the
old key only after this has finished.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import CommandError
from django.db import transaction

from interactions import permission_cache
from interactions.fields import CredentialDecryptError, EncryptedTextField, Secret
from interactions.management.base import ConsoleCommand


class Command(ConsoleCommand):
    help = "Re-encrypt every encrypted field under the newest key, in one transaction."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        with transaction.atomic():
            for model in apps.get_models():
                fields = [
                    f.attname
                    for f in model._meta.concrete_fields
                    if isinstance(f, EncryptedTextField)
                ]
                if not fields:
                    continue
                for row in model._default_manager.select_for_update().only(
                    "pk", *fields
                ):
                    changes: dict[str, Secret] = {}
                    for name in fields:
                        value = getattr(row, name)
                        if isinstance(value, Secret):
                            try:
                                changes[name] = value.rotated()
                            except CredentialDecryptError:
                                raise CommandError(
                                    f"{model._meta.label} {row.pk}: {name} cannot be "
                                    "decrypted with any configured key; nothing was "
                                    "changed."
                                ) from None
                    if changes:
                        # update() skips save(): no audit noise, no timestamps.
                        model._default_manager.filter(pk=row.pk).update(**changes)
                        rotated += 1
        # update() sends no signal: the accounts each process keeps
        # (interactions/permission_cache.py) are read again.
        permission_cache.new_generation()
        self.stdout.write(f"Re-encrypted {rotated} row(s) under the newest key.")
