"""The admin's wording (issue 14): no typo in the access log's plural, and
the account page names the application key once."""

from __future__ import annotations

from django.urls import reverse


def test_the_access_log_is_called_interaction_accesses(console_admin_client):
    body = console_admin_client.get(reverse("admin:index")).content.decode()
    assert "Interaction accesses" in body
    assert "accesss" not in body


def test_the_account_page_says_application_key_once(console_admin_client, acme):
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    body = console_admin_client.get(url).content.decode()
    assert body.count("Application key:") == 1
    assert "New application key:" in body
