"""Fault switches of the X-Platform simulator.

Each switch is a named method, so a test reads as a scenario::

    simulator.faults.fail("fullFlow", status=503, times=2)
    simulator.faults.hang("summary", seconds=7)
    simulator.faults.bomb_image()

Targets are the five API methods, ``"uniqueId"``, ``"fullFlow"``,
``"summary"``, ``"variableSet"`` and ``"photo"``, or ``"*"`` for all of them.
``times`` is how many matching requests the fault affects; ``None`` means
every one until :meth:`Faults.clear`. Faults apply to requests whose path is
one of the documented routes, before the credentials are checked (a failing
gateway answers before the application does).

For each request the simulator asks :meth:`Faults.plan`, which takes, in one
atomic step:

1. a delay: the sum of the matching ``latency`` switches plus the first
   matching ``hang``;
2. at most one *response* fault, which replaces the answer (``fail``,
   ``status``, ``html``, ``invalid_json``, ``oversized``, ``endless``,
   ``gzip_bomb``, ``redirect`` and the image faults);
3. at most one *delivery* fault, which changes how the bytes go out
   (``trickle``, ``reset``).

Switches are thread-safe; the console fans out calls in parallel.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from interactions.simulator import hostile_images
from interactions.simulator.hostile_images import FOREIGN_KINDS

__all__ = [
    "API_METHODS",
    "FAULT_SPEC_HELP",
    "FaultPlan",
    "FaultRule",
    "Faults",
]

ApiMethod = Literal["uniqueId", "fullFlow", "summary", "variableSet", "photo"]
API_METHODS: tuple[str, ...] = (
    "uniqueId",
    "fullFlow",
    "summary",
    "variableSet",
    "photo",
)
_TARGETS = (*API_METHODS, "*")

FaultKind = Literal[
    "latency",
    "hang",
    "fail",
    "html",
    "invalid_json",
    "oversized",
    "endless",
    "gzip_bomb",
    "redirect",
    "bomb_image",
    "corrupt_image",
    "foreign_image",
    "trickle",
    "reset",
]
_DELAY_KINDS = frozenset({"latency", "hang"})
_DELIVERY_KINDS = frozenset({"trickle", "reset"})

MIB = 1024 * 1024


@dataclass(frozen=True)
class FaultRule:
    """One switched-on fault. Only the fields of its ``kind`` are used."""

    kind: FaultKind
    method: str = "*"
    times: int | None = None
    status: int = 0
    seconds: float = 0.0
    size: int = 0
    declared_length: int | None = None
    after_bytes: int | None = None
    location: str = ""
    image_kind: str = ""
    width: int = 0
    height: int = 0
    retry_after: int | None = None

    def matches(self, method: str) -> bool:
        return self.method in ("*", method)


@dataclass(frozen=True)
class FaultPlan:
    """What the faults do to one request."""

    delay: float = 0.0
    respond: FaultRule | None = None
    deliver: FaultRule | None = None


NO_FAULTS = FaultPlan()


class Faults:
    """The switch board. Create one per simulator run (tests: one per test)."""

    def __init__(
        self, *, latency: float = 0.0, unique_id_text_plain: bool = False
    ) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._unique_id_text_plain = unique_id_text_plain
        self._interrupted = threading.Event()
        if latency:
            self.latency(latency)

    # --- per-run flags ------------------------------------------------------

    @property
    def unique_id_text_plain(self) -> bool:
        """Answer unique-ID lookups as ``text/plain`` (decision a's other shape)."""
        with self._lock:
            return self._unique_id_text_plain

    @unique_id_text_plain.setter
    def unique_id_text_plain(self, value: bool) -> None:
        with self._lock:
            self._unique_id_text_plain = value

    # --- switches -----------------------------------------------------------

    def latency(self, seconds: float, method: str = "*") -> Faults:
        """Add ``seconds`` of delay to every matching call (they add up)."""
        return self._add(
            FaultRule("latency", _target(method), None, seconds=_positive(seconds))
        )

    def hang(
        self, method: str = "*", *, seconds: float = 30.0, times: int | None = None
    ) -> Faults:
        """Sleep ``seconds``, then answer normally (past the client's read timeout)."""
        return self._add(
            FaultRule(
                "hang", _target(method), _times(times), seconds=_positive(seconds)
            )
        )

    def fail(
        self,
        method: str = "*",
        *,
        status: int = 500,
        times: int | None = 1,
        retry_after: int | None = None,
    ) -> Faults:
        """Answer with ``status`` and the documented body for it.

        401 carries the JSON body and ``Unauthenticated-Reason`` header (3.4),
        404 and 400 a plain-text message, 5xx an empty body (U-PH).
        ``retry_after`` adds a ``Retry-After`` header in seconds.
        """
        if not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code, not {status}")
        return self._add(
            FaultRule(
                "fail",
                _target(method),
                _times(times),
                status=status,
                retry_after=retry_after,
            )
        )

    def status(self, method: str, code: int, *, times: int | None = None) -> Faults:
        """Like :meth:`fail`, but on every matching call by default."""
        return self.fail(method, status=code, times=times)

    def html(
        self, method: str = "*", *, status: int = 200, times: int | None = None
    ) -> Faults:
        """Answer an HTML page (a proxy's maintenance page) with ``status``."""
        return self._add(
            FaultRule("html", _target(method), _times(times), status=status)
        )

    def invalid_json(self, method: str = "*", *, times: int | None = None) -> Faults:
        """Answer ``200`` with a JSON content type and a truncated JSON body."""
        return self._add(FaultRule("invalid_json", _target(method), _times(times)))

    def oversized(
        self,
        method: str = "*",
        *,
        bytes: int = 3 * MIB,
        declared_length: int | None = None,
        times: int | None = None,
    ) -> Faults:
        """Answer a valid-looking but huge body of about ``bytes`` bytes.

        ``declared_length`` sends that ``Content-Length`` instead of the true
        one (for example 10 GB), then closes after ``bytes`` bytes.
        """
        return self._add(
            FaultRule(
                "oversized",
                _target(method),
                _times(times),
                size=_count(bytes),
                declared_length=declared_length,
            )
        )

    def endless(self, method: str = "*", *, times: int | None = None) -> Faults:
        """Stream a body with no length that never ends (until the client hangs up)."""
        return self._add(FaultRule("endless", _target(method), _times(times)))

    def gzip_bomb(
        self, method: str = "*", *, expanded: int = 64 * MIB, times: int | None = None
    ) -> Faults:
        """Answer ``Content-Encoding: gzip``, a small body inflating to ``expanded``."""
        # Compressing 64 MiB takes a moment; do it now, not while a client
        # with a short read timeout waits for the answer.
        hostile_images.gzip_bomb(_count(expanded))
        return self._add(
            FaultRule(
                "gzip_bomb", _target(method), _times(times), size=_count(expanded)
            )
        )

    def redirect(
        self,
        method: str = "*",
        *,
        location: str = "http://127.0.0.2:9/steal",
        status: int = 302,
        times: int | None = None,
    ) -> Faults:
        """Answer a redirect to ``location`` (another host by default)."""
        return self._add(
            FaultRule(
                "redirect",
                _target(method),
                _times(times),
                status=status,
                location=location,
            )
        )

    def bomb_image(
        self, *, width: int = 20_000, height: int = 20_000, times: int | None = None
    ) -> Faults:
        """Photos become a tiny PNG declaring ``width`` x ``height`` 1-bit pixels."""
        return self._add(
            FaultRule(
                "bomb_image",
                "photo",
                _times(times),
                width=_count(width),
                height=_count(height),
            )
        )

    def corrupt_image(self, *, times: int | None = None) -> Faults:
        """Photos become truncated JPEG bytes."""
        return self._add(FaultRule("corrupt_image", "photo", _times(times)))

    def foreign_image(self, kind: str, *, times: int | None = None) -> Faults:
        """Photos become ``svg``, ``html``, ``fits``, ``tiff``, ``bmp`` or ``polyglot``.

        All are labelled ``image/jpg;charset=UTF-8``, the documented type (J-PH).
        """
        if kind not in FOREIGN_KINDS:
            raise ValueError(f"kind must be one of {FOREIGN_KINDS}, not {kind!r}")
        return self._add(
            FaultRule("foreign_image", "photo", _times(times), image_kind=kind)
        )

    def trickle(
        self, method: str = "*", *, interval: float = 0.5, times: int | None = None
    ) -> Faults:
        """Send the answer one byte per ``interval`` seconds."""
        return self._add(
            FaultRule(
                "trickle", _target(method), _times(times), seconds=_positive(interval)
            )
        )

    def reset(
        self,
        method: str = "*",
        *,
        after_bytes: int | None = None,
        times: int | None = None,
    ) -> Faults:
        """Reset the connection (TCP RST).

        With ``after_bytes=None`` nothing is sent; otherwise the status line,
        headers (with the full ``Content-Length``) and ``after_bytes`` bytes of
        the body go out first (a reset mid-body).
        """
        if after_bytes is not None:
            _count(after_bytes, allow_zero=True)
        return self._add(
            FaultRule("reset", _target(method), _times(times), after_bytes=after_bytes)
        )

    def clear(self) -> None:
        """Switch every fault off (the per-run flags stay)."""
        with self._lock:
            self._rules.clear()

    def active(self) -> list[FaultRule]:
        """The switched-on faults, in the order they were added."""
        with self._lock:
            return list(self._rules)

    # --- used by the app ---------------------------------------------------

    def plan(self, method: str) -> FaultPlan:
        """Take the faults that apply to one request of ``method`` (atomic)."""
        with self._lock:
            if not self._rules:
                return NO_FAULTS
            delay = 0.0
            hang: FaultRule | None = None
            respond: FaultRule | None = None
            deliver: FaultRule | None = None
            for index, rule in enumerate(self._rules):
                if not rule.matches(method):
                    continue
                if rule.kind == "latency":
                    delay += rule.seconds
                elif rule.kind == "hang" and hang is None:
                    hang = self._consume(index)
                elif rule.kind in _DELIVERY_KINDS and deliver is None:
                    deliver = self._consume(index)
                elif (
                    rule.kind not in _DELAY_KINDS | _DELIVERY_KINDS and respond is None
                ):
                    respond = self._consume(index)
            self._rules = [rule for rule in self._rules if rule.times != 0]
        if hang is not None:
            delay += hang.seconds
        return FaultPlan(delay=delay, respond=respond, deliver=deliver)

    def sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; return False at once if the run was interrupted."""
        if seconds <= 0:
            return not self._interrupted.is_set()
        return not self._interrupted.wait(seconds)

    def interrupt(self) -> None:
        """Wake every sleeping fault for good (called when the simulator stops)."""
        self._interrupted.set()

    @property
    def interrupted(self) -> bool:
        return self._interrupted.is_set()

    # --- command-line form --------------------------------------------------

    def apply_spec(self, spec: str) -> Faults:
        """Switch on a fault written as ``KIND[:METHOD[:VALUE]]``.

        Used by ``manage.py xplatform_simulator --fault``; see
        ``FAULT_SPEC_HELP``. Raises ValueError for a malformed spec.
        """
        kind, _, rest = spec.partition(":")
        method, _, value = rest.partition(":")
        kind = kind.replace("-", "_")
        if kind in ("bomb_image", "corrupt_image", "foreign_image"):
            method = "photo"
        method = method or "*"
        try:
            if kind in ("fail", "status"):
                return self.fail(method, status=int(value or "500"), times=None)
            if kind == "latency":
                return self.latency(float(value or "1"), method)
            if kind == "hang":
                return self.hang(method, seconds=float(value or "30"))
            if kind == "trickle":
                return self.trickle(method, interval=float(value or "0.5"))
            if kind == "reset":
                return self.reset(method, after_bytes=int(value) if value else None)
            if kind == "invalid_json":
                return self.invalid_json(method)
            if kind == "html":
                return self.html(method, status=int(value or "200"))
            if kind == "oversized":
                return self.oversized(method, bytes=int(value or str(3 * MIB)))
            if kind == "endless":
                return self.endless(method)
            if kind == "gzip_bomb":
                return self.gzip_bomb(method)
            if kind == "redirect":
                return self.redirect(
                    method, location=value or "http://127.0.0.2:9/steal"
                )
            if kind == "bomb_image":
                return self.bomb_image()
            if kind == "corrupt_image":
                return self.corrupt_image()
            if kind == "foreign_image":
                # The value comes straight after the kind: foreign_image:fits.
                return self.foreign_image(rest or "svg")
        except ValueError as error:
            raise ValueError(f"bad fault {spec!r}: {error}") from error
        raise ValueError(f"unknown fault {spec!r}; {FAULT_SPEC_HELP}")

    def apply_specs(self, specs: Iterable[str]) -> Faults:
        for spec in specs:
            self.apply_spec(spec)
        return self

    # --- internals ----------------------------------------------------------

    def _add(self, rule: FaultRule) -> Faults:
        with self._lock:
            self._rules.append(rule)
        return self

    def _consume(self, index: int) -> FaultRule:
        rule = self._rules[index]
        if rule.times is not None:
            self._rules[index] = replace(rule, times=rule.times - 1)
        return rule


FAULT_SPEC_HELP = (
    "faults are KIND[:METHOD[:VALUE]] with METHOD one of "
    + ", ".join(_TARGETS)
    + "; KIND is fail (VALUE: status, default 500), latency (seconds), "
    "hang (seconds), trickle (seconds per byte), reset (bytes before the reset), "
    "invalid_json, html (status), oversized (bytes), endless, gzip_bomb, "
    "redirect (location), bomb_image, corrupt_image, foreign_image ("
    + ", ".join(FOREIGN_KINDS)
    + "); for example fail:fullFlow:503, "
    "hang:summary:30, bomb_image"
)


def _target(method: str) -> str:
    if method not in _TARGETS:
        raise ValueError(f"method must be one of {_TARGETS}, not {method!r}")
    return method


def _times(times: int | None) -> int | None:
    if times is not None and times < 1:
        raise ValueError(f"times must be at least 1 or None, not {times}")
    return times


def _positive(seconds: float) -> float:
    if seconds < 0:
        raise ValueError(f"seconds must not be negative, not {seconds}")
    return float(seconds)


def _count(value: int, *, allow_zero: bool = False) -> int:
    if value < (0 if allow_zero else 1):
        raise ValueError(f"expected a positive number, not {value}")
    return value
