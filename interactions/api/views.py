"""API views of interactions: one APIView per operation, thin, on the use cases.

Each view parses input with its ``InputSerializer``, checks the account with
``account_for`` before any upstream call, calls the same use case as the
matching HTML view (which records the access with the API as its source) and
answers with its ``OutputSerializer`` (the interaction's output is built by
``representation.interaction_data``, without DRF's fields). Failures become
the one error shape in ``interactions.api.exceptions``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.http import HttpRequest, HttpResponse
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from interactions import services
from interactions.api.base import (
    UPSTREAM,
    ConsoleApiView,
    JPEGRenderer,
    JsonErrorsMixin,
    absolute,
    api_actor,
    errors,
    links,
)
from interactions.api.representation import interaction_data
from interactions.api.serializers import (
    AccountSerializer,
    AnswerSerializer,
    CandidateSerializer,
    CustomerSerializer,
    PartErrorSerializer,
    PartErrorsSerializer,
    PartsStaleSerializer,
    PhotoSerializer,
    StepSerializer,
    StopPointSerializer,
    TextField,
    VariableSetSerializer,
    language_field,
)
from interactions.caller_query import MAX_QUERY_LENGTH, SearchKind
from interactions.errors import InteractionNotFound, agent_message, failure_of
from interactions.interaction import LookupResult, Outcome
from interactions.models import InteractionAccess, XPlatformAccount
from interactions.permissions import account_for
from interactions.presenters import InteractionPage, Photo
from interactions.ratelimit import Scope
from interactions.xplatform.validators import InvalidValue

Action = InteractionAccess.Action


# --------------------------------------------------------------------------
# Lookup
# --------------------------------------------------------------------------


class InteractionLookupApi(ConsoleApiView):
    """Resolve a phone number, DTMF code or unique ID (the screen-pop call)."""

    throttle_scope = Scope.SEARCH

    class InputSerializer(serializers.Serializer[Any]):
        account = serializers.SlugField(
            max_length=50, help_text="Slug of one of the caller's accounts."
        )
        query = TextField(
            max_length=MAX_QUERY_LENGTH,
            help_text="What the agent has: a phone number, "
            "`1-800-123-4567,959595`, a unique ID, a DTMF code, ...",
            error_messages={
                "blank": "Type a phone number or an interaction ID.",
                "required": "Type a phone number or an interaction ID.",
            },
        )
        kind = serializers.ChoiceField(
            choices=SearchKind.choices,
            default=SearchKind.AUTO,
            help_text="How to read the query; `auto` tries what fits.",
        )

        class Meta:
            ref_name = "LookupRequest"

    class OutputSerializer(serializers.Serializer[Any]):
        result = serializers.ChoiceField(
            choices=["match", "candidates", "not_found"],
            help_text="match: one interaction (unique_id and URLs); candidates: "
            "several (candidates); not_found: none (message).",
        )
        unique_id = serializers.CharField(required=False)
        interaction_url = serializers.URLField(
            required=False, help_text="The match in the API."
        )
        page_url = serializers.URLField(
            required=False, help_text="The match's page, for a screen-pop."
        )
        candidates = CandidateSerializer(many=True, required=False)
        message = serializers.CharField(
            required=False, help_text="What was tried, in plain words."
        )
        partial_error = PartErrorSerializer(
            allow_null=True,
            help_text="Set when some attempts failed upstream, so an "
            "interaction may have been missed.",
        )

        class Meta:
            ref_name = "LookupResult"

    @extend_schema(
        operation_id="interaction_lookup",
        summary="Look up an interaction",
        description="Resolves what the agent has into interactions of one "
        "account. Phone numbers travel only in this POST body. Invalid input "
        "answers 400 without calling the X-Platform server.",
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            **errors(400, 401, 403, 404, 406, 415, 429, *UPSTREAM),
        },
        tags=["interactions"],
    )
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        serializer = self.InputSerializer(data=request.data)
        if not serializer.is_valid():
            sent = request.data if isinstance(request.data, dict) else {}
            services.interaction_search_refused(
                actor=actor,
                account=None,
                query=sent.get("query"),
                kind=sent.get("kind"),
            )
            raise ValidationError(serializer.errors)
        data = serializer.validated_data
        account = account_for(actor, data["account"], action=Action.SEARCH)
        try:
            result = services.interaction_search(
                actor=actor, account=account, query=data["query"], kind=data["kind"]
            )
        except InvalidValue as exc:
            raise ValidationError({"query": [exc.message]}) from None
        body = _lookup_body(request, account, result)
        return Response(self.OutputSerializer(body).data)


def _lookup_body(
    request: Request, account: XPlatformAccount, result: LookupResult
) -> dict[str, Any]:
    first = result.errors[0] if result.errors else None
    partial = (
        {"code": failure_of(first).code, "message": agent_message(first)}
        if first
        else None
    )
    if result.match:
        match = links(request, account.slug, result.match)
        return {
            "result": "match",
            "unique_id": result.match,
            **match,
            "partial_error": partial,
        }
    if result.candidates:
        candidates = [
            {
                "unique_id": c.unique_id,
                "flow_name": c.flow_name,
                "started_at": c.started_at,
                "last_activity": c.last_activity,
                "live": c.is_live,
                "available": c.available,
                "customer": c.customer_name,
                "matched_by": [name.lower() for name in c.matched],
                "step_number": c.step_number,
                "step_title": c.step_title,
                **links(request, account.slug, c.unique_id),
            }
            for c in result.candidates
        ]
        return {
            "result": "candidates",
            "candidates": candidates,
            "partial_error": partial,
        }
    message = result.not_found_sentence(account.name)
    return {"result": "not_found", "message": message, "partial_error": partial}


# --------------------------------------------------------------------------
# Interaction
# --------------------------------------------------------------------------


def _api_photo_urls(request: Request, page: InteractionPage) -> InteractionPage:
    """Photo links into the API; the summary links to the page for a browser."""

    def url(photo: Photo, size: str) -> str:
        args = (page.account_slug, page.unique_id, photo.key, size)
        return absolute(request, "api:interaction-photo", *args)

    page_url = links(request, page.account_slug, page.unique_id)["page_url"]
    return page.with_photo_urls(url).with_console_url(page_url)


class InteractionDetailApi(ConsoleApiView):
    """Everything the interaction page shows, as JSON."""

    throttle_scope = Scope.INTERACTION
    access_action = Action.VIEW

    class OutputSerializer(serializers.Serializer[Any]):
        unique_id = serializers.CharField()
        flow_name = serializers.CharField(allow_blank=True)
        account = AccountSerializer()
        started_at = serializers.DateTimeField(allow_null=True)
        last_activity = serializers.DateTimeField(allow_null=True)
        live = serializers.BooleanField(
            help_text="Still moving through the flow; fetch again for new steps."
        )
        data_as_of = serializers.DateTimeField(help_text="When this was fetched.")
        page_url = serializers.SerializerMethodField(
            help_text="The page for a browser."
        )
        summary_text = serializers.CharField(
            help_text="Plain-text summary for a CRM ticket."
        )
        customer = CustomerSerializer(
            source="*", help_text="Who the customer is, from the account's variables."
        )
        language = language_field()
        outcome = serializers.ChoiceField(
            choices=[o.value for o in Outcome],
            help_text="live; completed (reached an end page); abandoned (quiet "
            "for 30 minutes before one); finished (quiet, the flow unreadable "
            "to tell which); unknown (nothing could be read).",
        )
        outcome_label = serializers.CharField(
            help_text="The outcome in words: Completed, Abandoned at step N, "
            "Live on step N."
        )
        stopped_at = StopPointSerializer(
            source="stopped",
            allow_null=True,
            help_text="Where the customer stopped; null when nothing was read.",
        )
        photo_count = serializers.IntegerField(
            help_text="Photos that can be shown (not those rejected).",
        )
        answers = AnswerSerializer(many=True)
        steps = StepSerializer(many=True)
        variable_sets = VariableSetSerializer(many=True)
        photos = PhotoSerializer(many=True)
        errors = PartErrorsSerializer(  # type: ignore[assignment]
            help_text="Parts that failed upstream; the rest is still shown."
        )
        stale = PartsStaleSerializer(
            source="*",
            help_text="Parts given from their last good copy because reading "
            "them again failed (issue 10).",
        )

        class Meta:
            ref_name = "Interaction"

        @extend_schema_field(serializers.URLField())
        def get_page_url(self, page: InteractionPage) -> str:
            request = self.context["request"]
            return links(request, page.account_slug, page.unique_id)["page_url"]

    @extend_schema(
        operation_id="interaction_detail",
        summary="Read an interaction",
        description="Header, answers, flow steps, variable sets and photos. "
        "A part that fails upstream degrades alone (see `errors` and each "
        "variable set's `error`); when neither the answers nor the steps can "
        "be read, the upstream failure is the answer.",
        responses={
            200: OutputSerializer,
            **errors(401, 404, 406, 429, *UPSTREAM),
        },
        tags=["interactions"],
    )
    def get(self, request: Request, slug: str, unique_id: str) -> Response:
        actor = api_actor(request)
        account = account_for(actor, slug, action=Action.VIEW)
        try:
            opened = services.interaction_open(
                actor=actor, account=account, unique_id=unique_id
            )
        except InvalidValue:
            raise NotFound("No such interaction.") from None
        except InteractionNotFound as exc:
            raise NotFound(exc.message) from None
        if opened.failure is not None:
            # Nothing to show: the upstream failure is the answer.
            raise opened.failure
        page = _api_photo_urls(request, opened.page)
        return Response(interaction_data(page, request))


# --------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------


class InteractionPhotoApi(JsonErrorsMixin, ConsoleApiView):
    """A photo of the interaction, re-encoded as JPEG without EXIF."""

    throttle_scope = Scope.PHOTO
    access_action = Action.PHOTO
    renderer_classes = [JSONRenderer, JPEGRenderer]

    @extend_schema(
        operation_id="interaction_photo",
        summary="Get a photo",
        description="`thumb` is at most 512 px; `full` honours the account's "
        "maximum size. On failure a JSON error with the reason, never a "
        "placeholder image.",
        parameters=[
            OpenApiParameter(
                "size",
                str,
                OpenApiParameter.PATH,
                enum=["thumb", "full"],
                description="thumb: at most 512 px; full: the full view.",
            ),
            OpenApiParameter(
                "key",
                str,
                OpenApiParameter.PATH,
                pattern="^[0-9a-f]{20}$",
                description="A photo's key from the interaction's photo list.",
            ),
        ],
        responses={
            (200, "image/jpeg"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The photo as JPEG."
            ),
            **errors(401, 404, 406, 429, *UPSTREAM),
        },
        tags=["interactions"],
    )
    def get(
        self, request: Request, slug: str, unique_id: str, key: str, size: str
    ) -> HttpResponse:
        actor = api_actor(request)
        account = account_for(actor, slug, action=Action.PHOTO)
        try:
            rendered = services.photo_open(
                actor=actor, account=account, unique_id=unique_id, key=key, size=size
            )
        except InvalidValue:
            raise NotFound("No such photo.") from None
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = "inline"
        return response


# --------------------------------------------------------------------------
# Schema and unknown URLs
# --------------------------------------------------------------------------


class SchemaApi(JsonErrorsMixin, SpectacularAPIView):
    """The OpenAPI document, for signed-in users (SERVE_PERMISSIONS); JSON first."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


class UnknownApi(ConsoleApiView):
    """Any other URL under /api/v1/: the JSON 404, after authentication."""

    schema = None

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> NoReturn:
        raise NotFound("No such API endpoint.")
