"""HTML views of the console. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interactions import roles
from interactions.models import XPlatformAccount


@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what this user's role can do, on their accounts."""
    user = request.user
    accounts = XPlatformAccount.objects.for_user(user)
    context = {
        "accounts": accounts,
        "role": roles.role_label(user),
        "can_view_interactions": user.has_perm(roles.VIEW_INTERACTION),
        "can_review": user.has_perm(roles.VIEW_TEAM_HISTORY),
        "can_manage": user.has_perm(roles.MANAGE_PLATFORM_ACCOUNT),
    }
    return render(request, "interactions/home.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, without calling the upstream."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database},
        status=status,
    )
