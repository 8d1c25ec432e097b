"""Get User Variable Set: the variables of one set, in upstream order.

Reads the shapes of decision h in docs/xplatform-api.md (section 5.4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import JSONValue, _display_value, _fail, _object

__all__ = ["VariableSet", "VariableValue"]


@dataclass(frozen=True)
class VariableValue:
    """One variable of a set; ``is_set`` is False for ``""`` and null."""

    name: str
    value: str
    is_set: bool
    is_structured: bool


@dataclass(frozen=True)
class VariableSet:
    """The variables of one user variable set, in upstream order."""

    set_id: str
    channel: str | None
    values: tuple[VariableValue, ...] = field(default=())

    @classmethod
    def from_json(cls, value: JSONValue, set_id: str) -> VariableSet:
        """Read ``{"<channel>": {"data": {...}}}``, ``{"data": {...}}`` or a flat
        object, in that order (decision h). Raises XPlatformResponseError."""
        obj = _object(value, "the variable set")
        channel: str | None = None
        data = obj
        if len(obj) == 1:
            ((only_key, only_value),) = obj.items()
            if isinstance(only_value, dict) and isinstance(
                only_value.get("data"), dict
            ):
                channel, data = only_key, _object(only_value["data"], "data")
        if channel is None and isinstance(obj.get("data"), dict):
            data = _object(obj["data"], "data")
        values = []
        for name, raw in data.items():
            structured = isinstance(raw, dict | list)
            try:
                text = _display_value(raw)
            except (ValueError, RecursionError):
                raise _fail(f"the value of {name[:60]!r}") from None
            values.append(
                VariableValue(
                    name=name,
                    value=text,
                    is_set=structured or text != "",
                    is_structured=structured,
                )
            )
        return cls(set_id=set_id, channel=channel, values=tuple(values))
