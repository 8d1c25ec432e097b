"""Django admin for accounts, assignments and users.

The application key is write-only here: the form never renders it, the list
and search never touch it, and the change page shows only "set, last changed
<date> by <user>" (docs/security.md, R-SEC-03).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from interactions import roles
from interactions.forms import XPlatformAccountForm
from interactions.models import AccountAssignment, InteractionAccess, XPlatformAccount

admin.site.site_header = "X-Platform console administration"
admin.site.site_title = "X-Platform console admin"
admin.site.index_title = "Accounts, users and roles"

User = get_user_model()


class ScopedAccountChoices:
    """Limit account choices to the admin's own accounts (superusers: all).

    Without it a submitted form could assign anyone, the admin included, to
    another tenant's account (R-AC-02).
    """

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "account" and not request.user.is_superuser:
            kwargs["queryset"] = XPlatformAccount.objects.for_user(request.user)
        return super().formfield_for_foreignkey(  # type: ignore[misc]
            db_field, request, **kwargs
        )


class AccountAssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AccountAssignment
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "assigned user"
    verbose_name_plural = "Users assigned to this account"


@admin.register(XPlatformAccount)
class XPlatformAccountAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = XPlatformAccountForm
    list_display = [
        "name",
        "slug",
        "base_url",
        "account_id",
        "api_version",
        "is_active",
        "credentials",
    ]
    list_filter = ["is_active", "api_version"]
    search_fields = ["name", "slug", "account_id", "base_url"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["credentials", "created_at", "updated_at"]
    inlines = [AccountAssignmentInline]
    actions = ["test_connection"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_active"]}),
        (
            "X-Platform server",
            {
                "fields": [
                    "base_url",
                    "api_version",
                    "account_id",
                    "environment_name",
                    "credentials",
                    "new_application_key",
                ]
            },
        ),
        (
            "What agents see",
            {
                "fields": [
                    "variable_sets",
                    "photo_max_size",
                    "legacy_photo_path_encoding",
                    "time_zone",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.action(description="Test connection to the X-Platform")
    def test_connection(
        self, request: HttpRequest, queryset: QuerySet[XPlatformAccount]
    ) -> None:
        from interactions.services import account_connection_test

        for account in queryset:
            result = account_connection_test(account=account)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{account.name}: {result.message}", level)

    @admin.display(description="Application key")
    def credentials(self, obj: XPlatformAccount) -> str:
        state = obj.credentials_state()
        if state != "set" or obj.application_key_changed_at is None:
            return state
        changed = obj.application_key_changed_at.strftime("%Y-%m-%d %H:%M %Z")
        by = obj.application_key_changed_by
        return f"set, last changed {changed}" + (f" by {by}" if by else "")

    def get_queryset(self, request: HttpRequest) -> QuerySet[XPlatformAccount]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(assignments__user=request.user)

    @method_decorator(sensitive_post_parameters("new_application_key"))
    def changeform_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().changeform_view(*args, **kwargs)

    def save_model(
        self,
        request: HttpRequest,
        obj: XPlatformAccount,
        form: ModelForm,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        assert isinstance(form, XPlatformAccountForm)  # noqa: S101
        form.set_key(request.user)
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            # An admin who creates an account can see and manage it.
            AccountAssignment.objects.get_or_create(user=request.user, account=obj)


@admin.register(AccountAssignment)
class AccountAssignmentAdmin(ScopedAccountChoices, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "account", "created_at"]
    list_filter = ["account"]
    search_fields = ["user__username", "account__name"]
    autocomplete_fields = ["user", "account"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccountAssignment]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(account__assignments__user=request.user)


class UserAssignmentInline(ScopedAccountChoices, admin.TabularInline):  # type: ignore[type-arg]
    model = AccountAssignment
    extra = 0
    autocomplete_fields = ["account"]
    verbose_name = "account"
    verbose_name_plural = "Accounts this user may use"


admin.site.unregister(User)


@admin.register(User)
class ConsoleUserAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [UserAssignmentInline]
    list_display = ["username", "email", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser may make superusers or hand out single permissions.
            fields += ["is_superuser", "user_permissions"]
        return fields

    @admin.display(description="Role")
    def role(self, obj: Any) -> str:
        return ", ".join(group.name for group in obj.groups.all()) or "—"


@admin.register(InteractionAccess)
class InteractionAccessAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The access log, read-only: rows are never added, changed or deleted here
    (docs/security.md, R-PII-01). Admins see the rows of their accounts."""

    list_display = [
        "created_at",
        "username",
        "role",
        "account_slug",
        "action",
        "source",
        "query_masked",
        "interaction_id",
        "outcome",
        "error_kind",
        "duration_ms",
    ]
    list_filter = [
        "action",
        "outcome",
        "source",
        "role",
        ("account", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["username", "interaction_id", "flow_name", "account_slug"]
    date_hierarchy = "created_at"
    list_select_related = ["account"]
    show_full_result_count = False
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[InteractionAccess]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.for_supervisor(request.user)  # type: ignore[attr-defined,no-any-return]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff) and request.user.has_perm(
            roles.VIEW_ACCESS_LOG
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
