"""API views: one APIView per operation, thin, on the pages' services.

Each view parses input with its ``InputSerializer``, checks the account with
``account_for`` before any upstream call, calls a service, writes the same
access-log row as the matching HTML view (``source="api"``) and answers with
its ``OutputSerializer``. Failures become the one error shape in
``interactions.api.exceptions``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import partial
from typing import Any, Literal, NoReturn

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interactions import (
    access_log,
    errors,
    presenters,
    roles,
    selectors,
    snapshots,
    upstream,
)
from interactions.api.exceptions import UpstreamBadResponse, error_code
from interactions.api.serializers import (
    AccountSerializer,
    AnswerSerializer,
    CandidateSerializer,
    ErrorResponseSerializer,
    PartErrorSerializer,
    PartErrorsSerializer,
    PhotoSerializer,
    SnapshotPhotoSerializer,
    StepSerializer,
    TextField,
    VariableSetSerializer,
)
from interactions.caller_query import MAX_QUERY_LENGTH, SearchKind
from interactions.interaction import Interaction
from interactions.models import InteractionAccess
from interactions.permissions import API_SOURCE, account_for, snapshot_for
from interactions.supervisor_views import PAGE_SIZE as HISTORY_PAGE_SIZE
from interactions.supervisor_views import HistoryFilterForm
from interactions.xplatform.errors import XPlatformError, XPlatformNotFound
from interactions.xplatform.validators import InvalidValue

Outcome = InteractionAccess.Outcome
Action = InteractionAccess.Action

_ERROR_DESCRIPTIONS = {
    400: "Invalid input; `error.fields` names the fields. No upstream call.",
    401: "Not signed in: send a session cookie or `Authorization: Token <key>`.",
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


def _errors(*codes: int) -> dict[Any, OpenApiResponse]:
    return {
        (code, "application/json"): OpenApiResponse(
            ErrorResponseSerializer, description=_ERROR_DESCRIPTIONS[code]
        )
        for code in codes
    }


_UPSTREAM = (424, 502, 503, 504)


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
    """Base view: customer data is never cacheable (security.md, R-DJ-09).

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


def _absolute(request: Request, name: str, *args: str) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _links(request: Request, slug: str, unique_id: str) -> dict[str, str]:
    return {
        "interaction_url": _absolute(
            request, "api:interaction-detail", slug, unique_id
        ),
        "page_url": _absolute(request, "interactions:detail", slug, unique_id),
    }


# --------------------------------------------------------------------------
# Lookup
# --------------------------------------------------------------------------


class InteractionLookupApi(ConsoleApiView):
    """Resolve a phone number, DTMF code or unique ID (the screen-pop call)."""

    throttle_scope = "lookup"

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
            **_errors(400, 401, 403, 404, 406, 415, 429, *_UPSTREAM),
        },
        tags=["interactions"],
    )
    def post(self, request: Request) -> Response:
        started = time.monotonic()
        serializer = self.InputSerializer(data=request.data)
        if not serializer.is_valid():
            self._record_invalid(request, started)
            raise ValidationError(serializer.errors)
        data = serializer.validated_data
        account = account_for(request, data["account"], action=Action.SEARCH)
        query, kind = data["query"], data["kind"]
        record = partial(
            access_log.interaction_access_record,
            user=request.user, account=account, action=Action.SEARCH,
            request=request, started=started, query=query, search_kind=kind,
            source=API_SOURCE,
        )  # fmt: skip
        try:
            result = upstream.interaction_lookup(
                account=account, query=query, kind=kind
            )
        except InvalidValue as exc:
            record(outcome=Outcome.INVALID)
            raise ValidationError({"query": [exc.message]}) from None
        except (XPlatformError, errors.AccountUnavailable) as exc:
            record(outcome=Outcome.UPSTREAM_ERROR, error=exc)
            raise
        body: dict[str, Any]
        if result.match:
            # Fetch now, in parallel, so the screen-pop that follows is a cache hit.
            upstream.interaction_fetch(account=account, unique_id=result.match)
            record(outcome=Outcome.FOUND, interaction_id=result.match)
            body = {
                "result": "match",
                "unique_id": result.match,
                **_links(request, account.slug, result.match),
            }
        elif result.candidates:
            record(outcome=Outcome.CANDIDATES)
            body = {
                "result": "candidates",
                "candidates": [
                    {
                        "unique_id": c.unique_id,
                        "flow_name": c.flow_name,
                        "started_at": c.started_at,
                        "last_activity": c.last_activity,
                        "live": c.is_live,
                        "available": c.available,
                        **_links(request, account.slug, c.unique_id),
                    }
                    for c in result.candidates
                ],
            }
        else:
            record(outcome=Outcome.NOT_FOUND)
            body = {"result": "not_found", "message": result.not_found_sentence()}
        first = result.errors[0] if result.errors else None
        body["partial_error"] = (
            _part_error(first, errors.agent_message(first)) if first else None
        )
        return Response(self.OutputSerializer(body).data)

    @staticmethod
    def _record_invalid(request: Request, started: float) -> None:
        # As the page does: a refused search is recorded when something was typed.
        data = request.data if isinstance(request.data, dict) else {}
        query = data.get("query")
        if isinstance(query, str) and query:
            access_log.interaction_access_record(
                user=request.user, account=None, action=Action.SEARCH,
                outcome=Outcome.INVALID, request=request, started=started,
                query=query,
                search_kind=str(data.get("kind", "")),
                source=API_SOURCE,
            )  # fmt: skip


