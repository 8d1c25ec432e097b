"""The admin's wording (issue 14): no typo in the access log's plural, the
account page names the application key once, and the admin speaks Hebrew."""

from __future__ import annotations

import re

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


def test_the_admin_speaks_hebrew_in_its_header_menus_and_model_names(
    console_admin_client,
):
    """The console's own admin words are in the catalogues; so are the names
    of the audit and lockout apps, whose packages have no Hebrew."""
    body = console_admin_client.get(
        reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="he"
    ).content.decode()
    assert 'lang="he" dir="rtl"' in body
    for hebrew in [
        "ניהול מסוף X-Platform",  # the header
        "חזרה למסוף",  # Back to the console
        "חשבונות, משתמשים ותפקידים",  # the index title
        "חשבונות X-Platform",
        "שיוכי חשבונות",
        "גישות לאינטראקציות",
        "כניסה וגישת API",
        "יומן ביקורת",
        "ניסיונות גישה",
    ]:
        assert hebrew in body, hebrew
    for english in [
        "X-Platform console administration",
        "Back to the console",
        "Accounts, users and roles",
        "X-Platform accounts",
        "Account assignments",
        "Interaction accesses",
        "Sign-in and API access",
        "Audit log",
        "Access attempts",
    ]:
        assert english not in body, english


def test_a_users_sign_in_dates_are_shown_not_edited(console_admin_client, agent):
    body = console_admin_client.get(
        reverse("admin:auth_user_change", args=[agent.pk])
    ).content.decode()
    assert 'name="last_login_0"' not in body
    assert 'name="date_joined_0"' not in body
    assert "field-date_joined" in body


def test_the_account_page_and_the_access_log_speak_hebrew(console_admin_client, acme):
    """An English label in a right-to-left page reads ":Display name" with
    its colon on the wrong side; each field of the account says its name,
    help and the key's state in Hebrew, and the access log its columns."""
    account = console_admin_client.get(
        reverse("admin:interactions_xplatformaccount_change", args=[acme.pk]),
        HTTP_ACCEPT_LANGUAGE="he",
    ).content.decode()
    for hebrew in [
        "שם לתצוגה",  # display name
        "כתובת בסיס",  # base URL
        "אזור זמן",  # time zone
        "שרת X-Platform",  # the fieldset
        "מה הנציגים רואים",
        "שם קצר המשמש בקישורים ובפקודות",  # the slug's help
        "משתמשים המשויכים לחשבון זה",  # the inline
    ]:
        assert hebrew in account, hebrew
    for english in [
        "Display name",
        "Base URL",
        "Time zone",
        "What agents see",
        "Short name used in links",
        "Scheme and host of the X-Platform server",
        "Users assigned to this account",
    ]:
        assert english not in account, english
    log = console_admin_client.get(
        reverse("admin:interactions_interactionaccess_changelist"),
        HTTP_ACCEPT_LANGUAGE="he",
    ).content.decode()
    for hebrew in ["פעולה", "תוצאה", "מקור", "לפי תפקיד"]:
        assert hebrew in log, hebrew
    for english in ["action", "outcome", "source", "role"]:
        assert f"לפי {english}" not in log, english


def test_what_an_admin_types_keeps_its_own_direction(console_admin_client, acme):
    body = console_admin_client.get(
        reverse("admin:interactions_xplatformaccount_change", args=[acme.pk]),
        HTTP_ACCEPT_LANGUAGE="he",
    ).content.decode()
    for name in ["name", "base_url", "account_id", "variable_sets", "variable_labels"]:
        tag = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', body)
        assert tag is not None, name
        assert 'dir="auto"' in tag.group(0), name
