"""What an X-Platform account's fields accept (the admin's form, `xpc_account`
and the model's own checks): base URL, time zone, variable set and variable
names, each refused with a message in the admin's language."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interactions.xplatform.hosts import BaseUrlError, normalise_base_url

IDENTIFIER = r"^[A-Za-z0-9_-]{1,64}$"
_SET_LIST = re.compile(r"^\s*[A-Za-z0-9_-]{1,64}(\s*,\s*[A-Za-z0-9_-]{1,64})*\s*$")


def validate_base_url(value: str) -> None:
    try:
        normalise_base_url(value, settings.XPC_UPSTREAM_ALLOWED_HOSTS)
    except BaseUrlError as exc:
        raise ValidationError(str(exc), code="base_url") from None


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        example = "Europe/London or America/New_York"
        raise ValidationError(
            _("Enter an IANA time zone name such as %(example)s."),
            code="time_zone",
            params={"example": example},
        )


def validate_variable_sets(value: str) -> None:
    if value and not _SET_LIST.match(value):
        raise ValidationError(
            _(
                "List variable set IDs separated by commas, for example "
                "customerInfoSet,routingDataSet (letters, digits, - and _ only)."
            ),
            code="variable_sets",
        )


def validate_variable_names(value: str) -> None:
    if value and not _SET_LIST.match(value):
        raise ValidationError(
            _(
                "List variable names separated by commas, for example "
                "firstName,lastName (letters, digits, - and _ only)."
            ),
            code="variable_names",
        )
