"""Display filters for the console's templates."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """'2 min 05 s', '45 s', '1 h 03 min'."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


@register.simple_tag
def live_refresh_ms() -> int:
    """Milliseconds between two live refreshes (``XPC_LIVE_REFRESH_SECONDS``),
    the same interval the live parts stay cached (interactions/upstream.py)."""
    return int(settings.XPC_LIVE_REFRESH_SECONDS) * 1000