# --------------------------------------------------------------------------
# Interaction
# --------------------------------------------------------------------------


def _part_error(error: BaseException | None, message: str) -> dict[str, str] | None:
    if error is None:
        return None
    return {"code": error_code(error), "message": message}


def _section(view: presenters.SectionView) -> dict[str, Any]:
    table = view.table
    return {
        "label": view.label,
        "header": view.header,
        "footer": view.footer,
        "kind": view.kind,
        "answers": view.answers,
        "options": view.options,
        "multiple": view.multiple,
        "table": {
            "columns": [{"field": f, "header": h} for f, h in table.headers],
            "rows": table.rows,
        }
        if table is not None
        else None,
        "photo_keys": [photo.key for photo in view.photos],
    }


def _step(view: presenters.StepView) -> dict[str, Any]:
    return {
        "number": view.number,
        "title": view.title,
        "time": view.time,
        "spent_seconds": view.spent.total_seconds() if view.spent else None,
        "is_revisit": view.is_revisit,
        "revisit_of": view.revisit_of,
        "is_last": view.is_last,
        "header": view.header,
        "footer": view.footer,
        "sections": [_section(section) for section in view.sections],
    }


def _interaction_data(interaction: Interaction, request: Request) -> dict[str, Any]:
    """The page's content (same presenters), with API links and error codes."""
    slug, unique_id = interaction.account.slug, interaction.unique_id
    parts = dict(interaction.variable_sets)
    photo_url = partial(_absolute, request, "api:interaction-photo", slug, unique_id)
    return {
        "unique_id": unique_id,
        "flow_name": interaction.flow_name,
        "account": interaction.account,
        "started_at": interaction.started_at,
        "last_activity": interaction.last_activity,
        "live": interaction.is_live,
        "data_as_of": interaction.fetched_at,
        "page_url": _links(request, slug, unique_id)["page_url"],
        "summary_text": presenters.summary_text(interaction),
        "answers": presenters.answers(interaction),
        "steps": [_step(step) for step in presenters.timeline(interaction)],
        "variable_sets": [
            {
                "set_id": view.set_id,
                "rows": view.rows,
                "not_found": view.not_found,
                "error": _part_error(parts[view.set_id].error, view.error),
            }
            for view in presenters.variable_sets(interaction)
        ],
        "photos": [
            {
                "key": view.ref.key,
                "file_name": view.ref.file_name,
                "label": view.label,
                "step_number": view.ref.step_number,
                "step_title": view.ref.step_title,
                "time": view.ref.time,
                "rejected": view.ref.rejected,
                "thumbnail_url": photo_url(view.ref.key, "thumb"),
                "full_url": photo_url(view.ref.key, "full"),
            }
            for view in presenters.photo_views(interaction)
        ],
        "errors": {
            name: _part_error(
                getattr(interaction, name).error,
                presenters.part_error(interaction, name),
            )
            for name in ("summary", "flow")
        },
    }


