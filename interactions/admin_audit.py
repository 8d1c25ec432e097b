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
from auditlog.filters import CIDFilter, ResourceTypeFilter
from auditlog.models import LogEntry
from auditlog.render import get_field_verbose_name
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

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


# The longest list of changed fields a row of the audit log shows.
SUMMARY_LENGTH = 75

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


def _field_name(entry: Any, name: str) -> str:
    """A changed field's name as the admin reads it: its verbose name, or
    for a reverse relation the related rows' plural name (django-auditlog
    would say "Sso identities")."""
    model = entry.content_type.model_class()
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    if field is not None and field.auto_created and field.related_model is not None:
        return str(capfirst(field.related_model._meta.verbose_name_plural))
    return str(get_field_verbose_name(entry, name))


class ResourceFilter(ResourceTypeFilter):  # type: ignore[misc]
    """django-auditlog's filter by kind of row, its choices named as the
    admin names the models ("X-Platform account", not "xplatformaccount")."""

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        ids = model_admin.get_queryset(request).values_list("content_type", flat=True)
        kinds = ContentType.objects.filter(pk__in=ids.distinct())
        models = [(kind.pk, kind.model_class()) for kind in kinds]
        named = [
            (pk, capfirst(model._meta.verbose_name))
            for pk, model in models
            if model is not None
        ]
        return sorted(named, key=lambda choice: str(choice[1]))


@admin.register(LogEntry)
class ScopedLogEntryAdmin(LogEntryAdmin):  # type: ignore[misc]
    """django-auditlog's admin in the page's language: its correlation ID
    column, its change summaries ("2 changes: name, slug", built from plain
    English) and "system" are said here with the console's catalogues."""

    list_filter = ["action", ResourceFilter, CIDFilter]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return log_entries_for(request.user, super().get_queryset(request))

    @admin.display(description=_("Correlation ID"))
    def cid_url(self, obj: Any) -> Any:
        return super().cid_url(obj)

    @admin.display(description=_("User"))
    def user_url(self, obj: Any) -> Any:
        return super().user_url(obj) if obj.actor else gettext("system")

    @admin.display(description=_("Changes"))
    def msg_short(self, obj: Any) -> str:
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        names = [_field_name(obj, name) for name in obj.changes_dict]
        fields = ", ".join(names)
        if len(fields) > SUMMARY_LENGTH:
            fields = fields[: fields.rfind(" ", 0, SUMMARY_LENGTH)] + " …"
        return ngettext(
            "%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", len(names)
        ) % {"count": len(names), "fields": fields}
