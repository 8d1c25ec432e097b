from __future__ import annotations

from django.urls import path, re_path

from interactions import supervisor_views, views

app_name = "interactions"

# Interaction URLs carry only the account slug and the unique ID, so they can
# be shared and used as screen-pop links; phone numbers never appear here.
urlpatterns = [
    path("", views.home, name="home"),
    path("lookup", views.lookup, name="lookup"),
    path("a/<slug:slug>/i/<str:unique_id>/", views.detail, name="detail"),
    path("a/<slug:slug>/i/<str:unique_id>/live", views.live, name="live"),
    re_path(
        r"^a/(?P<slug>[-a-zA-Z0-9_]+)/i/(?P<unique_id>[^/]+)/photos/"
        r"(?P<key>[0-9a-f]{20})/(?P<size>thumb|full)$",
        views.photo,
        name="photo",
    ),
    # Supervisor review (404 for everyone without the history permission).
    path("review/", supervisor_views.history, name="review"),
    path("review/export.csv", supervisor_views.history_export, name="review-export"),
    path(
        "review/snapshots/<int:pk>/",
        supervisor_views.snapshot,
        name="review-snapshot",
    ),
    path(
        "review/snapshots/<int:pk>/photos/<str:key>",
        supervisor_views.snapshot_photo,
        name="review-snapshot-photo",
    ),
    path(
        "review/a/<slug:slug>/i/<str:unique_id>/",
        supervisor_views.interaction_log,
        name="review-access-log",
    ),
]
