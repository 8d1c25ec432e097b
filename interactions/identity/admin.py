"""The identity app in the Django admin: single sign-on mapping, API tokens.

Single sign-on mapping: a superuser edits every mapping. An admin of some
accounts (not a superuser) sees and edits only the mappings whose accounts
are all theirs, must give each mapping at least one of their accounts, and
can grant no role above their own: a mapping is how a group of people gets
into a tenant, so one tenant's admin must not hand out another's accounts
(docs/security.md, R-AC-02 and "Single sign-on").

API tokens (R-AC-07): the token is shown once, on the page that answers the
"add" form, and never again: it is not stored, so no later page could show
it. The page is the answer to the POST itself, not a message, since messages
travel in a cookie or the session. The digest is never displayed. A tenant
admin sees and makes tokens only for the users they manage
(``users_managed_by``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from interactions import roles
from interactions.admin_delete import ReadableDeletion
from interactions.identity import admin_signin  # noqa: F401  lockouts, second factors
from interactions.identity.models import (
    ApiToken,
    SsoGroupMapping,
    SsoIdentity,
    token_days,
)
from interactions.identity.sso import ROLE_RANK
from interactions.models import XPlatformAccount
from interactions.selectors import users_managed_by


def _own_accounts(user: Any) -> QuerySet[XPlatformAccount]:
    return XPlatformAccount.objects.filter(assignments__user=user)


def _own_rank(user: Any) -> int:
    names = user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True)
    return max((ROLE_RANK[name] for name in names), default=0)


@admin.register(SsoGroupMapping)
class SsoGroupMappingAdmin(ReadableDeletion, admin.ModelAdmin):  # type: ignore[type-arg]
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


_STATES = {
    "active": _("active"),
    "expired": _("expired"),
    "revoked": _("revoked"),
}


class ApiTokenAddForm(forms.ModelForm):  # type: ignore[type-arg]
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        help_text=_("The token stops working after this many days."),
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when the form is built, so settings changes apply (style 2.7).
        self.fields["days"].initial = token_days(None)
        self.fields["days"].widget.attrs["max"] = settings.XPC_API_TOKEN_MAX_DAYS

    def clean_days(self) -> int:
        return token_days(self.cleaned_data["days"])


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return list(_STATES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "token_prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "token_state",
    ]
    list_filter = [StateFilter]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    actions = ["revoke"]
    readonly_fields = [
        "user",
        "token_prefix",
        "token_state",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    # --- scope: only the users this admin manages ---------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user__in=users_managed_by(request.user).values("pk"))

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = users_managed_by(request.user).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the record of who had a token stays

    # --- the forms -----------------------------------------------------------

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["user", "name", "days"]
        return ["name", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.created_by_id = request.user.pk
        # Kept on the request only until response_add shows it, once.
        request._api_token_plaintext = obj.set_secret(  # type: ignore[attr-defined]
            days=form.cleaned_data["days"]
        )
        obj.save_new()

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        plaintext = getattr(request, "_api_token_plaintext", None)
        if plaintext is None:
            return super().response_add(request, obj, post_url_continue)
        del request._api_token_plaintext  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("API token created"),
            "opts": self.opts,
            "token": obj,
            "plaintext": plaintext,
            "list_url": reverse("admin:identity_apitoken_changelist"),
        }
        # Admin views are never_cache, so no cache keeps the page.
        return TemplateResponse(
            request, "admin/identity/apitoken/created.html", context
        )

    # --- list columns and the revoke action ----------------------------------

    @admin.display(description=_("prefix"), ordering="prefix")
    def token_prefix(self, obj: ApiToken) -> str:
        # Left to right whatever the page's direction: in a Hebrew page the
        # trailing "_…" would otherwise move to the front, "…_xpc_ab12cd34".
        return format_html('<span dir="ltr">{}</span>', obj.display_prefix)

    @admin.display(description=_("state"))
    def token_state(self, obj: ApiToken) -> str:
        return str(_STATES[obj.state()])

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = sum(token.revoke(by=request.user) for token in queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
