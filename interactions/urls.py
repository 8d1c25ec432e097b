from __future__ import annotations

from django.urls import path, re_path

from interactions import views
from interactions.review import urls as review_urls

app_name = "interactions"

# Interaction URLs carry only the account slug and the unique ID, so they can
# be shared and used as screen-pop links; phone numbers never appear here.
urlpatterns = [
    path("", views.home, name="home"),
    path("lookup", views.lookup, name="lookup"),
    # A lookup's result page: a random ID kept in the session, never the query.
    path("lookup/r/<slug:result_id>", views.lookup_result, name="lookup_result"),
    # The screen pop: the caller's number comes in the fragment, never here.
    path("pop", views.pop, name="pop"),
    path("a/<slug:slug>/i/<str:unique_id>/", views.detail, name="detail"),
    path("a/<slug:slug>/i/<str:unique_id>/live", views.live, name="live"),
    re_path(
        r"^a/(?P<slug>[-a-zA-Z0-9_]+)/i/(?P<unique_id>[^/]+)/photos/"
        r"(?P<key>[0-9a-f]{20})/(?P<size>thumb|full)$",
        views.photo,
        name="photo",
    ),
    # The signed-in person's colour theme (Auto, Light, Dark), kept per user.
    path("preferences/theme", views.theme, name="theme"),
    # Supervisor review (404 for everyone without the history permission).
    *review_urls.urlpatterns,
]
