"""Create or update a console user with a role and accounts, from a script.

The password is read from standard input or XPC_USER_PASSWORD, never from
the command line.
"""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from interactions import roles
from interactions.identity import mfa
from interactions.management.base import ConsoleCommand, read_secret
from interactions.models import AccountAssignment, XPlatformAccount


class Command(ConsoleCommand):
    help = "Create or update a console user with a role and the accounts they use."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=roles.ROLES)
        parser.add_argument(
            "--accounts",
            help="Comma-separated account slugs; replaces the user's assignments.",
        )
        parser.add_argument("--email")
        parser.add_argument(
            "--set-password",
            action="store_true",
            help="Set the password (from stdin or XPC_USER_PASSWORD); always "
            "done for a new user.",
        )
        parser.add_argument(
            "--reset-second-factor",
            action="store_true",
            help="Remove the user's authenticator and recovery codes; they "
            "enrol again at their next admin visit (docs/security.md, R-AC-08).",
        )
        active = parser.add_mutually_exclusive_group()
        active.add_argument(
            "--active", dest="active", action="store_true", default=None
        )
        active.add_argument("--inactive", dest="active", action="store_false")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        creating = user is None
        if creating and not options["role"]:
            raise CommandError("A new user needs --role (agent, supervisor or admin).")
        accounts = self._accounts(options["accounts"])
        if user is None:
            user = User(username=username)
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        if options["email"] is not None:
            user.email = options["email"]
        if options["active"] is not None:
            user.is_active = options["active"]
        if creating or options["set_password"]:
            password = read_secret(
                stdin=sys.stdin, env_name="XPC_USER_PASSWORD", what="password"
            )
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            user.set_password(password)
        with transaction.atomic():
            if options["role"]:
                # Only admins get into Django admin (R-AC-01).
                user.is_staff = options["role"] == roles.ADMIN
            user.save()
            if options["role"]:
                user.groups.set([Group.objects.get(name=options["role"])])
            if accounts is not None:
                AccountAssignment.objects.filter(user=user).exclude(
                    account__in=accounts
                ).delete()
                for account in accounts:
                    AccountAssignment.objects.get_or_create(user=user, account=account)
        if options["reset_second_factor"] and not creating:
            removed = mfa.reset(user)
            self.stdout.write(
                f"Reset the second factor of {username} ({removed} devices)."
            )
        verb = "Created" if creating else "Updated"
        assigned = ", ".join(
            a.account.slug for a in user.account_assignments.select_related("account")
        )
        role = ", ".join(g.name for g in user.groups.all()) or "no role"
        self.stdout.write(
            f"{verb} user {username} ({role}; accounts: {assigned or 'none'})."
        )

    def _accounts(self, value: str | None) -> list[XPlatformAccount] | None:
        if value is None:
            return None
        slugs = [slug.strip() for slug in value.split(",") if slug.strip()]
        found = {a.slug: a for a in XPlatformAccount.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError(f"No account with slug {', '.join(missing)}.")
        return [found[slug] for slug in slugs]
