"""API views of supervisor review: the history and stored snapshots.

Supervisors only (404 otherwise), only the caller's accounts, and no
upstream call: everything is read from the database.
"""

from __future__ import annotations

from typing import Any, Literal

from django import forms
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from interactions import roles, selectors, services
from interactions.api.base import (
    ConsoleApiView,
    JPEGRenderer,
    JsonErrorsMixin,
    absolute,
    api_actor,
    errors,
    links,
)
from interactions.api.representation import snapshot_data
from interactions.api.serializers import (
    AccountSerializer,
    AnswerSerializer,
    CustomerSerializer,
    SnapshotPhotoSerializer,
    StepSerializer,
    StopPointSerializer,
    VariableSetSerializer,
)
from interactions.models import InteractionAccess, InteractionSnapshot
from interactions.permissions import snapshot_for
from interactions.presenters import InteractionPage, Photo
from interactions.ratelimit import Scope
from interactions.review.forms import HistoryFilterForm
from interactions.review.rows import HistoryRow, history_rows
from interactions.review.views import PAGE_SIZE as HISTORY_PAGE_SIZE

Outcome = InteractionAccess.Outcome
Action = InteractionAccess.Action


class HistoryPagination(PageNumberPagination):
    page_size = HISTORY_PAGE_SIZE


def _filter_parameters() -> list[OpenApiParameter]:
    """The query parameters of HistoryFilterForm, for the schema."""
    query: Literal["query"] = "query"
    parameters = []
    for name, field in HistoryFilterForm.base_fields.items():
        kind: Any = OpenApiTypes.DATE if isinstance(field, forms.DateField) else str
        choices = getattr(field, "choices", None)
        enum = [value for value, _ in choices if value] if choices else None
        if isinstance(field, forms.ModelChoiceField):
            enum = None
        description = HistoryFilterForm.PARAMETER_HELP.get(name, str(field.label))
        parameters.append(
            OpenApiParameter(name, kind, query, enum=enum, description=description)
        )
    page = OpenApiParameter("page", int, query, description="Page number, from 1.")
    return [*parameters, page]


class AccessLogListApi(ConsoleApiView):
    """The supervisor history: every lookup and view of the caller's accounts."""

    required_permission = roles.VIEW_TEAM_HISTORY
    throttle_scope = Scope.HISTORY

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
            **errors(400, 401, 404, 406, 429),
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
            for item in history_rows(page or [], with_log_links=False)
        ]
        data = self.OutputSerializer(entries, many=True).data
        return paginator.get_paginated_response(data)

    @staticmethod
    def _entry(item: HistoryRow, request: Request) -> dict[str, Any]:
        row = item.row
        urls: dict[str, str | None] = {"interaction_url": None, "page_url": None}
        if item.detail_url and row.account is not None:
            urls.update(links(request, row.account.slug, row.interaction_id))
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
            **urls,
        }


def _stored_photo_urls(
    request: Request, snapshot: InteractionSnapshot, page: InteractionPage
) -> InteractionPage:
    stored = selectors.snapshot_photo_keys(snapshot=snapshot)

    def url(photo: Photo, size: str) -> str:
        if photo.rejected or photo.key not in stored:
            return ""
        return absolute(request, "api:snapshot-photo", str(snapshot.pk), photo.key)

    # The summary links to the interaction's page, as the agent's copy did.
    page_url = links(request, snapshot.account.slug, snapshot.interaction_id)
    return page.with_photo_urls(url).with_console_url(page_url["page_url"])


class SnapshotDetailApi(ConsoleApiView):
    """A stored copy of what an interaction page showed; no upstream call."""

    required_permission = roles.VIEW_TEAM_HISTORY
    throttle_scope = Scope.HISTORY

    class OutputSerializer(serializers.Serializer[Any]):
        # Read from {"snapshot": the row, "page": its InteractionPage}.
        id = serializers.IntegerField(source="snapshot.pk")
        account = AccountSerializer(source="snapshot.account")
        interaction_id = serializers.CharField(source="snapshot.interaction_id")
        created_at = serializers.DateTimeField(
            source="snapshot.created_at", help_text="When this copy was stored."
        )
        first_viewed_by = serializers.CharField(
            source="snapshot.first_viewed_by.username",
            allow_null=True,
            help_text="User whose view stored it.",
        )
        flow_name = serializers.CharField(source="snapshot.flow_name", allow_blank=True)
        started_at = serializers.DateTimeField(
            source="page.started_at", allow_null=True
        )
        last_activity = serializers.DateTimeField(
            source="page.last_activity", allow_null=True
        )
        live = serializers.BooleanField(source="page.live")
        data_as_of = serializers.DateTimeField(
            source="page.data_as_of", allow_null=True
        )
        summary_text = serializers.CharField(
            source="page.summary_text", allow_blank=True
        )
        customer = CustomerSerializer(
            source="page", help_text="Empty in copies stored before it was kept."
        )
        outcome = serializers.CharField(
            source="page.outcome",
            help_text="As in the interaction; copies stored before it was kept "
            "say live or finished.",
        )
        outcome_label = serializers.CharField(source="page.outcome_label")
        stopped_at = StopPointSerializer(source="page.stopped", allow_null=True)
        answers = AnswerSerializer(source="page.answers", many=True)
        answers_error = serializers.CharField(
            source="page.answers_error_message", allow_blank=True
        )
        steps = StepSerializer(source="page.steps", many=True)
        flow_error = serializers.CharField(
            source="page.flow_error_message", allow_blank=True
        )
        variable_sets = VariableSetSerializer(source="page.variable_sets", many=True)
        photos = SnapshotPhotoSerializer(source="page.photos", many=True)

        class Meta:
            ref_name = "Snapshot"

    @extend_schema(
        operation_id="snapshot_detail",
        summary="Read a stored snapshot",
        description="What the agent saw, read from the database only. "
        "Supervisors only; 404 for snapshots of other accounts.",
        responses={200: OutputSerializer, **errors(401, 404, 406, 429)},
        tags=["review"],
    )
    def get(self, request: Request, snapshot_id: int) -> Response:
        actor = api_actor(request)
        snapshot = snapshot_for(actor, snapshot_id, action=Action.VIEW)
        page = services.snapshot_open(actor=actor, snapshot=snapshot)
        page = _stored_photo_urls(request, snapshot, page)
        return Response(snapshot_data(snapshot, page))


class SnapshotPhotoApi(JsonErrorsMixin, ConsoleApiView):
    """A thumbnail stored with a snapshot; no upstream call."""

    required_permission = roles.VIEW_TEAM_HISTORY
    throttle_scope = Scope.PHOTO
    renderer_classes = [JSONRenderer, JPEGRenderer]

    @extend_schema(
        operation_id="snapshot_photo",
        summary="Get a snapshot's stored thumbnail",
        responses={
            (200, "image/jpeg"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The stored thumbnail."
            ),
            **errors(401, 404, 406, 429),
        },
        tags=["review"],
    )
    def get(self, request: Request, snapshot_id: str, key: str) -> HttpResponse:
        actor = api_actor(request)
        snapshot = snapshot_for(actor, snapshot_id, action=Action.PHOTO)
        photo = snapshot.photos.filter(key=key).first()
        if photo is None:
            raise NotFound("This photo was not stored with the snapshot.")
        services.snapshot_photo_open(actor=actor, photo=photo)
        content_type = photo.safe_content_type
        response = HttpResponse(bytes(photo.thumbnail), content_type=content_type)
        response["Content-Disposition"] = "inline"
        return response
