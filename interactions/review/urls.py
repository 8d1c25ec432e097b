"""Supervisor review URLs, part of the console's `interactions` namespace.

Every page answers 404 for users without the history permission.
"""

from __future__ import annotations

from django.urls import path

from interactions.review import views

urlpatterns = [
    path("review/", views.history, name="review"),
    path("review/export.csv", views.history_export, name="review-export"),
    path("review/snapshots/<int:pk>/", views.snapshot, name="review-snapshot"),
    path(
        "review/snapshots/<int:pk>/photos/<str:key>",
        views.snapshot_photo,
        name="review-snapshot-photo",
    ),
    path(
        "review/a/<slug:slug>/i/<str:unique_id>/",
        views.interaction_log,
        name="review-access-log",
    ),
]
