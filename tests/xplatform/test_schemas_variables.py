"""Parser of user variable sets (docs/xplatform-api.md 5.4, decision h)."""

from __future__ import annotations

import json

import pytest

from interactions.xplatform.errors import XPlatformResponseError
from interactions.xplatform.schemas import VariableSet
from tests.xplatform.schema_samples import VARIABLE_SET

# --- variable sets (decision h) ---


def test_reads_documented_variable_set_in_order():
    result = VariableSet.from_json(VARIABLE_SET, "customerInfoSet")
    assert result.set_id == "customerInfoSet"
    assert result.channel == "voice"
    assert [v.name for v in result.values] == list(VARIABLE_SET["voice"]["data"])
    skill = next(v for v in result.values if v.name == "agentSkill")
    assert (skill.value, skill.is_set) == ("", False)
    first = next(v for v in result.values if v.name == "firstName")
    assert (first.value, first.is_set, first.is_structured) == ("Jane", True, False)


def test_reads_data_wrapper_without_channel():
    result = VariableSet.from_json({"data": {"a": "1"}}, "s")
    assert result.channel is None
    assert [(v.name, v.value) for v in result.values] == [("a", "1")]


def test_reads_flat_variable_set():
    result = VariableSet.from_json({"a": 1, "b": True, "c": None}, "s")
    assert [(v.name, v.value, v.is_set) for v in result.values] == [
        ("a", "1", True),
        ("b", "true", True),
        ("c", "", False),
    ]


def test_nested_values_are_formatted_json():
    result = VariableSet.from_json({"data": {"orders": [{"id": 1}]}}, "s")
    (value,) = result.values
    assert value.is_structured is True
    assert json.loads(value.value) == [{"id": 1}]
    assert "\n" in value.value


def test_variable_set_must_be_an_object():
    with pytest.raises(XPlatformResponseError):
        VariableSet.from_json(["a"], "s")
