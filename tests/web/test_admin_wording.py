"""The admin's wording (issue 14): no typo in the access log's plural, the
account page names the application key once, and the admin speaks Hebrew."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from interactions.identity.models import ApiToken, SsoGroupMapping
from tests.browser.admin_pages import (
    AdminRows,
    account_pages,
    admin_rows,
    identity_pages,
    superuser_pages,
)
from tests.support.console import PASSWORD, logged_in_verified
from tests.web.test_i18n import VisibleText, _left_in_english


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


# --- the admin pages of tests/browser/admin_pages.py, in Spanish and Hebrew ---

# Left in English, named in docs/i18n.md ("Known limits"): django-axes's
# names of a row ("Attempted Access: <time>"), and the audit entry's "Id"
# field and "None" value, which their packages write as plain English.
NOT_OURS = re.compile(r"Attempted Access: |Failed access: |^user \S+ locked out on ")
NOT_OURS_IN_AUDIT = {"Id", "None"}
# Yes and no are icons whose alt text Django writes as True and False;
# static/js/admin-a11y.js says them in the page's language (the browser
# test checks it). "No" is Spanish too; "salt" is Django's own Hebrew.
ICONS = {"True", "False"}
SAME = {"es": {"No"}, "he": {"salt"}}
WORDS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def _data(rows: AdminRows, superuser: User) -> list[str]:
    """What people typed or the console recorded: never translated."""
    people = [rows.admin, rows.agent, superuser]
    tokens = [rows.token, rows.revoked_token]
    values = [
        *(person.username for person in people),
        *(person.email for person in people),
        *Group.objects.values_list("name", flat=True),
        rows.account.name,
        rows.account.slug,
        rows.account.base_url,
        rows.mapping.claim_value,
        rows.mapping.description,
        rows.identity.issuer,
        rows.identity.subject,
        json.dumps(rows.identity.claim_values),
        *(str(token) for token in tokens),
        *(token.name for token in tokens),
        *(token.display_prefix for token in tokens),
        str(rows.device),
        rows.device.name,
        rows.attempt.path_info,
        rows.attempt.user_agent,
        rows.access.flow_name,
    ]
    return sorted({value for value in values if value}, key=len, reverse=True)


def _ours(text: str, state: str, data: list[str], language: str) -> bool:
    """A string left in English that the console should say in ``language``."""
    if text in ICONS | SAME[language] or NOT_OURS.search(text):
        return False
    if state == "audit entry" and text in NOT_OURS_IN_AUDIT:
        return False
    for value in data:
        text = text.replace(value, "")
    return WORDS.search(text) is not None


def _visible(response: Any, state: str) -> VisibleText:
    assert response.status_code == 200, state
    text = VisibleText()
    text.feed(response.content.decode())
    return text


@pytest.mark.parametrize("language", ["es", "he"])
def test_no_admin_page_leaves_our_words_in_english(admin_user, agent, home, language):
    """Every admin page the browser test audits (tests/browser/admin_pages.py)
    and the page that shows a new API token, as a tenant admin and as a
    superuser: no visible string is the English page's, data aside."""
    rows = admin_rows(admin_user, home, agent)
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    ada, superuser = logged_in_verified(admin_user), logged_in_verified(root)
    data = _data(rows, root)
    pages = [
        *((ada, state, path) for state, path in account_pages(rows)),
        *((ada, state, path) for state, path in identity_pages(rows)),
        *((superuser, state, path) for state, path in superuser_pages(rows, root)),
    ]
    left = {}
    for client, state, path in pages:
        english, other = (
            _visible(client.get(path, HTTP_ACCEPT_LANGUAGE=code), state)
            for code in ("en", language)
        )
        same = _left_in_english(english, other, language)
        if words := sorted(t for t in same if _ours(t, state, data, language)):
            left[state] = words
    created = [
        _visible(
            ada.post(
                reverse("admin:identity_apitoken_add"),
                {"user": agent.pk, "name": f"CTI {code}", "days": "30"},
                HTTP_ACCEPT_LANGUAGE=code,
            ),
            "api token created",
        )
        for code in ("en", language)
    ]
    same = _left_in_english(created[0], created[1], language)
    tokens = [*data, *(token.display_prefix for token in ApiToken.objects.all())]
    if words := sorted(t for t in same if _ours(t, "", tokens, language)):
        left["api token created"] = words
    assert left == {}, left


def test_a_delete_page_says_link_rows_as_links(console_admin_client, admin_user, home):
    """Django lists the rows of a many-to-many link a delete takes along as
    "Ssogroupmapping-xplatformaccount relationship: SsoGroupMapping_accounts
    object (1)"; the console says which two rows the link joined
    (interactions/admin_delete.py), in the page's language, each name
    isolated in its own direction and escaped."""
    mapping = SsoGroupMapping.objects.create(claim_value="<cc-agents>", role="agent")
    mapping.accounts.add(home)
    url = reverse("admin:identity_ssogroupmapping_delete", args=[mapping.pk])
    english = console_admin_client.get(url).content.decode()
    assert "relationship" not in english
    assert (
        "Link between single sign-on group mapping “<bdi>&lt;cc-agents&gt;</bdi>” "
        f"and X-Platform account “<bdi>{home.name}</bdi>”"
    ) in english
    assert "Links between single sign-on group mappings and X-Platform accounts: 1" in (
        english
    )
    hebrew = console_admin_client.get(url, HTTP_ACCEPT_LANGUAGE="he").content.decode()
    assert "קישור בין" in hebrew
    assert "Link between" not in hebrew
