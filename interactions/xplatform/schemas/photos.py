"""Get Interaction Photo: the raw bytes of a photo (docs/xplatform-api.md 5.5)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Photo"]


@dataclass(frozen=True)
class Photo:
    """Raw photo bytes as sent upstream; decode and re-encode before display."""

    content: bytes = field(repr=False)
    content_type: str | None
