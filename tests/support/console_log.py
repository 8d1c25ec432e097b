"""What the console's own log handler prints, with its filters applied."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from interactions.log_redaction import RedactSecretsFilter


class ConsoleLog:
    """What the console's log handler printed, with its filters applied."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        """Every printed line, each parsed as one JSON object."""
        return [json.loads(line) for line in self.text.splitlines() if line]

    def events(self, event: str) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line.get("event") == event]


@contextmanager
def captured_console_log() -> Iterator[ConsoleLog]:
    """Swap the stream of the handler settings configure (the one with the
    redaction filter) for a buffer, so a test reads exactly what it prints."""
    root = logging.getLogger()
    handler = next(
        h
        for h in root.handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield ConsoleLog(stream)
    finally:
        handler.setStream(previous)
