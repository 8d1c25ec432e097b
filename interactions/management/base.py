"""Shared pieces of the console's management commands."""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser


class OneLineParser(CommandParser):
    """An argument parser whose errors are one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{self.prog}: {message}")


class ConsoleCommand(BaseCommand):
    """Base for commands meant for automation: one-line errors, exit code 1."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        # argparse errors raise CommandError here; print them as one line too.
        try:
            super().run_from_argv(argv)
        except CommandError as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(1)


def read_secret(*, stdin: TextIO, env_name: str, what: str) -> str:
    """Read a secret from standard input or an environment variable, never argv."""
    value = os.environ.get(env_name, "")
    if not value and not stdin.isatty():
        value = stdin.readline()
    value = value.strip()
    if not value:
        raise CommandError(
            f"No {what} given: pipe it on standard input or set {env_name}."
        )
    return value
