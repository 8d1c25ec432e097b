"""Seed the demo: accounts pointing at the simulator and one user per role.

Passwords are generated on every run and printed once; nothing is stored in
the repository. Safe to run again: it updates what exists.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import timezone

from interactions import roles
from interactions.management.base import ConsoleCommand
from interactions.models import AccountAssignment, XPlatformAccount
from interactions.simulator.data import DEMO_ACCOUNTS


class Command(ConsoleCommand):
    help = "Create demo accounts (pointing at the simulator) and demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--simulator-url",
            default="http://127.0.0.1:8001",
            help="Base URL of the running X-Platform simulator.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            accounts = [
                self._account(demo, options["simulator_url"]) for demo in DEMO_ACCOUNTS
            ]
            users = [
                ("agent", roles.AGENT, accounts[:1]),
                ("agent2", roles.AGENT, accounts[1:2]),
                ("supervisor", roles.SUPERVISOR, accounts),
                ("admin", roles.ADMIN, accounts),
            ]
            credentials = [self._user(*user) for user in users]
        self.stdout.write("Demo accounts:")
        for account in accounts:
            self.stdout.write(
                f"  {account.slug:<12} {account.name} -> {account.base_url}"
            )
        self.stdout.write("Demo users (passwords are new on every seed):")
        for username, role, password, slugs in credentials:
            self.stdout.write(
                f"  {username:<11} {password}   {role:<10} accounts: {slugs}"
            )

    def _account(self, demo: Any, base_url: str) -> XPlatformAccount:
        account = XPlatformAccount.objects.filter(slug=demo.slug).first()
        if account is None:
            account = XPlatformAccount(slug=demo.slug)
        account.name = demo.name
        account.base_url = base_url
        account.account_id = demo.account_id
        account.application_key = demo.application_key
        account.application_key_changed_at = timezone.now()
        account.environment_name = demo.environment_name or ""
        account.variable_sets = ",".join(demo.variable_sets)
        account.time_zone = demo.time_zone
        account.is_active = True
        account.full_clean()
        account.save()
        return account

    def _user(
        self, username: str, role: str, accounts: list[XPlatformAccount]
    ) -> tuple[str, str, str, str]:
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = role == roles.ADMIN
        user.is_active = True
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        AccountAssignment.objects.filter(user=user).delete()
        for account in accounts:
            AccountAssignment.objects.create(user=user, account=account)
        return username, role, password, ", ".join(a.slug for a in accounts)
