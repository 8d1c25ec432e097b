"""The audit log in the admin, scoped to the reader's accounts (R-AC-06, R-SEC-04).

django-auditlog's own admin lists every entry to anyone who may view log
entries: every tenant's base URLs, account IDs and assignments. This one
shows a superuser everything and anyone else only entries about

- the accounts they hold,
- assignments to those accounts, except a superuser's (the account and the
  user are stored with each entry by `AccountAssignment.get_additional_data`,
  so a removed assignment stays findable),
- the users they manage (`selectors.users_managed_by`).

Entries about any other model are hidden from tenant admins: deny by default.
"""

from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from interactions.models import AccountAssignment, XPlatformAccount
from interactions.selectors import users_managed_by


def log_entries_for(admin_user: Any, entries: QuerySet[Any]) -> QuerySet[Any]:
    """The audit entries an admin may read."""
    if admin_user.is_superuser:
        return entries
    held = XPlatformAccount.objects.filter(assignments__user=admin_user)
    held_ids = list(held.values_list("pk", flat=True))
    of = ContentType.objects.get_for_model
    superusers = list(
        get_user_model().objects.filter(is_superuser=True).values_list("pk", flat=True)
    )
    return entries.filter(
        Q(content_type=of(XPlatformAccount), object_id__in=held_ids)
        | (
            Q(
                content_type=of(AccountAssignment),
                additional_data__account__in=held_ids,
            )
            & ~Q(additional_data__user__in=superusers)
        )
        | Q(
            content_type=of(get_user_model()),
            object_id__in=users_managed_by(admin_user).values("pk"),
        )
    )


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ScopedLogEntryAdmin(LogEntryAdmin):  # type: ignore[misc]
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return log_entries_for(request.user, super().get_queryset(request))
