"""xpc_account: scriptable account management with the key kept off argv."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interactions.models import XPlatformAccount

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str,
    stdin_text: str = "",
    env: dict[str, str] | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> str:
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin_text))
    call_command("xpc_account", *args, stdout=out)
    return out.getvalue()


def test_create_reads_the_key_from_stdin(db, monkeypatch):
    output = run(
        "create",
        "initech",
        "--name",
        "Initech",
        "--base-url",
        "https://initech.gointeract.io",
        "--account-id",
        "initech01",
        "--variable-sets",
        "customerInfoSet, routingDataSet",
        stdin_text="initech-secret-key\n",
        monkeypatch=monkeypatch,
    )
    assert "Created account initech (Initech)." in output
    account = XPlatformAccount.objects.get(slug="initech")
    assert account.application_key.reveal() == "initech-secret-key"
    assert account.api_version == "2"
    assert account.variable_sets == "customerInfoSet,routingDataSet"


def test_create_reads_the_key_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("XPC_APPLICATION_KEY", "env-secret-key")
    run(
        "create",
        "envco",
        "--name",
        "EnvCo",
        "--base-url",
        "https://envco.gointeract.io",
        "--account-id",
        "env1",
        monkeypatch=monkeypatch,
    )
    assert XPlatformAccount.objects.get(slug="envco").application_key.reveal() == (
        "env-secret-key"
    )


def test_create_without_a_key_is_refused(db, monkeypatch):
    monkeypatch.delenv("XPC_APPLICATION_KEY", raising=False)
    with pytest.raises(CommandError, match="No application key given"):
        run(
            "create",
            "nokey",
            "--name",
            "NoKey",
            "--base-url",
            "https://nokey.gointeract.io",
            "--account-id",
            "n1",
            monkeypatch=monkeypatch,
        )
    assert not XPlatformAccount.objects.filter(slug="nokey").exists()


def test_create_with_a_bad_base_url_is_refused_in_one_line(db, monkeypatch):
    with pytest.raises(CommandError) as excinfo:
        run(
            "create",
            "bad",
            "--name",
            "Bad",
            "--base-url",
            "http://169.254.169.254",
            "--account-id",
            "b1",
            stdin_text="k\n",
            monkeypatch=monkeypatch,
        )
    assert "base_url" in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_update_keeps_the_key_unless_asked(acme, monkeypatch):
    run("update", "acme", "--time-zone", "Europe/London", monkeypatch=monkeypatch)
    account = XPlatformAccount.objects.get(slug="acme")
    assert account.time_zone == "Europe/London"
    assert account.application_key.reveal() == "acme-application-key-1234567890"
    run(
        "update",
        "acme",
        "--new-key",
        stdin_text="rotated-key\n",
        monkeypatch=monkeypatch,
    )
    assert XPlatformAccount.objects.get(slug="acme").application_key.reveal() == (
        "rotated-key"
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--base-url", "https://elsewhere.gointeract.io"),
        ("--account-id", "someone-else"),
        ("--environment-name", "STAGING"),
    ],
)
def test_moving_the_key_needs_the_key_again(acme, monkeypatch, option, value):
    """The admin form's rule (R-SEC-06): the stored key never follows a new
    server, tenant or environment unless it is given again."""
    with pytest.raises(CommandError, match="needs the application key again"):
        run("update", "acme", option, value, monkeypatch=monkeypatch)
    account = XPlatformAccount.objects.get(slug="acme")
    assert (account.base_url, account.account_id, account.environment_name) == (
        "https://acme.gointeract.io",
        "12345678",
        "",
    )
    run(
        "update",
        "acme",
        option,
        value,
        "--new-key",
        stdin_text="key-for-the-new-place\n",
        monkeypatch=monkeypatch,
    )
    account = XPlatformAccount.objects.get(slug="acme")
    assert value in (account.base_url, account.account_id, account.environment_name)
    assert account.application_key.reveal() == "key-for-the-new-place"


def test_same_base_url_written_differently_needs_no_key(acme, monkeypatch):
    run(
        "update",
        "acme",
        "--base-url",
        "https://ACME.gointeract.io/",
        monkeypatch=monkeypatch,
    )
    assert XPlatformAccount.objects.get(slug="acme").base_url == (
        "https://acme.gointeract.io"
    )


def test_list_never_prints_the_key(acme, globex):
    output = run("list")
    assert "acme\tAcme Insurance" in output
    assert "globex\tGlobex Telecom" in output
    assert "key set" in output
    assert "acme-application-key" not in output
    assert "gAAAA" not in output


def test_delete_removes_the_account(acme):
    assert "Deleted account acme." in run("delete", "acme")
    assert not XPlatformAccount.objects.filter(slug="acme").exists()


def test_unknown_slug_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No account with slug 'ghost'"):
        run("delete", "ghost")


def test_bad_arguments_give_one_line_and_a_non_zero_exit(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SECRET_KEY": "x" * 60,
        "XPC_FIELD_ENCRYPTION_KEYS": "fEssFPx5zPrHh1HCDvCeOLaIEtT___wiXbMsDnPK8m0=",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "xpc_account", "create", "x", "--bogus"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "--bogus" in lines[0] or "required" in lines[0]