class InteractionDetailApi(ConsoleApiView):
    """Everything the interaction page shows, as JSON."""

    throttle_scope = "interaction"
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
        page_url = serializers.URLField(help_text="The page for a browser.")
        summary_text = serializers.CharField(
            help_text="Plain-text summary for a CRM ticket."
        )
        answers = AnswerSerializer(many=True)
        steps = StepSerializer(many=True)
        variable_sets = VariableSetSerializer(many=True)
        photos = PhotoSerializer(many=True)
        errors = PartErrorsSerializer(  # type: ignore[assignment]
            help_text="Parts that failed upstream; the rest is still shown."
        )

        class Meta:
            ref_name = "Interaction"

    @extend_schema(
        operation_id="interaction_detail",
        summary="Read an interaction",
        description="Header, answers, flow steps, variable sets and photos. "
        "A part that fails upstream degrades alone (see `errors` and each "
        "variable set's `error`); when neither the answers nor the steps can "
        "be read, the upstream failure is the answer.",
        responses={
            200: OutputSerializer,
            **_errors(401, 404, 406, 429, *_UPSTREAM),
        },
        tags=["interactions"],
    )
    def get(self, request: Request, slug: str, unique_id: str) -> Response:
        started = time.monotonic()
        account = account_for(request, slug, action=Action.VIEW)
        record = partial(
            access_log.interaction_access_record,
            user=request.user, account=account, action=Action.VIEW,
            request=request, started=started, interaction_id=unique_id,
            source=API_SOURCE,
        )  # fmt: skip
        try:
            interaction = upstream.interaction_fetch(
                account=account, unique_id=unique_id
            )
        except InvalidValue:
            record(outcome=Outcome.INVALID)
            raise NotFound("No such interaction.") from None
        except errors.AccountUnavailable as exc:
            record(outcome=Outcome.UPSTREAM_ERROR, error=exc)
            raise
        if not interaction.found:
            record(outcome=Outcome.NOT_FOUND)
            raise NotFound(
                f"{account.name} has no interaction with the unique ID {unique_id}."
            )
        summary, flow = interaction.summary, interaction.flow
        failed = not summary.ok and not flow.ok
        record(
            outcome=Outcome.UPSTREAM_ERROR if failed else Outcome.FOUND,
            error=(summary.error or flow.error) if failed else None,
            flow_name=interaction.flow_name,
            has_photos=bool(interaction.photos),
        )
        if failed:
            # Nothing to show: the upstream failure (not a 404 of one part) is
            # the answer, with its own status code.
            failure = next(
                (
                    error
                    for error in (summary.error, flow.error)
                    if error is not None and not isinstance(error, XPlatformNotFound)
                ),
                None,
            )
            raise failure or UpstreamBadResponse()
        data = _interaction_data(interaction, request)
        # What the caller was shown is kept for supervisors, as on the page.
        snapshots.interaction_snapshot_store(user=request.user, interaction=interaction)
        return Response(self.OutputSerializer(data).data)


# --------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------


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


class InteractionPhotoApi(JsonErrorsMixin, ConsoleApiView):
    """A photo of the interaction, re-encoded as JPEG without EXIF."""

    throttle_scope = "photos"
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
            **_errors(401, 404, 406, 429, *_UPSTREAM),
        },
        tags=["interactions"],
    )
    def get(
        self, request: Request, slug: str, unique_id: str, key: str, size: str
    ) -> HttpResponse:
        started = time.monotonic()
        account = account_for(request, slug, action=Action.PHOTO)
        record = partial(
            access_log.interaction_access_record,
            user=request.user, account=account, action=Action.PHOTO,
            request=request, started=started, interaction_id=unique_id,
            source=API_SOURCE,
        )  # fmt: skip
        try:
            rendered = upstream.photo_render(
                account=account, unique_id=unique_id, key=key, size=size
            )
        except InvalidValue:
            record(outcome=Outcome.INVALID)
            raise NotFound("No such photo.") from None
        except errors.AccountUnavailable as exc:
            record(outcome=Outcome.UPSTREAM_ERROR, error=exc)
            raise
        except errors.PhotoUnavailable as exc:
            not_found = exc.kind == "not_found"
            record(
                outcome=Outcome.NOT_FOUND if not_found else Outcome.UPSTREAM_ERROR,
                error=exc,
            )
            raise
        record(outcome=Outcome.FOUND)
        if size == "thumb":
            snapshots.snapshot_photo_store(
                account=account, unique_id=unique_id, key=key, image=rendered
            )
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = "inline"
        return response


# --------------------------------------------------------------------------
# Supervisor review: history and snapshots
# --------------------------------------------------------------------------


class HistoryPagination(PageNumberPagination):
    page_size = HISTORY_PAGE_SIZE


def _filter_parameters() -> list[OpenApiParameter]:
    """The query parameters of HistoryFilterForm, for the schema."""
    query: Literal["query"] = "query"
    return [
        OpenApiParameter("agent", str, query, description="Exact user name."),
        OpenApiParameter(
            "account", str, query, description="Slug of one of the caller's accounts."
        ),
        OpenApiParameter(
            "date_from", OpenApiTypes.DATE, query, description="First day, inclusive."
        ),
        OpenApiParameter(
            "date_to", OpenApiTypes.DATE, query, description="Last day, inclusive."
        ),
        OpenApiParameter(
            "outcome", str, query, enum=[value for value, _ in Outcome.choices]
        ),
        OpenApiParameter(
            "action", str, query, enum=[value for value, _ in Action.choices]
        ),
        OpenApiParameter("flow", str, query, description="Flow name contains."),
        OpenApiParameter("has_photos", str, query, enum=["yes", "no"]),
        OpenApiParameter(
            "sort", str, query, enum=[selectors.SORT_NEWEST, selectors.SORT_OLDEST]
        ),
        OpenApiParameter("page", int, query, description="Page number, from 1."),
    ]


