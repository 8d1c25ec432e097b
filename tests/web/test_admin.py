"""The admin never shows the application key and audits every change."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from interactions.models import XPlatformAccount
from interactions.xplatform.breaker import breaker_for, clear_breakers
from interactions.xplatform.config import CallPolicy
from interactions.xplatform.errors import XPlatformUnavailable
from tests.conftest import KEY_ACME

CHANGE_FIELDS = {
    "name": "Acme Insurance",
    "slug": "acme",
    "base_url": "https://acme.gointeract.io",
    "api_version": "2",
    "account_id": "12345678",
    "environment_name": "",
    "variable_sets": "customerInfoSet",
    "photo_max_size": "1600",
    "time_zone": "America/New_York",
    "is_active": "on",
    "assignments-TOTAL_FORMS": "0",
    "assignments-INITIAL_FORMS": "0",
    "assignments-MIN_NUM_FORMS": "0",
    "assignments-MAX_NUM_FORMS": "1000",
}


def _token(account: XPlatformAccount) -> str:
    token: str = XPlatformAccount.objects.get(pk=account.pk).application_key.token
    return token


def test_change_page_never_contains_the_key_or_its_ciphertext(
    console_admin_client, acme
):
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    body = console_admin_client.get(url).content.decode()
    assert "Acme Insurance" in body
    assert KEY_ACME not in body
    assert _token(acme) not in body
    assert 'type="password"' in body
    assert "set, last changed" in body or ">set<" in body


def test_list_page_never_contains_the_key(console_admin_client, acme):
    body = console_admin_client.get(
        reverse("admin:interactions_xplatformaccount_changelist")
    ).content.decode()
    assert "Acme Insurance" in body
    assert KEY_ACME not in body
    assert _token(acme) not in body


def test_blank_key_on_edit_keeps_the_stored_key(console_admin_client, acme):
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    response = console_admin_client.post(
        url, {**CHANGE_FIELDS, "name": "Acme Insurance Co", "new_application_key": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = XPlatformAccount.objects.get(pk=acme.pk)
    assert account.name == "Acme Insurance Co"
    assert account.application_key.reveal() == KEY_ACME


def test_new_key_is_stored_encrypted_and_recorded_without_the_secret(
    console_admin_client, acme, admin_user
):
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    response = console_admin_client.post(
        url,
        {
            **CHANGE_FIELDS,
            "base_url": "https://eu.gointeract.io",
            "new_application_key": "brand-new-key-555",
        },
    )
    assert response.status_code == 302
    account = XPlatformAccount.objects.get(pk=acme.pk)
    assert account.application_key.reveal() == "brand-new-key-555"
    assert account.application_key_changed_by == admin_user
    entry = LogEntry.objects.get_for_object(account).order_by("-timestamp").first()
    assert entry is not None
    assert entry.actor == admin_user
    changes = entry.changes_dict
    assert changes["base_url"] == [
        "https://acme.gointeract.io",
        "https://eu.gointeract.io",
    ]
    assert "application_key_changed_at" in changes
    serialised = repr(entry.changes) + repr(entry.additional_data)
    assert "brand-new-key-555" not in serialised
    assert KEY_ACME not in serialised
    assert "gAAAA" not in serialised


def test_creating_an_account_requires_a_key(console_admin_client, admin_user):
    response = console_admin_client.post(
        reverse("admin:interactions_xplatformaccount_add"),
        {**CHANGE_FIELDS, "slug": "newco", "name": "NewCo", "new_application_key": ""},
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not XPlatformAccount.objects.filter(slug="newco").exists()


def test_admin_creating_an_account_is_assigned_to_it(console_admin_client, admin_user):
    response = console_admin_client.post(
        reverse("admin:interactions_xplatformaccount_add"),
        {
            **CHANGE_FIELDS,
            "slug": "newco",
            "name": "NewCo",
            "new_application_key": "k-1",
        },
    )
    assert response.status_code == 302
    account = XPlatformAccount.objects.get(slug="newco")
    assert account.assignments.filter(user=admin_user).exists()


def test_admin_form_refuses_a_disallowed_base_url(console_admin_client, acme):
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    response = console_admin_client.post(
        url, {**CHANGE_FIELDS, "base_url": "https://169.254.169.254"}
    )
    assert response.status_code == 200
    assert b"not an IP address" in response.content or b"host name" in response.content
    assert (
        XPlatformAccount.objects.get(pk=acme.pk).base_url
        == "https://acme.gointeract.io"
    )


def test_admin_of_one_account_cannot_see_another(console_admin_client, globex):
    response = console_admin_client.get(
        reverse("admin:interactions_xplatformaccount_change", args=[globex.pk])
    )
    assert response.status_code == 302  # admin redirects a missing object to the index
    body = console_admin_client.get(
        reverse("admin:interactions_xplatformaccount_changelist")
    ).content.decode()
    assert "Globex Telecom" not in body


def test_key_never_reaches_an_error_report(console_admin_client, acme, monkeypatch):
    """A crash while saving must not put the typed key into the error report."""
    import sys

    from django.views.debug import ExceptionReporter

    from interactions.admin import XPlatformAccountAdmin

    reports = []

    def crash(self, request, obj, form, change):
        try:
            raise RuntimeError("simulated failure")
        except RuntimeError:
            reporter = ExceptionReporter(request, *sys.exc_info())
            reports.append(reporter.get_traceback_text())

    monkeypatch.setattr(XPlatformAccountAdmin, "save_model", crash)
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    console_admin_client.post(
        url, {**CHANGE_FIELDS, "new_application_key": "leaky-key-777"}
    )
    assert reports, "save_model was not reached"
    assert "simulated failure" in reports[0]
    assert "leaky-key-777" not in reports[0]


def test_key_that_cannot_be_sent_as_a_header_is_refused(console_admin_client, acme):
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    response = console_admin_client.post(
        url, {**CHANGE_FIELDS, "new_application_key": "key\u00a0with-nbsp"}
    )
    assert response.status_code == 200
    assert b"printable ASCII characters without spaces" in response.content
    assert XPlatformAccount.objects.get(pk=acme.pk).application_key.reveal() == KEY_ACME


def test_admin_cannot_assign_anyone_to_another_tenants_account(
    console_admin_client, admin_user, globex
):
    response = console_admin_client.post(
        reverse("admin:interactions_accountassignment_add"),
        {"user": admin_user.pk, "account": globex.pk},
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not globex.assignments.filter(user=admin_user).exists()


def test_admin_cannot_make_superusers(console_admin_client, agent):
    body = console_admin_client.get(
        reverse("admin:auth_user_change", args=[agent.pk])
    ).content.decode()
    assert 'name="is_superuser"' not in body


@pytest.mark.parametrize(
    ("trusted", "recorded"), [([], "127.0.0.1"), (["127.0.0.1"], "203.0.113.66")]
)
def test_the_audit_log_records_the_client_address_of_client_ip(
    console_admin_client, acme, settings, trusted, recorded
):
    # django-auditlog alone would record any client's X-Forwarded-For.
    settings.XPC_TRUSTED_PROXIES = trusted
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    response = console_admin_client.post(
        url,
        {**CHANGE_FIELDS, "name": "Acme Renamed", "new_application_key": ""},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
        HTTP_X_FORWARDED_PORT="4443",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(acme).order_by("-timestamp").first()
    assert entry is not None
    assert entry.remote_addr == recorded
    assert entry.remote_port == (4443 if trusted else None)


def test_sign_in_apps_have_plain_names_in_the_admin_menu(console_admin_client):
    body = console_admin_client.get("/admin/").content.decode()
    assert "Sign-in lockouts" in body
    assert "Second factor: authenticator apps" in body
    assert ">Axes<" not in body
    assert "Otp_Totp" not in body


def test_change_page_shows_the_breaker_state_of_both_groups(console_admin_client, acme):
    clear_breakers()
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    body = console_admin_client.get(url).content.decode()
    assert "Circuit breakers" in body
    assert "Required parts: closed (calls go through); optional parts: closed" in body
    policy = CallPolicy()
    optional = breaker_for(acme.base_url, acme.account_id, "optional", policy)
    for _ in range(policy.breaker_fail_max):
        optional.record(XPlatformUnavailable(status=503))
    body = console_admin_client.get(url).content.decode()
    clear_breakers()
    assert (
        "Required parts: closed (calls go through); "
        "optional parts: open (calls refused for now)" in body
    )


def test_admin_names_the_customer_variables_of_an_account(console_admin_client, acme):
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    page = console_admin_client.get(url).content.decode()
    assert 'name="customer_name_variables" value="firstName,lastName"' in page
    assert 'name="customer_id_variables" value="customerId"' in page
    response = console_admin_client.post(
        url,
        {
            **CHANGE_FIELDS,
            "customer_name_variables": " lastName , firstName ",
            "customer_id_variables": "policyNumber",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = XPlatformAccount.objects.get(pk=acme.pk)
    assert account.customer_name_variables == "lastName,firstName"
    assert account.customer_id_names() == ["policyNumber"]


def test_admin_refuses_customer_variables_that_are_not_names(
    console_admin_client, acme
):
    url = reverse("admin:interactions_xplatformaccount_change", args=[acme.pk])
    response = console_admin_client.post(
        url, {**CHANGE_FIELDS, "customer_id_variables": "customer id; drop"}
    )
    assert response.status_code == 200
    assert "List variable names separated by commas" in response.content.decode()
    assert (
        XPlatformAccount.objects.get(pk=acme.pk).customer_id_variables == "customerId"
    )
