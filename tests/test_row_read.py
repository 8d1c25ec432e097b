"""One row and the row its key points to, in one plain statement
(interactions/row_read.py): the instances the ORM builds, in one query."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.forms.models import model_to_dict

from interactions import row_read
from interactions.identity.models import ApiToken, token_digest


def _fields(instance) -> dict[str, object]:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
    }


def test_the_rows_are_the_ones_the_orm_reads(
    agent, admin_user, django_assert_num_queries
):
    row, key = ApiToken.objects.issue(user=agent, name="CTI", created_by=admin_user)
    ApiToken.objects.filter(pk=row.pk).update(revoked_by=admin_user)
    expected = ApiToken.objects.select_related("user").get(pk=row.pk)
    with django_assert_num_queries(1):
        token = row_read.get_one(ApiToken, "digest", token_digest(key), related="user")
        assert token is not None
        user = token.user  # read with the token, not asked for again
    assert _fields(token) == _fields(expected)
    assert _fields(user) == _fields(expected.user)
    # Dates come back as the ORM gives them (SQLite sends text).
    assert isinstance(token.created_at, datetime)
    assert token.created_at.tzinfo is not None
    assert isinstance(user.is_active, bool)
    assert not token._state.adding
    assert token._state.db == user._state.db == "default"
    # A full instance: saving it writes what was read.
    token.name = "CTI renamed"
    token.save(update_fields=["name"])
    assert ApiToken.objects.get(pk=row.pk).name == "CTI renamed"


def test_without_a_relation_one_model_is_read(agent, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = row_read.get_one(User, "pk", str(agent.pk))
    assert user == agent
    assert model_to_dict(user) == model_to_dict(agent)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["", "nothing", "x' OR '1'='1", '"; DROP TABLE x; --']
)
def test_no_row_is_none_and_the_value_is_only_a_parameter(value):
    assert row_read.get_one(ApiToken, "digest", value, related="user") is None
    assert row_read.get_one(User, "username", value) is None


def test_only_what_one_plain_statement_reads_as_the_orm_does():
    with pytest.raises(ValueError, match="not NULL"):
        row_read.get_one(ApiToken, "digest", None)


def test_only_a_unique_field_and_a_required_key():
    with pytest.raises(ValueError, match="not a unique field"):
        row_read.get_one(ApiToken, "name", "CTI")
    with pytest.raises(ValueError, match="not a required key"):
        row_read.get_one(ApiToken, "digest", "x", related="created_by")
