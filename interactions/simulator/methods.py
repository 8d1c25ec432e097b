"""The handlers of the five Interaction History methods, and the credential check.

Order of checks, like the real server: credentials first (``Tenant-Id``
equal to the account in the path, that account's ``Application-Key``, and
the account's ``Environment-Name`` if one is sent), then the version, the
route, the HTTP method, the parameters and finally the data. Photo paths are
resolved here too: the path as found in the full flow, the legacy
``@@@@@`` form (J-PH) or the path without its extension (U-PH).
"""

from __future__ import annotations

import hmac
import posixpath
from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import unquote

from interactions.simulator import render
from interactions.simulator.clock import Clock
from interactions.simulator.faults import Faults
from interactions.simulator.generated import (
    generated_interaction,
    generated_unique_id_for,
)
from interactions.simulator.model import (
    RECENT_WINDOW,
    Dataset,
    DemoAccount,
    Instance,
    Snapshot,
)
from interactions.simulator.photos import Photo, PhotoLibrary
from interactions.simulator.request import (
    CONTROL,
    MAX_IMG_PATH_SEGMENT,
    MAX_SIZE,
    SUPPORTED_VERSIONS,
    Request,
    Route,
    valid_value,
)
from interactions.simulator.responses import (
    CONTENT_TYPES,
    Response,
    bad_parameter,
    json_response,
    text_response,
    unauthorized,
)

__all__ = ["ApiMethods", "SimulatorState"]

_LEGACY_DOT = "@@@@@"  # J-PH


class SimulatorState(Protocol):
    """What the handlers read from the app (attributes callers may change)."""

    dataset: Dataset
    clock: Clock
    faults: Faults
    unique_id_text_plain: bool
    generated: bool


