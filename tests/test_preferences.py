"""interactions.preferences: one row per person, Auto without one."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError

from interactions.preferences import Theme, UserPreference, theme_of, theme_set


def test_auto_for_anyone_signed_out(db):
    assert theme_of(AnonymousUser()) == Theme.AUTO


def test_auto_until_a_choice(agent):
    assert theme_of(agent) == Theme.AUTO


def test_a_second_choice_replaces_the_first(agent):
    theme_set(user=agent, theme=Theme.DARK)
    theme_set(user=agent, theme=Theme.LIGHT)
    assert theme_of(agent) == Theme.LIGHT
    assert UserPreference.objects.filter(user=agent).count() == 1


def test_a_database_outage_falls_back_to_auto(agent):
    theme_set(user=agent, theme=Theme.DARK)
    with mock.patch.object(
        UserPreference.objects, "filter", side_effect=DatabaseError("down")
    ):
        assert theme_of(agent) == Theme.AUTO
