"""HTTP responses of the simulator: content types and the documented bodies.

The :class:`Response` value the handlers return, the JSON and plain-text
builders, and the body each status carries (docs/xplatform-api.md sections
3.4 and 3.5, U-PH): a 401 with the JSON of 3.4 and an
``Unauthenticated-Reason`` header, 400 and 404 as plain text, a 500 empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
TEXT_CONTENT_TYPE = "text/plain;charset=UTF-8"
HTML_CONTENT_TYPE = "text/html;charset=UTF-8"
# The documented photo type is the non-standard image/jpg (J-PH); PNG and GIF
# are not documented, so the registered types are used.
CONTENT_TYPES = {
    "JPEG": "image/jpg;charset=UTF-8",
    "PNG": "image/png",
    "GIF": "image/gif",
}
UNAUTHORIZED_BODY = {
    "code": "0x7000000",
    "message": "Request is unauthorized, missing or wrong credentials",
    "moreInfoUrl": "http://support.uniphore.com",
}


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    stream: Iterable[bytes] | None = None

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def json_response(status: int, payload: Any) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, [("Content-Type", JSON_CONTENT_TYPE)], body)


def text_response(status: int, text: str) -> Response:
    return Response(status, [("Content-Type", TEXT_CONTENT_TYPE)], text.encode("utf-8"))


def bad_parameter(name: str) -> Response:
    return text_response(400, f"missing or invalid parameter {name}")


def unauthorized(reason: str) -> Response:
    response = json_response(401, UNAUTHORIZED_BODY)
    response.headers.append(("Unauthenticated-Reason", reason))
    return response


def status_response(status: int, api_method: str | None) -> Response:
    """The documented body for a status (3.4, 3.5, U-PH)."""
    if status == 401:
        return unauthorized("wrong Application-Key")
    if status == 400:
        return bad_parameter("version")
    if status == 404:
        return text_response(
            404,
            "photo was not found"
            if api_method == "photo"
            else "interaction was not found",
        )
    if status == 405:
        response = text_response(405, "method not allowed")
        response.headers.append(("Allow", "GET"))
        return response
    if status == 429:
        return text_response(429, "too many requests")
    if 300 <= status < 400 or status >= 500 or status == 403:
        return Response(status, [("Content-Length", "0")])
    return text_response(
        status,
        HTTPStatus(status).phrase.lower() if is_known_status(status) else "error",
    )


def is_known_status(status: int) -> bool:
    try:
        HTTPStatus(status)
    except ValueError:
        return False
    return True
