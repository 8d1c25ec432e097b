"""Create, list and revoke API tokens from a script (docs/security.md, R-AC-07).

``create`` prints the token once, alone on standard output, so a script can
capture it; it is not stored and cannot be printed again. ``list`` never
shows a token or its digest, only its non-secret prefix.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from interactions.identity.models import TOKEN_START, ApiToken
from interactions.management.base import ConsoleCommand, OneLineParser


class Command(ConsoleCommand):
    help = "Manage API tokens: create (printed once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, parser_class=OneLineParser
        )
        create = actions.add_parser("create", help="Make a token; print it once.")
        create.add_argument("--user", required=True, help="Username the API acts as.")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument(
            "--days",
            type=int,
            help="Days until it expires (default: XPC_API_TOKEN_DAYS).",
        )
        listing = actions.add_parser("list", help="List tokens (never the token).")
        listing.add_argument("--user", help="Only this user's tokens.")
        listing.add_argument(
            "--all", action="store_true", help="Include expired and revoked tokens."
        )
        revoke = actions.add_parser("revoke", help="Revoke by prefix or user.")
        which = revoke.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--prefix", help="The prefix shown by list, e.g. xpc_ab12cd34."
        )
        which.add_argument("--user", help="Revoke every usable token of this user.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = _user(options["user"])
        if not user.is_active:
            raise CommandError(f"User {user.username} is deactivated.")
        try:
            token, plaintext = ApiToken.objects.issue(
                user=user, name=options["name"], days=options["days"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(
            f"Created API token {token.display_prefix} for {user.username}, "
            f"valid until {_day(token.expires_at)}. It is shown only this once:"
        )
        self.stdout.write(plaintext)

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.all() if options["all"] else ApiToken.objects.usable()
        tokens = tokens.select_related("user").order_by("user__username", "-created_at")
        if options["user"]:
            tokens = tokens.filter(user=_user(options["user"]))
        now = timezone.now()
        for token in tokens:
            used = _day(token.last_used_at) if token.last_used_at else "never"
            self.stdout.write(
                f"{TOKEN_START}{token.prefix}  {token.user.username}  "
                f"{token.state(now)}  expires {_day(token.expires_at)}  "
                f"last used {used}  {token.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        if options["prefix"]:
            prefix = _bare_prefix(options["prefix"])
            tokens = list(ApiToken.objects.filter(prefix=prefix))
            if not tokens:
                raise CommandError(f"No API token with the prefix {options['prefix']}.")
        else:
            tokens = list(ApiToken.objects.usable().filter(user=_user(options["user"])))
        count = sum(token.revoke() for token in tokens)
        self.stdout.write(f"Revoked {count} API token{'s' if count != 1 else ''}.")


def _user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named {username}.")
    return user


def _bare_prefix(value: str) -> str:
    """``xpc_ab12cd34``, ``ab12cd34`` or a whole token: the stored prefix."""
    value = value.strip().removeprefix(TOKEN_START)
    return value.split("_", 1)[0]


def _day(moment: Any) -> str:
    return str(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"))
