"""What every API view shares: the base views, the error descriptions of the
schema, the JPEG renderer, and links back into the API and the pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interactions.access_log import Actor
from interactions.api.serializers import ErrorResponseSerializer
from interactions.models import InteractionAccess

_ERROR_DESCRIPTIONS = {
    400: "Invalid input; `error.fields` names the fields. No upstream call.",
    401: "Not signed in: send a session cookie or `Authorization: Token <token>` "
    "(or `Bearer`). An expired or revoked token answers `token_expired` or "
    "`token_revoked`; a deactivated user `user_inactive`.",
    403: "Refused, e.g. a session POST without a CSRF token.",
    404: "No such account, interaction or photo for this user (also for "
    "accounts the user is not assigned to).",
    406: "The Accept header asks for something other than JSON.",
    415: "The request body is not JSON.",
    424: "The X-Platform server rejected the account's stored credentials; an "
    "administrator has to check them.",
    429: "Too many requests from this user; see Retry-After.",
    502: "The X-Platform server sent an answer the console cannot read.",
    503: "The X-Platform server is unavailable, or the account's credentials "
    "cannot be decrypted (credentials_unavailable).",
    504: "The X-Platform server did not answer in time.",
}


def errors(*codes: int) -> dict[Any, OpenApiResponse]:
    return {
        (code, "application/json"): OpenApiResponse(
            ErrorResponseSerializer, description=_ERROR_DESCRIPTIONS[code]
        )
        for code in codes
    }


UPSTREAM = (424, 502, 503, 504)


class JsonErrorsMixin(APIView):
    """Error answers are plain JSON even when the client negotiated another
    type (a JPEG, an OpenAPI document)."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if (
            isinstance(response, Response)
            and response.status_code >= 400
            and type(getattr(request, "accepted_renderer", None)) is not JSONRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ConsoleApiView(APIView):
    """Base view: customer data is never cacheable (docs/security.md R-DJ-09).

    OPTIONS answers 405: the API has no cross-origin callers, and the
    metadata would only describe the views to anyone signed in.
    """

    metadata_class = None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


def absolute(request: Request, name: str, *args: str) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def links(request: Request, slug: str, unique_id: str) -> dict[str, str]:
    return {
        "interaction_url": absolute(request, "api:interaction-detail", slug, unique_id),
        "page_url": absolute(request, "interactions:detail", slug, unique_id),
    }


class JPEGRenderer(BaseRenderer):
    """Lets clients ask for ``Accept: image/jpeg``; photos are sent as bytes."""

    media_type = "image/jpeg"
    format = "jpg"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        return data


def api_actor(request: Request) -> Actor:
    """The caller, recorded with the API as its source."""
    return Actor.from_request(request, source=InteractionAccess.Source.API)