class ApiMethods:
    """The real behaviour of the simulator for one app."""

    def __init__(self, app: SimulatorState) -> None:
        self._app = app

    def handle(self, request: Request, route: Route | None) -> Response:
        """The real answer to a request (no faults)."""
        account_id = request.account_id
        if account_id is None:
            return text_response(404, "resource was not found")
        account, reason = self._authenticate(account_id, request.headers)
        if account is None:
            return unauthorized(reason)
        if request.version not in SUPPORTED_VERSIONS:
            return bad_parameter("version")
        if route is None:
            return text_response(404, "resource was not found")
        if request.method != "GET":
            response = text_response(405, "method not allowed")
            response.headers.append(("Allow", "GET"))
            return response
        if not valid_value(route.value):
            return bad_parameter(route.value_param)
        if route.api_method == "uniqueId":
            return self._unique_id(account, route)
        if route.api_method == "photo":
            return self._photo(account, route, request)
        found = self._find(account, route, request)
        if isinstance(found, Response):
            return found
        if route.api_method == "fullFlow":
            return json_response(200, render.full_flow(found))
        if route.api_method == "summary":
            return json_response(200, render.summary(found))
        body = render.variable_set(found, route.set_id or "")
        if body is None:
            return text_response(404, "variable set was not found")
        return json_response(200, body)

    def _authenticate(
        self, account_id: str, headers: Mapping[str, str]
    ) -> tuple[DemoAccount | None, str]:
        tenant = headers.get("Tenant-Id")
        if not tenant:
            return None, "missing Tenant-Id"
        if tenant != account_id:
            return None, "Tenant-Id does not match the account"
        account = self._app.dataset.account(account_id)
        if account is None:
            return None, "unknown account"
        key = headers.get("Application-Key")
        if not key:
            return None, "missing Application-Key"
        if not hmac.compare_digest(
            key.encode("utf-8"), account.application_key.encode("utf-8")
        ):
            return None, "wrong Application-Key"
        environment = headers.get("Environment-Name")
        # Environment-Name is needed only on multi-environment accounts (Z-PH);
        # a different one is refused.
        if (
            account.environment_name
            and environment is not None
            and environment != account.environment_name
        ):
            return None, "wrong Environment-Name"
        return account, ""

    def _snapshots(self, account: DemoAccount) -> list[Snapshot]:
        now = self._app.clock.now()
        snapshots = []
        for instance in self._app.dataset.instances_of(account.account_id):
            snapshot = instance.snapshot(self._app.clock.started_at, now)
            if snapshot is not None:
                snapshots.append(snapshot)
        # Most recent activity first.
        snapshots.sort(key=lambda s: s.last_activity, reverse=True)
        return snapshots

    def _unique_id(self, account: DemoAccount, route: Route) -> Response:
        kind = route.attribute
        ids = [
            s.instance.unique_id
            for s in self._snapshots(account)
            if kind is not None and s.instance.attributes.get(kind) == route.value
        ]
        if not ids and self._app.generated:
            generated = generated_unique_id_for(route.value)
            ids = [generated] if generated else []
        if not ids:
            return text_response(404, "interaction was not found")
        if self._app.unique_id_text_plain or self._app.faults.unique_id_text_plain:
            return text_response(200, "\n".join(ids))
        if len(ids) == 1:
            return json_response(200, {"uniqueId": ids[0]})
        return json_response(200, [{"uniqueId": uid} for uid in ids])

    def _find(
        self, account: DemoAccount, route: Route, request: Request
    ) -> Snapshot | Response:
        if not route.by_attribute:
            instance, _ = self._instance(account, route.value)
            snapshot = self._snapshot_of(instance)
            if snapshot is None:
                return text_response(404, "interaction was not found")
            return snapshot
        wider_text = request.param("widerSearch")
        if wider_text is None:
            wider = False
        elif wider_text.lower() in ("true", "false"):
            wider = wider_text.lower() == "true"
        else:
            return bad_parameter("widerSearch")
        horizon = self._app.clock.now() - RECENT_WINDOW
        for snapshot in self._snapshots(account):
            if route.value not in snapshot.instance.attributes.values():
                continue
            if wider or snapshot.live or snapshot.last_activity >= horizon:
                return snapshot
        generated = (
            generated_unique_id_for(route.value) if self._app.generated else None
        )
        if generated is not None:
            snapshot = self._snapshot_of(self._instance(account, generated)[0])
            if snapshot is not None:
                return snapshot
        return text_response(404, "interaction was not found")

    def _instance(
        self, account: DemoAccount, unique_id: str
    ) -> tuple[Instance | None, PhotoLibrary]:
        """A seeded instance, or a generated one (``--generated``), and its photos."""
        instance = self._app.dataset.instance(account.account_id, unique_id)
        if instance is not None or not self._app.generated:
            return instance, self._app.dataset.photos
        generated = generated_interaction(
            unique_id, account.account_id, account.time_zone
        )
        if generated is None:
            return None, self._app.dataset.photos
        return generated.instance, generated.photos

    def _snapshot_of(self, instance: Instance | None) -> Snapshot | None:
        if instance is None:
            return None
        return instance.snapshot(self._app.clock.started_at, self._app.clock.now())

    def _photo(self, account: DemoAccount, route: Route, request: Request) -> Response:
        segment = route.img_path or ""
        if not valid_value(segment, MAX_IMG_PATH_SEGMENT):
            return bad_parameter("img_path")
        img_path = unquote(segment)
        if CONTROL.search(img_path) or not img_path.strip():
            return bad_parameter("img_path")
        max_size_text = request.param("maxSize")
        if max_size_text is None or not MAX_SIZE.fullmatch(max_size_text):
            return bad_parameter("maxSize")
        max_size = int(max_size_text)
        if max_size < 1:
            return bad_parameter("maxSize")
        instance, photos = self._instance(account, route.value)
        snapshot = self._snapshot_of(instance)
        if snapshot is None:
            return text_response(404, "photo was not found")
        path = _match_photo_path(img_path, snapshot.photo_paths)
        if path is None or path not in photos:
            return text_response(404, "photo was not found")
        photo = photos.scaled(path, max_size)
        return _photo_response(photo)


def _match_photo_path(requested: str, known: Iterable[str]) -> str | None:
    """Resolve the requested img_path against the instance's photo paths."""
    known = tuple(known)
    if requested in known:
        return requested
    directory, _, name = requested.rpartition("/")
    if _LEGACY_DOT in name:
        # v7 servers: the file name's last "." sent as "@@@@@" (J-PH).
        stem, _, extension = name.rpartition(_LEGACY_DOT)
        candidate = f"{directory}/{stem}.{extension}"
        return candidate if candidate in known else None
    if "." not in name:
        # Uniphore's examples leave the extension out (U-PH).
        matches = [path for path in known if posixpath.splitext(path)[0] == requested]
        return matches[0] if len(matches) == 1 else None
    return None


def _photo_response(photo: Photo) -> Response:
    return Response(200, [("Content-Type", CONTENT_TYPES[photo.format])], photo.data)
