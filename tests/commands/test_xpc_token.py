"""xpc_token: tokens made, listed and revoked from a script; the token is
printed once and never listed (docs/security.md, R-AC-07)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from freezegun import freeze_time

from interactions.identity.models import ApiToken, token_digest

TOKEN = re.compile(r"xpc_[a-z0-9]{8}_[A-Za-z0-9]{40}")


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("xpc_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_alone_once_and_it_works(supervisor):
    out, err = run("create", "--user", "sam", "--name", "CTI", "--days", "30")
    plaintext = out.strip()
    assert TOKEN.fullmatch(plaintext)
    assert "shown only this once" in err
    token = ApiToken.objects.get()
    assert (token.expires_at - token.created_at) == timedelta(days=30)
    assert token.digest == token_digest(plaintext)
    assert (token.user, token.name) == (supervisor, "CTI")
    api = Client(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api.get("/api/v1/history").status_code == 200


def test_create_states_the_expiry_date(supervisor):
    with freeze_time("2026-05-04 10:00:00"):
        _, err = run("create", "--user", "sam", "--name", "CTI", "--days", "30")
    assert "valid until 2026-06-03 10:00" in err


def test_list_shows_prefixes_never_tokens_or_digests(agent, supervisor):
    mine, plaintext = ApiToken.objects.issue(user=agent, name="CTI Genesys prod")
    revoked, _ = ApiToken.objects.issue(user=supervisor, name="old CRM")
    revoked.revoke()
    out, _ = run("list")
    assert f"xpc_{mine.prefix}  agnes  active" in out
    assert "CTI Genesys prod" in out
    assert revoked.prefix not in out  # only usable tokens by default
    assert plaintext not in out
    assert mine.digest not in out
    everything, _ = run("list", "--all")
    assert f"xpc_{revoked.prefix}  sam  revoked" in everything


def test_revoke_by_prefix(agent):
    token, plaintext = ApiToken.objects.issue(user=agent, name="CTI")
    other, _ = ApiToken.objects.issue(user=agent, name="CRM")
    out, _ = run("revoke", "--prefix", f"xpc_{token.prefix}")
    assert out.strip() == "Revoked 1 API token."
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.state() == "revoked"
    assert other.state() == "active"
    api = Client(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api.get("/api/v1/lookup").status_code == 401


def test_revoke_by_user_revokes_all_their_tokens(agent, supervisor):
    ApiToken.objects.issue(user=agent, name="CTI")
    ApiToken.objects.issue(user=agent, name="CRM")
    keep, _ = ApiToken.objects.issue(user=supervisor, name="CTI")
    out, _ = run("revoke", "--user", "agnes")
    assert out.strip() == "Revoked 2 API tokens."
    assert set(ApiToken.objects.usable()) == {keep}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("create", "--user", "nobody-here", "--name", "x"),
            "No user named nobody-here.",
        ),
        (
            ("create", "--user", "agnes", "--name", "x", "--days", "9999"),
            "between 1 and",
        ),
        (("revoke", "--prefix", "xpc_zzzzzzzz"), "No API token with the prefix"),
    ],
)
def test_bad_input_is_a_plain_error(agent, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ApiToken.objects.usable().exists()


def test_no_token_for_a_deactivated_user(agent):
    agent.is_active = False
    agent.save()
    with pytest.raises(CommandError, match="deactivated"):
        run("create", "--user", "agnes", "--name", "x")
