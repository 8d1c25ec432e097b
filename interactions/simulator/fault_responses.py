"""What the fault switches do to an answer, once :mod:`faults` has picked them.

A *response* fault replaces the answer (a status with its documented body,
an HTML page, truncated or huge JSON, an endless stream, a gzip bomb, a
redirect, hostile images); a *delivery* fault changes how the bytes go out
(one byte at a time, or a connection reset, possibly mid-body). Which fault
applies to a request is decided by :meth:`Faults.plan`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from interactions.simulator.faults import FaultRule, Faults
from interactions.simulator.hostile_images import (
    bomb_png,
    foreign_image,
    gzip_bomb,
    sample_jpeg,
    truncated_jpeg,
)
from interactions.simulator.request import RESET_ENVIRON_KEY, Request, Route
from interactions.simulator.responses import (
    CONTENT_TYPES,
    HTML_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    TEXT_CONTENT_TYPE,
    Response,
    status_response,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["ConnectionReset", "FaultResponses"]

_ENDLESS_LIMIT = 4 * 1024**3
_CHUNK = 64 * 1024


class ConnectionReset(ConnectionAbortedError):
    """Ends a response abruptly; wsgiref drops aborted connections quietly."""


class FaultResponses:
    """Builds fault answers; ``handle`` gives the real answer some faults start from."""

    def __init__(
        self,
        faults: Faults,
        handle: Callable[[Request, Route | None], Response],
    ) -> None:
        self._faults = faults
        self._handle = handle

    def respond(
        self,
        rule: FaultRule,
        api_method: str | None,
        request: Request,
        route: Route | None,
    ) -> Response:
        kind = rule.kind
        if kind == "fail":
            response = status_response(rule.status, api_method)
            if rule.retry_after is not None:
                response.headers.append(("Retry-After", str(rule.retry_after)))
            return response
        if kind == "html":
            page = (
                "<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
                "<body><h1>Scheduled maintenance</h1><p>The X-Platform is being "
                "upgraded. Please try again later.</p></body></html>\n"
            )
            return Response(
                rule.status, [("Content-Type", HTML_CONTENT_TYPE)], page.encode()
            )
        if kind == "invalid_json":
            real = self._handle(request, route)
            if real.status == 200 and real.header("Content-Type") == JSON_CONTENT_TYPE:
                body = real.body[: max(1, len(real.body) // 2)]
            else:
                body = b'{"uniqueId": "0401'
            return Response(200, [("Content-Type", JSON_CONTENT_TYPE)], body)
        if kind == "oversized":
            return self._oversized(rule, api_method)
        if kind == "endless":
            return Response(
                200, [("Content-Type", JSON_CONTENT_TYPE)], stream=self._endless()
            )
        if kind == "gzip_bomb":
            return Response(
                200,
                [("Content-Type", JSON_CONTENT_TYPE), ("Content-Encoding", "gzip")],
                gzip_bomb(rule.size),
            )
        if kind == "redirect":
            return Response(
                rule.status,
                [("Location", rule.location), ("Content-Type", TEXT_CONTENT_TYPE)],
                b"moved",
            )
        if kind == "bomb_image":
            return Response(
                200,
                [("Content-Type", CONTENT_TYPES["PNG"])],
                bomb_png(rule.width, rule.height),
            )
        if kind == "corrupt_image":
            real = self._handle(request, route)
            base = (
                real.body
                if real.status == 200 and real.body[:2] == b"\xff\xd8"
                else sample_jpeg()
            )
            return Response(
                200, [("Content-Type", CONTENT_TYPES["JPEG"])], truncated_jpeg(base)
            )
        if kind == "foreign_image":
            return Response(
                200,
                [("Content-Type", CONTENT_TYPES["JPEG"])],
                foreign_image(rule.image_kind),
            )
        raise ValueError(f"not a response fault: {kind}")

    def _oversized(self, rule: FaultRule, api_method: str | None) -> Response:
        if api_method == "photo":
            # A real JPEG followed by padding: decoders ignore bytes after EOI.
            head = sample_jpeg()
            content_type = CONTENT_TYPES["JPEG"]
            item, tail, separator = b"\0" * _CHUNK, b"", b""
        else:
            head = b"["
            content_type = JSON_CONTENT_TYPE
            item = b'{"pageNavigation": {"navigationTitle": "' + b"x" * 4000 + b'"}}'
            tail, separator = b"]", b","
        count = max(
            1, -(-(rule.size - len(head) - len(tail)) // (len(item) + len(separator)))
        )
        total = len(head) + len(tail) + count * len(item) + (count - 1) * len(separator)

        def body() -> Iterator[bytes]:
            yield head
            for index in range(count):
                if self._faults.interrupted:
                    return
                yield (separator + item) if index else item
            yield tail

        declared = rule.declared_length if rule.declared_length is not None else total
        return Response(
            200,
            [("Content-Type", content_type), ("Content-Length", str(declared))],
            stream=body(),
        )

    def _endless(self) -> Iterator[bytes]:
        yield b'[{"pageNavigation": {"navigationTitle": "'
        chunk = b"x" * _CHUNK
        sent = 0
        while sent < _ENDLESS_LIMIT and not self._faults.interrupted:
            yield chunk
            sent += len(chunk)

    def deliver(
        self, rule: FaultRule, response: Response, environ: WSGIEnvironment
    ) -> Response:
        chunks: Iterable[bytes]
        if response.stream is not None:
            chunks = response.stream
        else:
            chunks = [response.body]
            if response.header("Content-Length") is None:
                response.headers.append(("Content-Length", str(len(response.body))))
        if rule.kind == "reset":
            if rule.after_bytes is None:
                _request_reset(environ)
                raise ConnectionReset("simulated connection reset")
            response.stream = self._reset_after(chunks, rule.after_bytes, environ)
            return response
        response.stream = self._trickle(chunks, rule.seconds)
        return response

    def _reset_after(
        self, chunks: Iterable[bytes], limit: int, environ: WSGIEnvironment
    ) -> Iterator[bytes]:
        sent = 0
        for chunk in chunks:
            piece = chunk[: limit - sent]
            sent += len(piece)
            yield piece
            if sent >= limit:
                break
        _request_reset(environ)
        raise ConnectionReset("simulated connection reset mid-body")

    def _trickle(self, chunks: Iterable[bytes], interval: float) -> Iterator[bytes]:
        for chunk in chunks:
            for index in range(len(chunk)):
                yield chunk[index : index + 1]
                if not self._faults.sleep(interval):
                    return


def _request_reset(environ: WSGIEnvironment) -> None:
    reset: Callable[[], None] | None = environ.get(RESET_ENVIRON_KEY)
    if reset is not None:
        reset()
