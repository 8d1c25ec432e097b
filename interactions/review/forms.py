"""The supervisor history's filters, shared by the page, the CSV export and
the API (which reads the same query parameters)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from interactions import selectors
from interactions.models import InteractionAccess, XPlatformAccount

Outcome = InteractionAccess.Outcome
Action = InteractionAccess.Action

# Days a filter may name: the end of a day is a time zone away from UTC, and
# 9999-12-31 or 0001-01-01 would overflow the date range (issue 10).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)
_DAY_RANGE = _("Choose a day between 1900-01-01 and 9998-12-31.")
_DAY_VALIDATORS = [
    MinValueValidator(FIRST_DAY, message=_DAY_RANGE),
    MaxValueValidator(LAST_DAY, message=_DAY_RANGE),
]


class HistoryFilterForm(forms.Form):
    """The history filters, read from the query string (GET).

    A filter's field here is also the API's query parameter; how it narrows
    the rows is its line in selectors.HISTORY_FILTERS.
    """

    # What each parameter means, for the API schema.
    PARAMETER_HELP = {
        "agent": "Exact user name.",
        "account": "Slug of one of the caller's accounts.",
        "date_from": "First day, inclusive.",
        "date_to": "Last day, inclusive.",
        "flow": "Flow name contains.",
    }

    agent = forms.CharField(
        label=_("Agent"),
        required=False,
        max_length=150,
        strip=True,
    )
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=XPlatformAccount.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All my accounts"),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=_DAY_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=_DAY_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), *Outcome.choices],
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *Action.choices],
    )
    flow = forms.CharField(
        label=_("Flow name contains"), required=False, max_length=200, strip=True
    )
    has_photos = forms.TypedChoiceField(
        label=_("Photos"),
        required=False,
        choices=[
            ("", _("Any")),
            ("yes", _("With photos")),
            ("no", _("Without photos")),
        ],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            (selectors.SORT_NEWEST, _("Newest first")),
            (selectors.SORT_OLDEST, _("Oldest first")),
        ],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["agent"].widget.attrs.update(
            {"list": "review-agent-names", "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["flow"].widget.attrs.update({"autocomplete": "off"})
        accounts = XPlatformAccount.objects.for_user(user)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        self.agent_names = list(
            get_user_model()
            .objects.filter(account_assignments__account__in=accounts)
            .order_by("username")
            .values_list("username", flat=True)
            .distinct()
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid field is left out (and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)

    def describe(self) -> str:
        """The filters in a few words, for the access log of an export."""
        parts = []
        for name, value in self.filters().items():
            if value in (None, "") or (name == "sort"):
                continue
            if isinstance(value, XPlatformAccount):
                value = value.slug
            parts.append(f"{name}={value}")
        return "; ".join(parts) or "all"
