"""Serializers shared by several API views: errors and the parts of an
interaction. Plain ``Serializer`` classes: proxied data has no model behind it.

Each operation's own request and response serializers are nested in its view
(``InputSerializer`` and ``OutputSerializer``, docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

__all__ = [
    "AccountSerializer",
    "AnswerSerializer",
    "CandidateSerializer",
    "CustomerSerializer",
    "ErrorResponseSerializer",
    "PartErrorSerializer",
    "PartsStaleSerializer",
    "PhotoSerializer",
    "SnapshotPhotoSerializer",
    "StaleSerializer",
    "StepSerializer",
    "StopPointSerializer",
    "TextField",
    "VariableSetSerializer",
    "language_field",
]


class TextField(serializers.CharField):
    """A CharField that takes only JSON strings: a number is not a phone number."""

    default_error_messages = {"not_text": "Send this value as a JSON string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class PartErrorSerializer(serializers.Serializer[Any]):
    """Why one part of an answer is missing."""

    code = serializers.CharField(
        help_text="Stable code: not_found, upstream_unavailable, upstream_busy, "
        "upstream_timeout, upstream_bad_response, upstream_auth_failed, "
        "credentials_unavailable."
    )
    message = serializers.CharField(help_text="Plain words for the agent.")

    class Meta:
        ref_name = "PartError"


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(
        help_text="Stable code, e.g. invalid, not_authenticated, not_found, "
        "throttled, upstream_timeout, upstream_unavailable, upstream_busy, "
        "upstream_bad_response, upstream_auth_failed, credentials_unavailable, "
        "server_error."
    )
    message = serializers.CharField(help_text="Plain words for the caller.")
    # Declared fields are taken off the class, so this does not replace
    # Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        required=False,
        help_text="Validation errors only: the messages of each invalid field.",
    )

    class Meta:
        ref_name = "ErrorDetail"


class ErrorResponseSerializer(serializers.Serializer[Any]):
    """The one error shape of every failed API call."""

    error = ErrorDetailSerializer()

    class Meta:
        ref_name = "Error"


class AccountSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    time_zone = serializers.CharField(help_text="IANA name, e.g. America/New_York.")

    class Meta:
        ref_name = "Account"


class CandidateSerializer(serializers.Serializer[Any]):
    unique_id = serializers.CharField()
    flow_name = serializers.CharField(allow_blank=True)
    started_at = serializers.DateTimeField(allow_null=True)
    last_activity = serializers.DateTimeField(allow_null=True)
    live = serializers.BooleanField()
    available = serializers.BooleanField(
        help_text="False when the interaction could not be read upstream."
    )
    customer = serializers.CharField(
        allow_blank=True,
        help_text="The customer's name from the account's customer-name "
        "variables; empty when the flow holds none.",
    )
    matched_by = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[
                "unique_id",
                "call_return",
                "click_to_call",
                "dtmf",
                "history_search_id",
                "dnid",
            ]
        ),
        help_text="How the query found it: the caller attributes it matched.",
    )
    step_number = serializers.IntegerField(
        help_text="The last step reached (on it now, when live); 0 when unknown."
    )
    step_title = serializers.CharField(allow_blank=True)
    interaction_url = serializers.URLField(help_text="This interaction in the API.")
    page_url = serializers.URLField(help_text="The interaction page for a browser.")

    class Meta:
        ref_name = "Candidate"


def language_field() -> serializers.CharField:
    """The language of customer text, as the X-Platform gave it."""
    return serializers.CharField(
        allow_blank=True,
        help_text="The language of this text as the X-Platform gave it (a "
        "BCP 47 tag such as he or en-us); empty when it did not say.",
    )


class AnswerSerializer(serializers.Serializer[Any]):
    page_title = serializers.CharField(allow_blank=True)
    time = serializers.DateTimeField(allow_null=True)
    question = serializers.CharField(allow_blank=True)
    answer = serializers.CharField(allow_blank=True)
    header = serializers.CharField(allow_blank=True)
    footer = serializers.CharField(allow_blank=True)
    changed = serializers.BooleanField(
        help_text="Answered again after going back, differently; only the "
        "final answer is listed."
    )
    before = serializers.CharField(
        allow_blank=True,
        help_text="When changed: the answer it replaced (empty: none was given).",
    )
    language = language_field()

    class Meta:
        ref_name = "Answer"


class OptionSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    selected = serializers.BooleanField()

    class Meta:
        ref_name = "Option"


class TableColumnSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(allow_blank=True)
    header = serializers.CharField(allow_blank=True)

    class Meta:
        ref_name = "TableColumn"


class TableSerializer(serializers.Serializer[Any]):
    columns = TableColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True))
    )

    class Meta:
        ref_name = "Table"


class SectionSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    header = serializers.CharField(allow_blank=True)
    footer = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(
        choices=["input", "choice", "table", "photos", "display"]
    )
    answers = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        help_text="Typed inputs (kind input).",
    )
    options = OptionSerializer(many=True, help_text="Offered choices (kind choice).")
    multiple = serializers.BooleanField()
    table = TableSerializer(allow_null=True, help_text="Collection (kind table).")
    photo_keys = serializers.ListField(
        child=serializers.CharField(),
        help_text="Keys of the photos list (kind photos).",
    )
    changed = serializers.BooleanField(
        help_text="On a page reached again by going back: answered differently "
        "than on the visit before."
    )
    before = serializers.CharField(
        allow_blank=True,
        help_text="When changed: the answer on the visit before (empty: none).",
    )
    changed_at = serializers.IntegerField(
        help_text="The step where this answer was changed later (0: it was not)."
    )

    class Meta:
        ref_name = "Section"


class StepSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    time = serializers.DateTimeField(allow_null=True)
    spent_seconds = serializers.FloatField(
        allow_null=True, help_text="Time spent on this page, when known."
    )
    is_revisit = serializers.BooleanField(help_text="Reached again by going back.")
    revisit_of = serializers.IntegerField(
        allow_null=True, help_text="Number of the step first showing this page."
    )
    is_last = serializers.BooleanField(help_text="The last page reached.")
    header = serializers.CharField(allow_blank=True)
    footer = serializers.CharField(allow_blank=True)
    sections = SectionSerializer(many=True)
    language = language_field()

    class Meta:
        ref_name = "Step"


class StopPointSerializer(serializers.Serializer[Any]):
    """Where the customer stopped: the last step reached and the last answer."""

    step_number = serializers.IntegerField(
        help_text="The step's number; 0 when the steps could not be read."
    )
    step_title = serializers.CharField(allow_blank=True)
    question = serializers.CharField(
        allow_blank=True, help_text="The question of the last answer."
    )
    answer = serializers.CharField(
        allow_blank=True,
        help_text="The last answer: on that step if it asked something, "
        "else the one before.",
    )
    language = language_field()

    class Meta:
        ref_name = "StopPoint"


class CustomerSerializer(serializers.Serializer[Any]):
    """Who the customer is, read from an interaction page (``source="*"``)."""

    name = serializers.CharField(
        source="customer_name",
        allow_blank=True,
        help_text="The values of the account's customer name variables.",
    )
    id = serializers.CharField(
        source="customer_id",
        allow_blank=True,
        help_text="The first set of the account's customer ID variables.",
    )

    class Meta:
        ref_name = "Customer"


class VariableSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_blank=True)
    value = serializers.CharField(allow_blank=True)
    is_set = serializers.BooleanField()
    is_structured = serializers.BooleanField()
    label = serializers.CharField(  # type: ignore[assignment]
        source="shown_label",
        help_text="A readable name: the account admin's label, or one read "
        "from the variable's name.",
    )

    class Meta:
        ref_name = "Variable"


class StaleSerializer(serializers.Serializer[Any]):
    """A part given from its last good copy because reading it again failed."""

    since = serializers.DateTimeField(help_text="When the copy was read.")
    message = serializers.CharField(help_text="Why it could not be read again.")

    class Meta:
        ref_name = "Stale"


class VariableSetSerializer(serializers.Serializer[Any]):
    set_id = serializers.CharField()
    rows = VariableSerializer(many=True)
    not_found = serializers.BooleanField()
    error = PartErrorSerializer(
        allow_null=True, help_text="Set when this set failed upstream."
    )
    stale = StaleSerializer(
        allow_null=True,
        help_text="Set when the rows are the last good copy: reading failed.",
    )

    class Meta:
        ref_name = "VariableSet"


class PhotoSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    file_name = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    step_number = serializers.IntegerField()
    step_title = serializers.CharField(allow_blank=True)
    time = serializers.DateTimeField(allow_null=True)
    rejected = serializers.BooleanField(
        help_text="The upstream gave an unusable location; the photo cannot be shown."
    )
    thumbnail_url = serializers.URLField(
        source="thumb_url", help_text="JPEG thumbnail (API)."
    )
    full_url = serializers.URLField(help_text="JPEG full view (API).")
    language = language_field()

    class Meta:
        ref_name = "Photo"


class PartErrorsSerializer(serializers.Serializer[Any]):
    summary = PartErrorSerializer(
        allow_null=True, help_text="Why the answers are missing, if they are."
    )
    flow = PartErrorSerializer(
        allow_null=True, help_text="Why the steps and photos are missing, if they are."
    )

    class Meta:
        ref_name = "PartErrors"


class PartsStaleSerializer(serializers.Serializer[Any]):
    summary = StaleSerializer(
        source="answers_stale",
        allow_null=True,
        help_text="Set when the answers are the last good copy.",
    )
    flow = StaleSerializer(
        source="flow_stale",
        allow_null=True,
        help_text="Set when the steps and photos are the last good copy.",
    )

    class Meta:
        ref_name = "PartsStale"


class OptionalURLField(serializers.URLField):
    """A URL, or null where there is none (an empty string in the page)."""

    def to_representation(self, value: Any) -> str | None:  # type: ignore[override]
        # DRF's stub says str; a null URL is what the schema documents.
        return str(value) if value else None


class SnapshotPhotoSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    step_number = serializers.IntegerField()
    file_name = serializers.CharField(allow_blank=True)
    time = serializers.DateTimeField(allow_null=True)
    rejected = serializers.BooleanField()
    thumbnail_url = OptionalURLField(
        source="thumb_url",
        allow_null=True,
        help_text="The stored thumbnail (API); null when none was kept.",
    )

    class Meta:
        ref_name = "SnapshotPhoto"
