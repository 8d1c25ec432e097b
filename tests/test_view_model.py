"""TemplateLookup: the page's view models answer the template engine's
dictionary lookup with their attributes, and nothing else changes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.template import engines

from interactions.presenters import InteractionPage, Step
from interactions.view_model import TemplateLookup


@dataclass(frozen=True)
class Row(TemplateLookup):
    title: str
    _hidden: str = "secret"

    @property
    def shout(self) -> str:
        return self.title.upper()

    def words(self) -> int:
        return len(self.title.split())


@dataclass(frozen=True)
class PlainRow:
    """The same without TemplateLookup, as the engine read it before."""

    title: str

    @property
    def shout(self) -> str:
        return self.title.upper()

    def words(self) -> int:
        return len(self.title.split())


def test_a_name_is_the_attribute_and_anything_else_a_key_error():
    row = Row("first name")
    assert row["title"] == "first name"
    assert row["shout"] == "FIRST NAME"
    for missing in ("nothing", "_hidden", "__class__", 0):
        with pytest.raises(KeyError):
            row[missing]


def test_it_is_not_a_sequence():
    row = Row("first name")
    with pytest.raises(TypeError):
        iter(row)
    with pytest.raises(TypeError):
        "title" in row  # type: ignore[operator]  # noqa: B015


def test_templates_read_it_as_before():
    template = engines["django"].from_string(
        "{{ row.title }}|{{ row.shout }}|{{ row.words }}|{{ row.nothing }}"
        "|{{ row.0 }}|{% if row.title %}yes{% endif %}"
    )
    expected = "first name|FIRST NAME|2|||yes"
    assert template.render({"row": Row("first name")}) == expected
    assert template.render({"row": PlainRow("first name")}) == expected


def test_the_page_models_use_it():
    assert issubclass(InteractionPage, TemplateLookup)
    assert issubclass(Step, TemplateLookup)
    # No state of its own: what pickles and compares is the dataclass's.
    assert TemplateLookup.__slots__ == ()
