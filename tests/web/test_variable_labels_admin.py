"""Variable labels in the Django admin: an account's admins write them on the
account page, and only on the accounts they hold (R-AC-06)."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse

from interactions.models import XPlatformAccount
from tests.web.test_tenant_admin import form_data


def _url(account: XPlatformAccount) -> str:
    return reverse("admin:interactions_xplatformaccount_change", args=[account.pk])


def test_account_page_offers_the_labels(console_admin_client, home):
    body = console_admin_client.get(_url(home)).content.decode()
    assert 'name="variable_labels"' in body
    assert "callbackRequested = Callback requested" in body  # the help text


def test_admin_saves_labels_of_her_account_tidied(console_admin_client, home):
    data = form_data(console_admin_client, _url(home))
    data["variable_labels"] = (
        "callbackRequested=Callback requested\n\n  agentSkill =   Skill group  "
    )
    assert console_admin_client.post(_url(home), data).status_code == 302
    home.refresh_from_db()
    assert home.variable_labels == (
        "callbackRequested = Callback requested\nagentSkill = Skill group"
    )
    assert home.variable_label_map() == {
        "callbackrequested": "Callback requested",
        "agentskill": "Skill group",
    }


def test_lines_that_are_not_labels_are_refused_with_their_number(
    console_admin_client, home
):
    data = form_data(console_admin_client, _url(home))
    data["variable_labels"] = "agentSkill = Skill\ncallbackRequested"
    response = console_admin_client.post(_url(home), data)
    assert response.status_code == 200
    assert "Line 2: write" in response.content.decode()
    home.refresh_from_db()
    assert home.variable_labels == ""


def test_a_name_labelled_twice_is_refused(console_admin_client, home):
    data = form_data(console_admin_client, _url(home))
    data["variable_labels"] = "agentSkill = Skill\nAGENTSKILL = Other"
    response = console_admin_client.post(_url(home), data)
    assert "Line 2: this variable already has a label." in response.content.decode()


def test_labels_of_another_tenants_account_are_not_hers(
    console_admin_client, home, away
):
    # Ada holds home only: away's page is "not found", and a post to it
    # changes nothing.
    response = console_admin_client.get(_url(away))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    data = form_data(console_admin_client, _url(home))
    data["variable_labels"] = "agentSkill = Taken over"
    response = console_admin_client.post(_url(away), data)
    assert response.status_code == 302
    away.refresh_from_db()
    assert away.variable_labels == ""
    assert away.name == "Globex Telecom"


def test_label_changes_are_audited_on_the_account(console_admin_client, home):
    data = form_data(console_admin_client, _url(home))
    data["variable_labels"] = "agentSkill = Skill group"
    console_admin_client.post(_url(home), data)
    entry = LogEntry.objects.get_for_object(home).latest("timestamp")
    assert "variable_labels" in entry.changes_dict
