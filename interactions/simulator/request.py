"""Reading a request: the WSGI environ parsed into a path, headers and a route.

Routes are those of docs/xplatform-api.md section 7 under
``/interact/agent/version/{version}/account/{accountID}``; URI elements are
case-sensitive (J-URI). Also the keys the bundled server (``server.py``) puts
into the environ, and the checks on path values shared by the handlers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from interactions.simulator.model import CallerAttributeKind

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

SUPPORTED_VERSIONS = frozenset({"1", "2", "v1", "v2"})
# Keys the bundled server (server.py) puts into the WSGI environ.
SOCKET_ENVIRON_KEY = "xplatform_simulator.socket"
RESET_ENVIRON_KEY = "xplatform_simulator.reset"

_PREFIX = ("", "interact", "agent", "version")
# URL token -> (attribute, parameter name in error messages) (U-UID, Z-UID)
UNIQUE_ID_KINDS: dict[str, tuple[CallerAttributeKind, str]] = {
    "dtmf": ("dtmf", "dtmf"),
    "callReturn": ("callReturn", "callReturnNumber"),
    "clickToCall": ("clickToCall", "callerId"),
    "historySearchId": ("historySearchId", "historySearchId"),
}
MAX_VALUE_LENGTH = 256
MAX_IMG_PATH_SEGMENT = 4096
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_SIZE = re.compile(r"[0-9]{1,6}")


@dataclass(frozen=True)
class Route:
    api_method: str
    value: str
    value_param: str
    by_attribute: bool = False
    attribute: CallerAttributeKind | None = None
    set_id: str | None = None
    img_path: str | None = None


@dataclass(frozen=True)
class Request:
    method: str
    raw_path: str
    query: str
    segments: tuple[str, ...]
    headers: Mapping[str, str]

    @property
    def version(self) -> str | None:
        return self.segments[4] if self._has_prefix else None

    @property
    def account_id(self) -> str | None:
        return self.segments[6] if self._has_prefix else None

    @property
    def _has_prefix(self) -> bool:
        return (
            len(self.segments) >= 7
            and self.segments[:4] == _PREFIX
            and self.segments[5] == "account"
        )

    def param(self, name: str) -> str | None:
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[0] if values else None

    def route(self) -> Route | None:
        """Match the path after ``account/{accountID}``.

        URI elements are case-sensitive (J-URI).
        """
        if not self._has_prefix:
            return None
        rest = self.segments[7:]
        match rest:
            case ("uniqueId", kind, value) if kind in UNIQUE_ID_KINDS:
                attribute, param = UNIQUE_ID_KINDS[kind]
                return Route("uniqueId", value, param, attribute=attribute)
            case ("interactiondata", value, ("fullFlow" | "summary") as name):
                return Route(name, value, "uid")
            case (
                "interactiondata",
                value,
                ("fullFlow" | "summary") as name,
                "byCallerAttribute",
            ):
                return Route(name, value, "callerAttributeValue", by_attribute=True)
            case ("interactiondata", value, "variableSet", set_id):
                return Route("variableSet", value, "uid", set_id=set_id)
            case ("interactiondata", value, "variableSet", set_id, "byCallerAttribute"):
                return Route(
                    "variableSet",
                    value,
                    "callerAttributeValue",
                    by_attribute=True,
                    set_id=set_id,
                )
            case ("photo", uid, img_path):
                return Route("photo", uid, "uid", img_path=img_path)
        return None


def parse_request(environ: WSGIEnvironment) -> Request:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        if raw.startswith(("http://", "https://")):
            parts = urlsplit(raw)
            raw = parts.path + (f"?{parts.query}" if parts.query else "")
        raw_path, _, query = raw.partition("?")
        segments = tuple(unquote(segment) for segment in raw_path.split("/"))
    else:
        # PEP 3333 hands the path over as latin-1 decoded bytes.
        path_info = (
            environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        )
        raw_path = path_info
        query = environ.get("QUERY_STRING", "")
        segments = tuple(path_info.split("/"))
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = environ[key]
    return Request(
        method=environ.get("REQUEST_METHOD", "GET"),
        raw_path=raw_path,
        query=query,
        segments=segments,
        headers=headers,
    )


def valid_value(value: str, limit: int = MAX_VALUE_LENGTH) -> bool:
    return 0 < len(value) <= limit and "/" not in value and not CONTROL.search(value)
