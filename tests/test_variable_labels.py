"""Readable variable labels: the admins' lines and the names read as words
(interactions.variable_labels)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from interactions.variable_labels import (
    normalise_labels,
    parse_labels,
    readable_name,
    validate_variable_labels,
)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("callbackRequested", "Callback requested"),
        ("callback_requested", "Callback requested"),
        ("CallbackRequested", "Callback requested"),
        ("customerId", "Customer ID"),
        ("customerID", "Customer ID"),
        ("HTMLPageTitle", "HTML page title"),
        ("line2Status", "Line 2 status"),
        ("wi-fi-name", "Wi fi name"),
        ("language", "Language"),
        ("___", "___"),
    ],
)
def test_names_read_as_words(name, label) -> None:
    assert readable_name(name) == label


def test_labels_are_read_by_case_folded_name_first_one_wins() -> None:
    text = "callbackRequested = Wants a call\nnot a label line\nCALLBACKREQUESTED = x"
    assert parse_labels(text) == {"callbackrequested": "Wants a call"}


def test_empty_labels_are_no_labels() -> None:
    assert parse_labels("agentSkill =   ") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agentSkill", "Line 1: write"),
        ("agentSkill = ok\nbad name = x", "Line 2: write"),
        ("agentSkill =", "Line 1: write"),
        ("agentSkill = " + "x" * 101, "Line 1: keep the label under 100"),
        ("a = b\n\nA = c", "Line 2: this variable already has a label"),
    ],
)
def test_invalid_lines_are_refused_by_number(text, message) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_variable_labels(text)


def test_valid_labels_pass_and_are_tidied() -> None:
    text = "  agentSkill=Skill group \n\n priority =  Urgency"
    validate_variable_labels(text)
    assert normalise_labels(text) == "agentSkill = Skill group\npriority = Urgency"