class AccessLogListApi(ConsoleApiView):
    """The supervisor history: every lookup and view of the caller's accounts."""

    required_permission = roles.VIEW_TEAM_HISTORY
    throttle_scope = "history"

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        created_at = serializers.DateTimeField()
        username = serializers.CharField(allow_blank=True)
        role = serializers.CharField(allow_blank=True)
        account = serializers.CharField(
            allow_blank=True, help_text="Account slug as recorded."
        )
        action = serializers.ChoiceField(choices=Action.choices)
        outcome = serializers.ChoiceField(choices=Outcome.choices)
        error_kind = serializers.CharField(allow_blank=True)
        search_kind = serializers.CharField(allow_blank=True)
        query_masked = serializers.CharField(
            allow_blank=True, help_text="What was typed; phone numbers masked."
        )
        interaction_id = serializers.CharField(allow_blank=True)
        flow_name = serializers.CharField(allow_blank=True)
        has_photos = serializers.BooleanField(allow_null=True)
        # Declared fields are taken off the class; Field.source stays intact.
        source = serializers.CharField(  # type: ignore[assignment]
            help_text="page, thumb, full, api, snapshot, review."
        )
        duration_ms = serializers.IntegerField()
        interaction_url = serializers.URLField(
            allow_null=True, help_text="The interaction in the API, when there is one."
        )
        page_url = serializers.URLField(
            allow_null=True, help_text="The interaction page, when there is one."
        )

        class Meta:
            ref_name = "AccessLogEntry"

    @extend_schema(
        operation_id="access_log_list",
        summary="List the lookup and view history",
        description="The same filters as the supervisor page, 50 rows a page, "
        "newest first unless `sort=oldest`. Supervisors only (404 otherwise); "
        "only rows of the caller's accounts.",
        parameters=_filter_parameters(),
        responses={
            200: inline_serializer(
                "AccessLogPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": OutputSerializer(many=True),
                },
            ),
            **_errors(400, 401, 404, 406, 429),
        },
        tags=["review"],
    )
    def get(self, request: Request) -> Response:
        form = HistoryFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(
                {
                    name: [str(m) for m in messages]
                    for name, messages in form.errors.items()
                }
            )
        rows = selectors.access_log_list(user=request.user, filters=form.filters())
        paginator = HistoryPagination()
        page = paginator.paginate_queryset(
            rows.select_related("account"), request, view=self
        )
        entries = [
            self._entry(item, request)
            for item in selectors.history_rows(page or [], with_log_links=False)
        ]
        data = self.OutputSerializer(entries, many=True).data
        return paginator.get_paginated_response(data)

    @staticmethod
    def _entry(item: selectors.HistoryRow, request: Request) -> dict[str, Any]:
        row = item.row
        links: dict[str, str | None] = {"interaction_url": None, "page_url": None}
        if item.detail_url and row.account is not None:
            links.update(_links(request, row.account.slug, row.interaction_id))
        return {
            "id": row.pk,
            "created_at": row.created_at,
            "username": row.username,
            "role": row.role,
            "account": row.account_slug,
            "action": row.action,
            "outcome": row.outcome,
            "error_kind": row.error_kind,
            "search_kind": row.search_kind,
            "query_masked": row.query_masked,
            "interaction_id": row.interaction_id,
            "flow_name": row.flow_name,
            "has_photos": row.has_photos,
            "source": row.source,
            "duration_ms": row.duration_ms,
            **links,
        }


