"""What a tenant admin may see, grant and change in the Django admin.

A superuser administers every tenant. Any other admin is a tenant admin: they
manage only the users `selectors.users_managed_by` gives them, never grant a
role whose permissions they do not hold themselves, assign only accounts they
hold, and cannot change their own role, staff flag, active flag or account
assignments (docs/security.md, R-AC-06).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    SetUnusablePasswordMixin,
)
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from interactions import roles
from interactions.models import AccountAssignment, XPlatformAccount
from interactions.selectors import users_managed_by


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A record kept for review: never added, changed or deleted in the admin
    (the access log, sign-in failures and lockouts, second-factor devices)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def held_accounts(admin: Any) -> QuerySet[XPlatformAccount]:
    """The accounts an admin may assign people to (all of them for superusers)."""
    if admin.is_superuser:
        return XPlatformAccount.objects.all()
    return XPlatformAccount.objects.filter(assignments__user=admin)


def grantable_groups(admin: Any) -> QuerySet[Group]:
    """Roles not above the admin's own: every permission of the group is theirs."""
    if admin.is_superuser:
        return Group.objects.all()
    held = admin.get_all_permissions()
    groups = Group.objects.prefetch_related("permissions__content_type")
    allowed = [
        group.pk
        for group in groups
        if all(
            f"{perm.content_type.app_label}.{perm.codename}" in held
            for perm in group.permissions.all()
        )
    ]
    return Group.objects.filter(pk__in=allowed)


def holds_admin_role(user: Any) -> bool:
    """Whether one of the user's groups grants the admin role (fresh from the DB)."""
    app_label, codename = roles.MANAGE_PLATFORM_ACCOUNT.split(".")
    return bool(
        user.groups.filter(
            permissions__content_type__app_label=app_label,
            permissions__codename=codename,
        ).exists()
    )


def is_self(request: Any, obj: Any) -> bool:
    """A non-superuser looking at their own user record."""
    return (
        obj is not None and not request.user.is_superuser and obj.pk == request.user.pk
    )


def manages(admin: Any, user_id: Any) -> bool:
    return bool(users_managed_by(admin).filter(pk=user_id).exists())


class TenantUserCreationForm(AdminUserCreationForm):
    """The add-user form of a tenant admin: the new user gets one of their accounts.

    Without an account the new user would be outside the admin's scope at
    once, and "Save" would lead to a page they may not open.
    """

    account = forms.ModelChoiceField(
        queryset=XPlatformAccount.objects.none(),
        label=gettext_lazy("Account"),
        help_text=gettext_lazy("The new user may use this account."),
        error_messages={"invalid_choice": gettext_lazy("Choose one of your accounts.")},
    )


class ScopedAssignmentFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """Assignment rows on an account page, as a tenant admin may change them.

    A row of someone outside the admin's scope (a user shared with another
    tenant) or of the admin themselves keeps its user: the field is shown but
    not editable. Such a row may be removed, which only revokes access to this
    admin's own account, except the admin's own row: removing it would leave
    an account nobody in the tenant administers.
    """

    actor: Any = None

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        field = form.fields.get("user")
        instance = form.instance
        if field is None or instance.pk is None or self.actor is None:
            return form
        if self.actor.is_superuser:
            return form
        mine = instance.user_id == self.actor.pk
        if mine or not field.queryset.filter(pk=instance.user_id).exists():
            field.queryset = field.queryset.model.objects.filter(pk=instance.user_id)
            field.disabled = True
        return form

    def clean(self) -> None:
        super().clean()
        if self.actor is None or self.actor.is_superuser:
            return
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.user_id == self.actor.pk:
                raise forms.ValidationError(
                    gettext(
                        "You cannot remove your own access to an account; ask "
                        "another admin of this account or a superuser."
                    )
                )


def scoped_formset(formset: type[Any], actor: Any) -> Any:
    return type(f"Scoped{formset.__name__}", (formset,), {"actor": actor})


def assignment_queryset(
    queryset: QuerySet[AccountAssignment], admin: Any
) -> QuerySet[AccountAssignment]:
    """Assignments on the admin's accounts; superusers' rows are never shown."""
    if admin.is_superuser:
        return queryset
    return queryset.filter(account__in=held_accounts(admin)).exclude(
        user__is_superuser=True
    )


class UserPasswordForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """Django's form for setting a user's password in the admin, its help on
    switching password sign-in off in the page's language.

    Django 5.2 builds that help once, when it is imported, by adding its own
    warning in a plain English string to the translatable sentence: every
    language got it in English. Built here for each form instead, in the
    same markup (admin/js/unusable_password_field.js shows the warning).
    """

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        field = self.fields.get("usable_password")
        if field is not None:
            field.help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist">'
                '<li class="warning">{}</li></ul>',
                SetUnusablePasswordMixin.usable_password_help_text,
                gettext(
                    "If disabled, the current password for this user will be lost."
                ),
            )
