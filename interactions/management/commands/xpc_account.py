"""Create, update, list, delete and test X-Platform accounts from a script.

The application key is read from standard input or XPC_APPLICATION_KEY,
never from the command line, where it would land in shell history and ps.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from interactions.forms import key_bound_changes
from interactions.management.base import ConsoleCommand, OneLineParser, read_secret
from interactions.models import XPlatformAccount

_FIELDS = {
    "name": "name",
    "base_url": "base_url",
    "api_version": "api_version",
    "account_id": "account_id",
    "environment_name": "environment_name",
    "variable_sets": "variable_sets",
    "photo_max_size": "photo_max_size",
    "time_zone": "time_zone",
}


class Command(ConsoleCommand):
    help = "Manage X-Platform accounts: create, update, list, delete, test."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, parser_class=OneLineParser
        )
        create = actions.add_parser("create", help="Add an account.")
        create.add_argument("slug")
        self._add_fields(create, creating=True)
        update = actions.add_parser("update", help="Change an account.")
        update.add_argument("slug")
        self._add_fields(update, creating=False)
        update.add_argument(
            "--new-key",
            action="store_true",
            help="Replace the application key (read from stdin or "
            "XPC_APPLICATION_KEY).",
        )
        actions.add_parser("list", help="List accounts (never their keys).")
        delete = actions.add_parser("delete", help="Delete an account.")
        delete.add_argument("slug")
        test = actions.add_parser("test", help="Test the connection to X-Platform.")
        test.add_argument("slug")

    def _add_fields(self, parser: CommandParser, *, creating: bool) -> None:
        parser.add_argument("--name", required=creating, help="Display name.")
        parser.add_argument("--base-url", required=creating)
        parser.add_argument("--api-version")
        parser.add_argument("--account-id", required=creating, help="Tenant ID.")
        parser.add_argument("--environment-name")
        parser.add_argument("--variable-sets", help="Comma-separated set IDs.")
        parser.add_argument("--photo-max-size", type=int)
        parser.add_argument("--time-zone")
        legacy = parser.add_mutually_exclusive_group()
        legacy.add_argument(
            "--legacy-photo-paths", dest="legacy", action="store_true", default=None
        )
        legacy.add_argument(
            "--no-legacy-photo-paths", dest="legacy", action="store_false"
        )
        active = parser.add_mutually_exclusive_group()
        active.add_argument(
            "--active", dest="active", action="store_true", default=None
        )
        active.add_argument("--inactive", dest="active", action="store_false")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "create":
            self._save(XPlatformAccount(slug=options["slug"]), options, new_key=True)
        elif action == "update":
            self._save(self._get(options["slug"]), options, new_key=options["new_key"])
        elif action == "delete":
            account = self._get(options["slug"])
            account.delete()
            self.stdout.write(f"Deleted account {options['slug']}.")
        elif action == "test":
            self._test(self._get(options["slug"]))

    def _get(self, slug: str) -> XPlatformAccount:
        try:
            return XPlatformAccount.objects.get(slug=slug)
        except XPlatformAccount.DoesNotExist:
            raise CommandError(f"No account with slug {slug!r}.") from None

    def _save(
        self, account: XPlatformAccount, options: dict[str, Any], *, new_key: bool
    ) -> None:
        creating = account.pk is None
        if not creating and not new_key:
            # The same rule as the admin form (docs/security.md, R-SEC-06):
            # the stored key never follows a new server, tenant or environment.
            values = {name: options.get(name) for name in _FIELDS}
            given = {k: v for k, v in values.items() if v is not None}
            changed = key_bound_changes(account, given)
            if changed:
                raise CommandError(
                    f"Changing {', '.join(changed)} needs the application key "
                    "again: add --new-key and give the key on stdin or in "
                    "XPC_APPLICATION_KEY."
                )
        for option, field in _FIELDS.items():
            if options.get(option) is not None:
                setattr(account, field, options[option])
        if options.get("legacy") is not None:
            account.legacy_photo_path_encoding = options["legacy"]
        if options.get("active") is not None:
            account.is_active = options["active"]
        if new_key:
            account.application_key = read_secret(
                stdin=sys.stdin, env_name="XPC_APPLICATION_KEY", what="application key"
            )
            account.application_key_changed_at = timezone.now()
        try:
            account.full_clean()
        except ValidationError as exc:
            raise CommandError(_one_line(exc)) from None
        with transaction.atomic():
            account.save()
        verb = "Created" if creating else "Updated"
        self.stdout.write(f"{verb} account {account.slug} ({account.name}).")

    def _list(self) -> None:
        accounts = XPlatformAccount.objects.all()
        if not accounts:
            self.stdout.write("No accounts.")
            return
        for account in accounts:
            state = "active" if account.is_active else "inactive"
            self.stdout.write(
                f"{account.slug}\t{account.name}\t{account.base_url}\t"
                f"v{account.api_version}\t{account.account_id}\t{state}\t"
                f"key {account.credentials_state()}"
            )

    def _test(self, account: XPlatformAccount) -> None:
        from interactions.services import account_connection_test

        result = account_connection_test(account=account)
        if not result.ok:
            raise CommandError(f"{account.slug}: {result.message}")
        self.stdout.write(f"{account.slug}: {result.message}")


def _one_line(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(m) for m in messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
