"""Forms of the console. The account form owns the write-only key handling."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from interactions.caller_query import SearchKind
from interactions.models import XPlatformAccount
from interactions.xplatform.hosts import BaseUrlError, normalise_base_url

_KEY = re.compile(r"[!-~]{1,512}")

# Where the stored key goes: the server (base URL), the tenant it speaks for
# (account ID, sent as Tenant-Id) and the environment (Environment-Name).
# Changing any of them without typing the key again would send the stored
# key to a new recipient chosen by whoever edits the form (docs/security.md,
# R-SEC-06). The API version only changes a path segment on the same server,
# for the same tenant, and its grammar (v?digits) cannot redirect anything.
KEY_BOUND_FIELDS = {
    "base_url": gettext_lazy("server address (base URL)"),
    "account_id": gettext_lazy("account ID"),
    "environment_name": gettext_lazy("environment name"),
}


def key_bound_changes(account: XPlatformAccount, values: dict[str, Any]) -> list[str]:
    """The key-bound fields whose new value differs from the stored account."""
    changed = []
    for field in KEY_BOUND_FIELDS:
        if field not in values:
            continue
        old, new = getattr(account, field) or "", values[field] or ""
        if field == "base_url":
            try:
                new = normalise_base_url(new, settings.XPC_UPSTREAM_ALLOWED_HOSTS)
            except BaseUrlError:
                # Refused anyway, with the validator's own message.
                continue
            old = _canonical_url(old)
        if old != new:
            changed.append(field)
    return changed


def _canonical_url(url: str) -> str:
    try:
        return normalise_base_url(url, settings.XPC_UPSTREAM_ALLOWED_HOSTS)
    except BaseUrlError:
        return url.strip()


_KEY_AGAIN = gettext_lazy(
    "Type the application key again: the server address, account ID or "
    "environment changed."
)


class XPlatformAccountForm(forms.ModelForm):  # type: ignore[type-arg]
    """Account form whose application key is write-only (docs/security.md, R-SEC-03).

    The key is never rendered back; a blank field on edit keeps the stored key.
    """

    new_application_key = forms.CharField(
        # Not "Application key": the stored key's state above has that
        # label, and the page said "Application key:" twice (issue 14).
        label=gettext_lazy("New application key"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy(
            "Public API Service application key. Leave blank to keep the "
            "stored key; it is never shown again."
        ),
    )

    class Meta:
        model = XPlatformAccount
        fields = [
            "name",
            "slug",
            "base_url",
            "api_version",
            "account_id",
            "environment_name",
            "variable_sets",
            "customer_name_variables",
            "customer_id_variables",
            "variable_labels",
            "photo_max_size",
            "legacy_photo_path_encoding",
            "time_zone",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What an admin types (names, URLs, IDs, variable names) keeps its
        # own direction: a URL reads left to right, from its start, in the
        # Hebrew admin too (docs/i18n.md, "Customer text").
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.Textarea):
                field.widget.attrs.setdefault("dir", "auto")
        if self.instance.pk is None:
            self.fields["new_application_key"].required = True
            self.fields["new_application_key"].help_text = gettext(
                "Public API Service application key. Stored encrypted; never "
                "shown again."
            )

    def clean_new_application_key(self) -> str:
        key: str = self.cleaned_data["new_application_key"]
        # Sent as an HTTP header: printable ASCII, no spaces (a key pasted
        # with a non-breaking space would otherwise fail on every call).
        if key and not _KEY.fullmatch(key):
            raise forms.ValidationError(
                gettext(
                    "The application key must be at most 512 printable ASCII "
                    "characters without spaces."
                )
            )
        return key

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned: dict[str, Any] = self.cleaned_data
        if self.instance.pk is None or cleaned.get("new_application_key"):
            return cleaned
        if self.has_error("new_application_key"):
            return cleaned
        stored = XPlatformAccount.objects.get(pk=self.instance.pk)
        changed = key_bound_changes(stored, cleaned)
        for field in changed:
            self.add_error(
                field,
                gettext(
                    "Enter the application key again to change the %(field)s: "
                    "the stored key is only sent to the server, account and "
                    "environment it was entered for."
                )
                % {"field": KEY_BOUND_FIELDS[field]},
            )
        if changed:
            self.add_error("new_application_key", _KEY_AGAIN)
        return cleaned

    def set_key(self, actor: Any) -> bool:
        """Apply a newly typed key to the instance; True when one was given."""
        key = self.cleaned_data.get("new_application_key")
        if not key:
            return False
        self.instance.application_key = key
        self.instance.application_key_changed_at = timezone.now()
        self.instance.application_key_changed_by = (
            actor if getattr(actor, "pk", None) else None
        )
        return True


class LookupForm(forms.Form):
    """The agent's search box, the "search by" selector and the account.

    With more than one account the account menu starts at "All my
    accounts" (an empty value): a supervisor's valid ID of the second
    account was "not found" while the menu defaulted to the first (issue 13).
    """

    query = forms.CharField(
        label="Phone number or interaction ID",
        max_length=100,
        strip=True,
        error_messages={"required": "Type a phone number or an interaction ID."},
    )
    kind = forms.ChoiceField(
        label="Search by", choices=SearchKind.choices, initial=SearchKind.AUTO
    )
    account = forms.ModelChoiceField(
        label="Account",
        queryset=XPlatformAccount.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your accounts."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accounts = XPlatformAccount.objects.for_user(user)
        account_field = self.fields["account"]
        assert isinstance(account_field, forms.ModelChoiceField)  # noqa: S101
        account_field.queryset = accounts
        account_field.to_field_name = "slug"
        self.user_accounts = list(accounts)
        self.single_account = len(self.user_accounts) == 1
        if not self.single_account:
            account_field.required = False
            account_field.empty_label = gettext_lazy("All my accounts")
        elif not self.is_bound:
            self.initial.setdefault("account", self.user_accounts[0].slug)

    def accounts(self) -> list[XPlatformAccount]:
        """The accounts to search: the one chosen, or all of the user's."""
        chosen = self.cleaned_data.get("account")
        return [chosen] if chosen is not None else self.user_accounts
