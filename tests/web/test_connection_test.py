"""'Test connection' from the admin and the command line, against the simulator."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from interactions.models import XPlatformAccount
from interactions.simulator import data

ACME = data.DEMO_ACCOUNTS[0]


@pytest.fixture
def sim_account(simulator, admin_user):
    account = XPlatformAccount.objects.create(
        name="Acme (simulator)",
        slug="sim-acme",
        base_url=simulator.base_url,
        account_id=ACME.account_id,
        application_key=ACME.application_key,
    )
    account.assignments.create(user=admin_user)
    return account


def _run_action(client: Client, account: XPlatformAccount) -> list[str]:
    url = reverse("admin:interactions_xplatformaccount_changelist")
    response = client.post(
        url,
        {"action": "test_connection", "_selected_action": [account.pk]},
        follow=True,
    )
    return [str(m) for m in response.context["messages"]]


def test_admin_action_reports_success(console_admin_client, sim_account):
    messages = _run_action(console_admin_client, sim_account)
    assert messages == [
        "Acme (simulator): Connected: the X-Platform server accepted the credentials."
    ]


def test_admin_action_reports_bad_credentials(console_admin_client, sim_account):
    sim_account.application_key = "not-the-key"
    sim_account.save()
    (message,) = _run_action(console_admin_client, sim_account)
    assert "rejected the stored credentials" in message


def test_admin_action_reports_wrong_version(console_admin_client, sim_account):
    sim_account.api_version = "7"
    sim_account.save()
    (message,) = _run_action(console_admin_client, sim_account)
    assert "API version" in message


def test_admin_action_reports_unreachable(console_admin_client, sim_account, simulator):
    simulator.server.shutdown()
    (message,) = _run_action(console_admin_client, sim_account)
    assert "could not be reached" in message


def test_wrong_field_key_fails_closed_with_no_request(
    console_admin_client, sim_account, simulator, settings
):
    from cryptography.fernet import Fernet

    settings.XPC_FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    (message,) = _run_action(console_admin_client, sim_account)
    assert "Credentials unavailable" in message
    assert simulator.hits == []


def test_command_reports_success_and_failure(sim_account):
    out = io.StringIO()
    call_command("xpc_account", "test", "sim-acme", stdout=out)
    assert "sim-acme: Connected" in out.getvalue()
    sim_account.application_key = "not-the-key"
    sim_account.save()
    with pytest.raises(CommandError, match="rejected the stored credentials"):
        call_command("xpc_account", "test", "sim-acme", stdout=io.StringIO())
