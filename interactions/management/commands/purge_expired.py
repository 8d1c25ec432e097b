"""Delete what is past its retention period (docs/security.md, R-PII-03).

Stored interaction snapshots (and their thumbnails) go after
XPC_SNAPSHOT_RETENTION_DAYS, access-log rows after
XPC_ACCESS_LOG_RETENTION_DAYS. Deletes in small batches, each its own short
transaction, so it is safe to run daily from cron while the console serves
traffic; a second run deletes nothing.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from django.core.management.base import CommandParser

from interactions import access_log, snapshots
from interactions.management.base import ConsoleCommand

logger = logging.getLogger(__name__)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= number <= 50_000:
        raise argparse.ArgumentTypeError("must be between 1 and 50000")
    return number


class Command(ConsoleCommand):
    help = "Delete snapshots and access-log rows past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=500,
            help="Rows deleted per transaction (default 500).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        stored, photos = snapshots.snapshots_purge(batch_size=batch_size)
        accesses = access_log.access_log_purge(batch_size=batch_size)
        logger.info(
            "purge_expired snapshots=%s photos=%s access_log=%s",
            stored,
            photos,
            accesses,
        )
        self.stdout.write(
            f"Deleted {stored} snapshot(s) with {photos} thumbnail(s) and "
            f"{accesses} access-log row(s)."
        )
