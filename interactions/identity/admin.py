"""The single sign-on group mapping in the Django admin.

A superuser edits every mapping. An admin of some accounts (not a superuser)
sees and edits only the mappings whose accounts are all theirs, must give
each mapping at least one of their accounts, and can grant no role above
their own: a mapping is how a group of people gets into a tenant, so one
tenant's admin must not hand out another's accounts (docs/security.md,
R-AC-02 and "Single sign-on").
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from interactions import roles
from interactions.identity import admin_signin  # noqa: F401  lockouts, second factors
from interactions.identity.models import SsoGroupMapping, SsoIdentity
from interactions.identity.sso import ROLE_RANK
from interactions.models import XPlatformAccount
from interactions.selectors import users_managed_by


def _own_accounts(user: Any) -> QuerySet[XPlatformAccount]:
    return XPlatformAccount.objects.filter(assignments__user=user)


def _own_rank(user: Any) -> int:
    names = user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True)
    return max((ROLE_RANK[name] for name in names), default=0)


@admin.register(SsoGroupMapping)
class SsoGroupMappingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["claim_value", "description", "role", "account_list"]
    list_filter = ["role"]
    search_fields = ["claim_value", "description"]
    filter_horizontal = ["accounts"]

    @admin.display(description=_("accounts"))
    def account_list(self, obj: SsoGroupMapping) -> str:
        return ", ".join(account.name for account in obj.accounts.all()) or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SsoGroupMapping]:
        queryset = super().get_queryset(request).prefetch_related("accounts")
        if request.user.is_superuser:
            return queryset
        mine = _own_accounts(request.user)
        allowed = [
            r for r, rank in ROLE_RANK.items() if rank <= _own_rank(request.user)
        ]
        return (
            queryset.filter(accounts__in=mine, role__in=[*allowed, ""])
            .exclude(accounts__in=XPlatformAccount.objects.exclude(pk__in=mine))
            .distinct()
        )

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "accounts" and not request.user.is_superuser:
            kwargs["queryset"] = _own_accounts(request.user)
            kwargs["required"] = True  # a mapping of no account reaches every tenant
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_choice_field(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "role" and not request.user.is_superuser:
            rank = _own_rank(request.user)
            kwargs["choices"] = [("", "---------")] + [
                (value, label)
                for value, label in SsoGroupMapping.ROLE_CHOICES
                if ROLE_RANK[value] <= rank
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: who signed in from where, and which group values they sent."""

    list_display = ["user", "subject", "issuer", "claim_values", "last_sign_in_at"]
    search_fields = ["user__username", "subject"]
    readonly_fields = [
        "user",
        "issuer",
        "subject",
        "claim_values",
        "created_at",
        "last_sign_in_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SsoIdentity]:
        queryset = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user__in=users_managed_by(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
