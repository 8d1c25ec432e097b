"""Django admin for accounts, assignments and users.

The application key is write-only here: the form never renders it, the list
and search never touch it, and the change page shows only "set, last changed
<date> by <user>" (docs/security.md, R-SEC-03).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from interactions import admin_audit, admin_scope, breakers, roles  # noqa: F401  (admin_audit registers the audit log admin)
from interactions.admin_delete import ReadableDeletion
from interactions.forms import XPlatformAccountForm
from interactions.models import AccountAssignment, InteractionAccess, XPlatformAccount
from interactions.selectors import users_managed_by

admin.site.site_header = gettext_lazy("X-Platform console administration")
admin.site.site_title = gettext_lazy("X-Platform console admin")
admin.site.index_title = gettext_lazy("Accounts, users and roles")

User = get_user_model()
# A user's dates the console records itself.
RECORDED = ["last_login", "date_joined"]


class ScopedAccountChoices:
    """Limit account and user choices to the admin's own (superusers: all).

    Without it a submitted form could assign anyone, the admin included, to
    another tenant's account, or one of that tenant's users to this one
    (R-AC-02, R-AC-06).
    """

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if not request.user.is_superuser:
            if db_field.name == "account":
                kwargs["queryset"] = admin_scope.held_accounts(request.user)
            elif db_field.name == "user":
                kwargs["queryset"] = users_managed_by(request.user)
        return super().formfield_for_foreignkey(  # type: ignore[misc]
            db_field, request, **kwargs
        )


class AccountAssignmentInline(ScopedAccountChoices, admin.TabularInline):  # type: ignore[type-arg]
    model = AccountAssignment
    formset = admin_scope.ScopedAssignmentFormSet
    # Django's tabular inline, its empty header and Delete boxes labelled.
    template = "admin/edit_inline/tabular_labelled.html"
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = gettext_lazy("assigned user")
    verbose_name_plural = gettext_lazy("Users assigned to this account")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccountAssignment]:
        return admin_scope.assignment_queryset(
            super().get_queryset(request), request.user
        )

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        return admin_scope.scoped_formset(formset, request.user)


@admin.register(XPlatformAccount)
class XPlatformAccountAdmin(ReadableDeletion, admin.ModelAdmin):  # type: ignore[type-arg]
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
    readonly_fields = ["credentials", "circuit_breakers", "created_at", "updated_at"]
    inlines = [AccountAssignmentInline]
    actions = ["test_connection"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_active"]}),
        (
            gettext_lazy("X-Platform server"),
            {
                "fields": [
                    "base_url",
                    "api_version",
                    "account_id",
                    "environment_name",
                    "credentials",
                    "new_application_key",
                    "circuit_breakers",
                ]
            },
        ),
        (
            gettext_lazy("What agents see"),
            {
                "fields": [
                    "variable_sets",
                    "customer_name_variables",
                    "customer_id_variables",
                    "variable_labels",
                    "photo_max_size",
                    "legacy_photo_path_encoding",
                    "time_zone",
                ]
            },
        ),
        (gettext_lazy("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.action(description=gettext_lazy("Test connection to the X-Platform"))
    def test_connection(
        self, request: HttpRequest, queryset: QuerySet[XPlatformAccount]
    ) -> None:
        from interactions.services import account_connection_test

        for account in queryset:
            result = account_connection_test(account=account)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{account.name}: {result.message}", level)

    @admin.display(description=gettext_lazy("Application key"))
    def credentials(self, obj: XPlatformAccount) -> str:
        state = obj.credentials_state()
        if state != "set" or obj.application_key_changed_at is None:
            return gettext(state)
        changed = obj.application_key_changed_at.strftime("%Y-%m-%d %H:%M %Z")
        by = obj.application_key_changed_by
        if by is None:
            return gettext("set, last changed %(when)s") % {"when": changed}
        return gettext("set, last changed %(when)s by %(user)s") % {
            "when": changed,
            "user": by,
        }

    @admin.display(description=gettext_lazy("Circuit breakers"))
    def circuit_breakers(self, obj: XPlatformAccount) -> str:
        """The breaker state of the account's required and optional calls."""
        if obj.pk is None:
            return "-"
        states = breakers.account_states(obj.base_url, obj.account_id)
        words = {
            "closed": gettext("closed (calls go through)"),
            "open": gettext("open (calls refused for now)"),
            "half-open": gettext("half-open (one trial call next)"),
        }
        return gettext("Required parts: %(required)s; optional parts: %(optional)s") % {
            "required": words[states["required"]],
            "optional": words[states["optional"]],
        }

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
    """Who may use which account. A tenant admin sees every row on their
    accounts (who can read this tenant's customers), but changes only rows of
    users they manage, and never removes their own row (R-AC-06)."""

    list_display = ["user", "account", "created_at"]
    list_filter = [("account", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "account__name"]
    autocomplete_fields = ["user", "account"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccountAssignment]:
        return admin_scope.assignment_queryset(
            super().get_queryset(request), request.user
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None or request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return (
            super().has_change_permission(request, obj)
            and obj.user_id != request.user.pk
            and admin_scope.manages(request.user, obj.user_id)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and admin_scope.is_self(request, obj.user):
            return False
        return super().has_delete_permission(request, obj)


class UserAssignmentInline(ScopedAccountChoices, admin.TabularInline):  # type: ignore[type-arg]
    model = AccountAssignment
    # Django's tabular inline with its headers and Delete boxes labelled.
    template = "admin/edit_inline/tabular_labelled.html"
    extra = 0
    autocomplete_fields = ["account"]
    verbose_name = gettext_lazy("account")
    verbose_name_plural = gettext_lazy("Accounts this user may use")

    # An admin's own assignments are shown, not edited: removing one would
    # strand the account, adding one could only repeat what they hold.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not admin_scope.is_self(request, obj) and super().has_add_permission(
            request, obj
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not admin_scope.is_self(request, obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not admin_scope.is_self(request, obj) and super().has_delete_permission(
            request, obj
        )


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(ReadableDeletion, GroupAdmin):
    """Django's groups (the roles), their delete page in words."""


admin.site.unregister(User)


@admin.register(User)
class ConsoleUserAdmin(ReadableDeletion, UserAdmin):  # type: ignore[type-arg]
    """Users; a tenant admin sees and edits only the ones they manage (R-AC-06).

    Every view (list, search, autocomplete, change, history, password,
    delete, bulk actions) finds users through `get_queryset`, so a user out
    of scope is "not found" everywhere.
    """

    inlines = [UserAssignmentInline]
    change_password_form = admin_scope.UserPasswordForm
    list_display = ["username", "email", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=users_managed_by(request.user).values("pk"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # When someone signed in and joined are facts, never edited; shown
        # as text, not as Django's split date and time boxes (which have no
        # labels of their own, WCAG 1.3.1 and 4.1.2).
        fields = [*super().get_readonly_fields(request, obj), *RECORDED]
        if not request.user.is_superuser:
            # Only a superuser may make superusers or hand out single
            # permissions; staff status follows the admin role (save_related).
            fields += ["is_superuser", "user_permissions", "is_staff"]
        if admin_scope.is_self(request, obj):
            # No admin raises, lowers or switches off their own access.
            fields += ["groups", "is_active"]
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and not request.user.is_superuser:
            fieldsets = [*fieldsets, (None, {"fields": ["account"]})]
        return fieldsets

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None and not request.user.is_superuser:
            return []  # the add form's own account field assigns the new user
        return super().get_inlines(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = admin_scope.TenantUserCreationForm
        form = super().get_form(request, obj, change=change, **kwargs)
        account = form.base_fields.get("account")
        if isinstance(account, ModelChoiceField):
            account.queryset = admin_scope.held_accounts(request.user)
        return form

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = admin_scope.grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(
        self,
        request: HttpRequest,
        obj: Any,
        form: ModelForm,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        super().save_model(request, obj, form, change)
        account = form.cleaned_data.get("account")
        if not change and account is not None:
            AccountAssignment.objects.get_or_create(user=obj, account=account)

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,  # type: ignore[type-arg]
        formsets: Any,
        change: bool,
    ) -> None:
        user = form.instance
        if request.user.is_superuser:
            super().save_related(request, form, formsets, change)
            return
        # Roles above the editor's own are kept as they were: a tenant admin
        # can neither grant nor strip them.
        grantable = admin_scope.grantable_groups(request.user)
        kept = list(user.groups.exclude(pk__in=grantable)) if user.pk else []
        super().save_related(request, form, formsets, change)
        if kept:
            user.groups.add(*kept)
        staff = admin_scope.holds_admin_role(user)
        if user.is_staff != staff:
            user.is_staff = staff
            user.save(update_fields=["is_staff"])

    @admin.display(description=gettext_lazy("Role"))
    def role(self, obj: Any) -> str:
        return ", ".join(group.name for group in obj.groups.all()) or "—"


class RoleFilter(admin.SimpleListFilter):
    """The access log by the role a row was recorded with (stored in
    English, roles.role_label), its choices in the page's language."""

    title = gettext_lazy("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [(role, gettext(role)) for role in roles.ROLE_LABELS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(InteractionAccess)
class InteractionAccessAdmin(admin_scope.ReadOnlyAdmin):
    """The access log, read-only: rows are never added, changed or deleted here
    (docs/security.md, R-PII-01). Admins see the rows of their accounts."""

    list_display = [
        "created_at",
        "username",
        "role_name",
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
        RoleFilter,
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

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        return ["role_name" if name == "role" else name for name in fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "role_name"]

    @admin.display(description=gettext_lazy("role"), ordering="role")
    def role_name(self, obj: InteractionAccess) -> str:
        # Stored in English (roles.role_label); said in the page's language.
        return gettext(obj.role) if obj.role else ""
