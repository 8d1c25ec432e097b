"""interactions.preferences: one row per person, Auto without one."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from interactions import permission_cache
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


# --- kept in the shared cache, read with the permissions ------------------------


def _next_request(user: User) -> User:
    """The user as the next request has them: primed from the cache."""
    again = User.objects.get(pk=user.pk)
    permission_cache.prime(again)
    return again


def _theme_queries(user: User) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        theme = theme_of(user)
    return theme, sum("userpreference" in q["sql"] for q in queries)


def test_the_next_request_reads_no_preference_row(agent, settings):
    settings.XPC_PERMISSION_CACHE_SECONDS = 300
    theme_set(user=agent, theme=Theme.DARK)
    assert _theme_queries(_next_request(agent)) == (Theme.DARK, 0)
    UserPreference.objects.all().delete()  # kept: a default is kept as well
    assert _theme_queries(_next_request(agent)) == (Theme.DARK, 0)


def test_a_default_is_kept_and_a_choice_counts_at_the_next_request(agent, settings):
    settings.XPC_PERMISSION_CACHE_SECONDS = 300
    assert _theme_queries(_next_request(agent)) == (Theme.AUTO, 1)
    assert _theme_queries(_next_request(agent)) == (Theme.AUTO, 0)
    theme_set(user=agent, theme=Theme.LIGHT)
    assert _theme_queries(_next_request(agent)) == (Theme.LIGHT, 0)


def test_a_reader_never_overwrites_a_choice_kept_meanwhile(agent, settings):
    """A request that read the old row while the choice was being made keeps
    its answer for itself only (add, not set)."""
    settings.XPC_PERMISSION_CACHE_SECONDS = 300
    reader = _next_request(agent)  # nothing kept yet
    theme_set(user=agent, theme=Theme.DARK)
    with mock.patch.object(
        UserPreference.objects, "filter", return_value=UserPreference.objects.none()
    ):
        assert theme_of(reader) == Theme.AUTO  # the old row, for itself
    assert theme_of(_next_request(agent)) == Theme.DARK


def test_off_means_the_row_is_read_every_time(agent, settings):
    settings.XPC_PERMISSION_CACHE_SECONDS = 0
    theme_set(user=agent, theme=Theme.DARK)
    assert _theme_queries(_next_request(agent)) == (Theme.DARK, 1)
    assert _theme_queries(_next_request(agent)) == (Theme.DARK, 1)
