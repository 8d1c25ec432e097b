"""URLs of the JSON API, included under /api/v1/."""

from __future__ import annotations

from django.urls import path, re_path

from interactions.api import review, views

app_name = "api"

urlpatterns = [
    path("lookup", views.InteractionLookupApi.as_view(), name="lookup"),
    path(
        "accounts/<slug:slug>/interactions/<str:unique_id>",
        views.InteractionDetailApi.as_view(),
        name="interaction-detail",
    ),
    re_path(
        r"^accounts/(?P<slug>[-a-zA-Z0-9_]+)/interactions/(?P<unique_id>[^/]+)/"
        r"photos/(?P<key>[0-9a-f]{20})/(?P<size>thumb|full)$",
        views.InteractionPhotoApi.as_view(),
        name="interaction-photo",
    ),
    path("history", review.AccessLogListApi.as_view(), name="history"),
    path(
        "snapshots/<int:snapshot_id>",
        review.SnapshotDetailApi.as_view(),
        name="snapshot-detail",
    ),
    re_path(
        r"^snapshots/(?P<snapshot_id>[0-9]+)/photos/(?P<key>[0-9a-f]{20})$",
        review.SnapshotPhotoApi.as_view(),
        name="snapshot-photo",
    ),
    # Last: everything else under /api/v1/ answers the JSON 404.
    re_path(r"", views.UnknownApi.as_view(), name="unknown"),
]
