"""The group mapping in the admin: superusers edit all, tenant admins their own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from interactions.identity.models import SsoGroupMapping
from interactions.models import XPlatformAccount
from tests.support.console import logged_in_verified

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:identity_ssogroupmapping_changelist"
ADD = "admin:identity_ssogroupmapping_add"


def _mapping(value: str, role: str, *accounts: XPlatformAccount) -> SsoGroupMapping:
    mapping = SsoGroupMapping.objects.create(claim_value=value, role=role)
    mapping.accounts.set(accounts)
    return mapping


def test_a_superuser_sees_and_edits_every_mapping(home, away):
    root = User.objects.create_superuser("root", "root@example.com", "x" * 20)
    client = logged_in_verified(root)  # with his second factor (R-AC-08)
    _mapping("everyone-agents", "agent")
    _mapping("away-team", "supervisor", away)
    body = client.get(reverse(CHANGELIST)).content.decode()
    assert "everyone-agents" in body
    assert "away-team" in body
    response = client.post(
        reverse(ADD), {"claim_value": "new-admins", "role": "admin", "accounts": []}
    )
    assert response.status_code == 302
    assert SsoGroupMapping.objects.filter(claim_value="new-admins").exists()


def test_a_tenant_admin_sees_only_mappings_of_their_own_accounts(
    console_admin_client, home, away
):
    _mapping("acme-team", "agent", home)
    _mapping("globex-team", "agent", away)
    _mapping("shared-team", "agent", home, away)
    _mapping("everyone-agents", "agent")
    body = console_admin_client.get(reverse(CHANGELIST)).content.decode()
    assert "acme-team" in body
    assert "globex-team" not in body
    assert "shared-team" not in body
    assert "everyone-agents" not in body


def test_a_tenant_admin_can_map_a_group_to_their_own_account(
    console_admin_client, home
):
    response = console_admin_client.post(
        reverse(ADD),
        {"claim_value": "acme-new", "role": "supervisor", "accounts": [home.pk]},
    )
    assert response.status_code == 302
    mapping = SsoGroupMapping.objects.get(claim_value="acme-new")
    assert list(mapping.accounts.all()) == [home]


@pytest.mark.parametrize("accounts", ["away", "none"])
def test_a_tenant_admin_cannot_map_to_other_or_no_accounts(
    console_admin_client, home, away, accounts
):
    chosen = {"away": [away.pk], "none": []}[accounts]
    response = console_admin_client.post(
        reverse(ADD), {"claim_value": "grab", "role": "agent", "accounts": chosen}
    )
    assert response.status_code == 200  # the form again, with the error
    assert not SsoGroupMapping.objects.filter(claim_value="grab").exists()


def test_an_agent_cannot_open_the_mapping_admin(agent_client):
    response = agent_client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