class SnapshotDetailApi(ConsoleApiView):
    """A stored copy of what an interaction page showed; no upstream call."""

    required_permission = roles.VIEW_TEAM_HISTORY
    throttle_scope = "history"

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        account = AccountSerializer()
        interaction_id = serializers.CharField()
        created_at = serializers.DateTimeField(help_text="When this copy was stored.")
        first_viewed_by = serializers.CharField(
            allow_null=True, help_text="User whose view stored it."
        )
        flow_name = serializers.CharField(allow_blank=True)
        started_at = serializers.DateTimeField(allow_null=True)
        last_activity = serializers.DateTimeField(allow_null=True)
        live = serializers.BooleanField()
        data_as_of = serializers.DateTimeField(allow_null=True)
        summary_text = serializers.CharField(allow_blank=True)
        answers = serializers.ListField(
            child=serializers.DictField(),
            help_text="As stored: page_title, time, question, answer.",
        )
        answers_error = serializers.CharField(allow_blank=True)
        steps = serializers.ListField(
            child=serializers.DictField(),
            help_text="As stored: the flow timeline with its sections.",
        )
        flow_error = serializers.CharField(allow_blank=True)
        variable_sets = serializers.ListField(
            child=serializers.DictField(), help_text="As stored: set_id, rows, error."
        )
        photos = SnapshotPhotoSerializer(many=True)

        class Meta:
            ref_name = "Snapshot"

    @extend_schema(
        operation_id="snapshot_detail",
        summary="Read a stored snapshot",
        description="What the agent saw, read from the database only. "
        "Supervisors only; 404 for snapshots of other accounts.",
        responses={200: OutputSerializer, **_errors(401, 404, 406, 429)},
        tags=["review"],
    )
    def get(self, request: Request, snapshot_id: int) -> Response:
        snapshot = snapshot_for(request, snapshot_id, action=Action.VIEW)
        access_log.interaction_access_record(
            user=request.user, account=snapshot.account, action=Action.VIEW,
            outcome=Outcome.FOUND, request=request,
            interaction_id=snapshot.interaction_id, flow_name=snapshot.flow_name,
            has_photos=snapshot.has_photos, source=selectors.SNAPSHOT_SOURCE,
        )  # fmt: skip
        page = selectors.snapshot_page(snapshot)
        header = page.header
        data = {
            "id": snapshot.pk,
            "account": snapshot.account,
            "interaction_id": snapshot.interaction_id,
            "created_at": snapshot.created_at,
            "first_viewed_by": getattr(snapshot.first_viewed_by, "username", None),
            "flow_name": snapshot.flow_name,
            "started_at": page.started_at,
            "last_activity": page.last_activity,
            "live": bool(header.get("live")),
            "data_as_of": page.data_as_of,
            "summary_text": page.summary_text,
            "answers": _stored(page.snapshot.data, "answers"),
            "answers_error": page.answers_error,
            "steps": _stored(page.snapshot.data, "steps"),
            "flow_error": page.flow_error,
            "variable_sets": _stored(page.snapshot.data, "variable_sets"),
            "photos": [
                {
                    "key": photo.key,
                    "label": photo.label,
                    "step_number": photo.step_number,
                    "file_name": photo.file_name,
                    "time": photo.time,
                    "rejected": photo.rejected,
                    "thumbnail_url": _absolute(
                        request, "api:snapshot-photo", str(snapshot.pk), photo.key
                    )
                    if photo.stored
                    else None,
                }
                for photo in page.photos
            ],
        }
        return Response(self.OutputSerializer(data).data)


def _stored(data: Any, name: str) -> list[dict[str, Any]]:
    """A list of objects from a snapshot's stored JSON; anything else left out."""
    items = data.get(name) if isinstance(data, dict) else None
    return (
        [item for item in items if isinstance(item, dict)]
        if isinstance(items, list)
        else []
    )


class SnapshotPhotoApi(JsonErrorsMixin, ConsoleApiView):
    """A thumbnail stored with a snapshot; no upstream call."""

    required_permission = roles.VIEW_TEAM_HISTORY
    throttle_scope = "photos"
    renderer_classes = [JSONRenderer, JPEGRenderer]

    @extend_schema(
        operation_id="snapshot_photo",
        summary="Get a snapshot's stored thumbnail",
        responses={
            (200, "image/jpeg"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The stored thumbnail."
            ),
            **_errors(401, 404, 406, 429),
        },
        tags=["review"],
    )
    def get(self, request: Request, snapshot_id: str, key: str) -> HttpResponse:
        snapshot = snapshot_for(request, snapshot_id, action=Action.PHOTO)
        try:
            photo = selectors.snapshot_photo_get(snapshot=snapshot, key=key)
        except Http404:
            raise NotFound("This photo was not stored with the snapshot.") from None
        access_log.interaction_access_record(
            user=request.user, account=snapshot.account, action=Action.PHOTO,
            outcome=Outcome.FOUND, request=request,
            interaction_id=snapshot.interaction_id, source=selectors.SNAPSHOT_SOURCE,
        )  # fmt: skip
        content_type = (
            photo.content_type
            if photo.content_type in {"image/jpeg", "image/png"}
            else "image/jpeg"
        )
        response = HttpResponse(bytes(photo.thumbnail), content_type=content_type)
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
