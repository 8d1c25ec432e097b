"""xpc_user: users with a role and accounts, password kept off argv."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.support.console import PASSWORD

STRONG = "a-long-and-unusual-passphrase-9"


def run(monkeypatch: pytest.MonkeyPatch, *args: str, stdin_text: str = "") -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin_text))
    out = io.StringIO()
    call_command("xpc_user", *args, stdout=out)
    return out.getvalue()


def test_creates_an_agent_with_accounts(monkeypatch, acme, globex):
    output = run(
        monkeypatch,
        "bob",
        "--role",
        "agent",
        "--accounts",
        "acme,globex",
        stdin_text=STRONG + "\n",
    )
    assert "Created user bob (agent; accounts: acme, globex)." in output
    user = User.objects.get(username="bob")
    assert user.check_password(STRONG)
    assert user.has_perm("interactions.view_interaction") is True
    assert user.has_perm("interactions.view_team_history") is False
    assert user.is_staff is False


def test_admin_role_grants_staff(monkeypatch, acme):
    monkeypatch.setenv("XPC_USER_PASSWORD", STRONG)
    run(monkeypatch, "carol", "--role", "admin", "--accounts", "acme")
    user = User.objects.get(username="carol")
    assert user.is_staff is True
    assert user.has_perm("interactions.manage_platform_account") is True


def test_update_changes_role_and_replaces_accounts(monkeypatch, agent, globex):
    run(monkeypatch, agent.username, "--role", "supervisor", "--accounts", "globex")
    user = User.objects.get(pk=agent.pk)
    assert [g.name for g in user.groups.all()] == ["supervisor"]
    assert [a.account.slug for a in user.account_assignments.all()] == ["globex"]
    assert user.check_password(PASSWORD)


def test_weak_password_is_refused(monkeypatch, acme):
    with pytest.raises(CommandError, match=r"too short|too common|entirely numeric"):
        run(monkeypatch, "dave", "--role", "agent", stdin_text="12345\n")
    assert not User.objects.filter(username="dave").exists()


def test_new_user_needs_a_role(monkeypatch, db):
    with pytest.raises(CommandError, match="needs --role"):
        run(monkeypatch, "erin", stdin_text=STRONG + "\n")


def test_unknown_account_is_refused(monkeypatch, db):
    with pytest.raises(CommandError, match="No account with slug nowhere"):
        run(
            monkeypatch,
            "frank",
            "--role",
            "agent",
            "--accounts",
            "nowhere",
            stdin_text=STRONG + "\n",
        )
    assert not User.objects.filter(username="frank").exists()


def test_unknown_role_is_refused(monkeypatch, db):
    with pytest.raises(CommandError, match="invalid choice"):
        run(monkeypatch, "gina", "--role", "overlord", stdin_text=STRONG + "\n")


def test_new_passwords_are_hashed_with_argon2(monkeypatch, settings, db):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    run(monkeypatch, "hank", "--role", "agent", stdin_text=STRONG + "\n")
    assert User.objects.get(username="hank").password.startswith("argon2$")
