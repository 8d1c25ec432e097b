"""A walk through the Django admin as Ada, tenant admin of the home account.

The cast of tests/conftest.py plus three people of this file: ``root``, a
superuser (assigned to home too, which must not make him visible), and
``shared``, an agent of both home and away, who belongs to the away tenant's
admins as much as to Ada. Oscar is an agent of away only.
(docs/security.md, R-AC-06 and R-SEC-06.)
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from interactions.models import AccountAssignment, XPlatformAccount
from tests.conftest import KEY_ACME, PASSWORD
from tests.support.console import logged_in_verified, make_user

# --- the extra cast ---------------------------------------------------------------


@pytest.fixture
def root(home: XPlatformAccount) -> User:
    user = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    AccountAssignment.objects.create(user=user, account=home)
    return user


@pytest.fixture
def shared(home: XPlatformAccount, away: XPlatformAccount) -> User:
    return make_user("shared", "agent", [home, away])


@pytest.fixture
def cast(admin_user, agent, supervisor, outsider, root, shared) -> dict[str, User]:
    return {
        user.username: user
        for user in (admin_user, agent, supervisor, outsider, root, shared)
    }


@pytest.fixture
def superuser_client(root: User) -> Client:
    return logged_in_verified(root)  # with his second factor (R-AC-08)


# --- a browser's form submission --------------------------------------------------


class _FormFields(HTMLParser):
    """The fields a browser would submit from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form or "__prefix__" in name:
            return
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "file"}:
                self.data.append((name, a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea and self.data and self.data[-1][0] == self._textarea:
            self.data[-1] = (self._textarea, self.data[-1][1] + data)


def form_data(client: Client, url: str) -> dict[str, Any]:
    """The change form at url as a browser would post it back unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response
    parser = _FormFields()
    parser.feed(response.content.decode())
    data: dict[str, Any] = {}
    for name, value in parser.data:
        if name in data:
            data[name] = (
                [*data[name], value]
                if isinstance(data[name], list)
                else [
                    data[name],
                    value,
                ]
            )
        else:
            data[name] = value
    return data


def user_url(user: User, view: str = "change") -> str:
    if view == "password":
        return reverse("admin:auth_user_password_change", args=[user.pk])
    return reverse(f"admin:auth_user_{view}", args=[user.pk])


def group(name: str) -> Group:
    return Group.objects.get(name=name)


def listed_users(client: Client, **params: str) -> set[str]:
    response = client.get(reverse("admin:auth_user_changelist"), params)
    assert response.status_code == 200
    return {user.username for user in response.context["cl"].result_list}


# --- seeing users -----------------------------------------------------------------


def test_user_list_shows_only_the_users_she_manages(console_admin_client, cast):
    assert listed_users(console_admin_client) == {"ada", "agnes", "sam"}
    body = console_admin_client.get(reverse("admin:auth_user_changelist")).content
    for name in ("root", "oscar", "shared"):
        assert user_url(cast[name]).encode() not in body


@pytest.mark.parametrize("term", ["root", "oscar", "shared", "example.com"])
def test_search_never_finds_a_user_out_of_scope(console_admin_client, cast, term):
    found = listed_users(console_admin_client, q=term)
    assert found <= {"ada", "agnes", "sam"}
    assert {"root", "oscar", "shared"}.isdisjoint(found)


def test_user_autocomplete_lists_only_users_in_scope(console_admin_client, cast):
    # The user picker of the assignment form and of the account page's inline
    # both ask the user admin's autocomplete for AccountAssignment.user.
    response = console_admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "interactions",
            "model_name": "accountassignment",
            "field_name": "user",
            "term": "",
        },
    )
    assert response.status_code == 200
    ids = {int(row["id"]) for row in json.loads(response.content)["results"]}
    names = set(User.objects.filter(pk__in=ids).values_list("username", flat=True))
    assert names == {"ada", "agnes", "sam"}


@pytest.mark.parametrize("name", ["root", "oscar", "shared"])
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_out_of_scope_user_pages_are_not_found(console_admin_client, cast, name, view):
    response = console_admin_client.get(user_url(cast[name], view))
    # The admin answers a missing object with a redirect to its index (or a
    # 403 where the permission check comes first); never the page itself.
    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response["Location"] == reverse("admin:index")
    assert cast[name].email.encode() not in response.content


@pytest.mark.parametrize("name", ["root", "oscar", "shared"])
def test_out_of_scope_user_cannot_be_edited(console_admin_client, cast, name):
    target = cast[name]
    response = console_admin_client.post(
        user_url(target),
        {
            "username": "taken-over",
            "email": "ada@example.com",
            "is_active": "",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
            "account_assignments-TOTAL_FORMS": "0",
            "account_assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code in {302, 403}
    target.refresh_from_db()
    assert target.username == name
    assert target.is_active is True
    assert target.email == f"{name}@example.com"


@pytest.mark.parametrize("name", ["root", "oscar", "shared"])
def test_password_of_a_user_out_of_scope_cannot_be_set(
    console_admin_client, cast, name
):
    target = cast[name]
    assert console_admin_client.get(user_url(target, "password")).status_code == 404
    response = console_admin_client.post(
        user_url(target, "password"),
        {
            "password1": "attacker-chosen-pass-1",
            "password2": "attacker-chosen-pass-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    assert not target.check_password("attacker-chosen-pass-1")
    # ... and so no sign-in as them with it.
    assert not Client().login(username=name, password="attacker-chosen-pass-1")


def test_bulk_action_never_reaches_a_user_out_of_scope(console_admin_client, cast):
    console_admin_client.post(
        reverse("admin:auth_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [cast["oscar"].pk, cast["root"].pk],
            "post": "yes",
        },
    )
    assert User.objects.filter(username__in=["oscar", "root"]).count() == 2


# --- editing users in scope -------------------------------------------------------


def test_password_of_a_user_in_scope_can_be_set(console_admin_client, cast):
    response = console_admin_client.post(
        user_url(cast["agnes"], "password"),
        {
            "password1": "a-fresh-pass-for-agnes-9",
            "password2": "a-fresh-pass-for-agnes-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    cast["agnes"].refresh_from_db()
    assert cast["agnes"].check_password("a-fresh-pass-for-agnes-9")


def test_in_scope_user_can_be_edited_and_made_supervisor(console_admin_client, cast):
    agnes = cast["agnes"]
    data = form_data(console_admin_client, user_url(agnes))
    data.update(email="agnes.new@example.com", groups=[group("supervisor").pk])
    response = console_admin_client.post(user_url(agnes), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agnes.refresh_from_db()
    assert agnes.email == "agnes.new@example.com"
    assert list(agnes.groups.values_list("name", flat=True)) == ["supervisor"]
    assert agnes.is_staff is False


def test_granting_the_admin_role_brings_staff_status_and_removing_it_takes_it(
    console_admin_client, cast
):
    sam = cast["sam"]
    data = form_data(console_admin_client, user_url(sam))
    data["groups"] = [group("admin").pk]
    assert console_admin_client.post(user_url(sam), data).status_code == 302
    sam.refresh_from_db()
    assert sam.is_staff is True
    data["groups"] = [group("supervisor").pk]
    assert console_admin_client.post(user_url(sam), data).status_code == 302
    sam.refresh_from_db()
    assert sam.is_staff is False


def test_superuser_status_single_permissions_and_staff_are_not_hers_to_give(
    console_admin_client, cast
):
    agnes = cast["agnes"]
    body = console_admin_client.get(user_url(agnes)).content.decode()
    assert 'name="is_superuser"' not in body
    assert 'name="user_permissions"' not in body
    assert 'name="is_staff"' not in body
    data = form_data(console_admin_client, user_url(agnes))
    perm = Permission.objects.get(codename="delete_user")
    data.update(is_superuser="on", is_staff="on", user_permissions=[perm.pk], groups=[])
    assert console_admin_client.post(user_url(agnes), data).status_code == 302
    agnes = User.objects.get(pk=agnes.pk)
    assert agnes.is_superuser is False
    assert agnes.is_staff is False
    assert not agnes.user_permissions.exists()
    assert not agnes.has_perm("auth.delete_user")


def test_a_role_above_her_own_is_refused_and_kept_when_already_held(
    console_admin_client, cast
):
    auditor = Group.objects.create(name="auditor")
    auditor.permissions.add(Permission.objects.get(codename="delete_user"))
    agnes = cast["agnes"]
    body = console_admin_client.get(user_url(agnes)).content.decode()
    assert f'value="{auditor.pk}"' not in body
    data = form_data(console_admin_client, user_url(agnes))
    data["groups"] = [group("agent").pk, auditor.pk]
    response = console_admin_client.post(user_url(agnes), data)
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not agnes.groups.filter(pk=auditor.pk).exists()

    # Someone above her gave Agnes that role: Ada's save neither strips it
    # nor needs to know about it.
    agnes.groups.add(auditor)
    data = form_data(console_admin_client, user_url(agnes))
    data["groups"] = [group("supervisor").pk]
    assert console_admin_client.post(user_url(agnes), data).status_code == 302
    assert set(agnes.groups.values_list("name", flat=True)) == {"supervisor", "auditor"}


def test_an_account_she_does_not_hold_cannot_be_assigned(
    console_admin_client, cast, away
):
    agnes = cast["agnes"]
    data = form_data(console_admin_client, user_url(agnes))
    total = int(data["account_assignments-TOTAL_FORMS"])
    data[f"account_assignments-{total}-account"] = str(away.pk)
    data[f"account_assignments-{total}-user"] = str(agnes.pk)
    data["account_assignments-TOTAL_FORMS"] = str(total + 1)
    response = console_admin_client.post(user_url(agnes), data)
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not away.assignments.filter(user=agnes).exists()


def test_she_cannot_change_her_own_role_staff_or_active_flag(
    console_admin_client, admin_user
):
    body = console_admin_client.get(user_url(admin_user)).content.decode()
    for field in ("groups", "is_active", "is_staff", "is_superuser"):
        assert f'name="{field}"' not in body
    data = form_data(console_admin_client, user_url(admin_user))
    data.update(groups=[], is_superuser="on", email="ada.new@example.com")
    data.pop("is_active", None)
    assert console_admin_client.post(user_url(admin_user), data).status_code == 302
    ada = User.objects.get(pk=admin_user.pk)
    assert ada.email == "ada.new@example.com"
    assert ada.is_active is True
    assert ada.is_staff is True
    assert ada.is_superuser is False
    assert list(ada.groups.values_list("name", flat=True)) == ["admin"]


def test_she_cannot_remove_her_own_access(console_admin_client, admin_user, home):
    own = AccountAssignment.objects.get(user=admin_user, account=home)
    url = reverse("admin:interactions_accountassignment_delete", args=[own.pk])
    assert console_admin_client.post(url, {"post": "yes"}).status_code == 403
    account_url = reverse("admin:interactions_xplatformaccount_change", args=[home.pk])
    data = form_data(console_admin_client, account_url)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("assignments-")
        and key.endswith("-id")
        and value == str(own.pk)
    )
    data[f"assignments-{index}-DELETE"] = "on"
    response = console_admin_client.post(account_url, data)
    assert response.status_code == 200
    assert b"You cannot remove your own access" in response.content
    assert AccountAssignment.objects.filter(pk=own.pk).exists()


def test_a_new_user_lands_in_her_account_and_her_scope(
    console_admin_client, home, away
):
    url = reverse("admin:auth_user_add")
    fields = {
        "username": "newbie",
        "usable_password": "true",
        "password1": "newbie-pass-0123456",
        "password2": "newbie-pass-0123456",
    }
    refused = console_admin_client.post(url, {**fields, "account": str(away.pk)})
    assert refused.status_code == 200
    assert b"Choose one of your accounts" in refused.content
    assert not User.objects.filter(username="newbie").exists()

    response = console_admin_client.post(url, {**fields, "account": str(home.pk)})
    assert response.status_code == 302, response.content.decode()[:3000]
    newbie = User.objects.get(username="newbie")
    assert list(newbie.account_assignments.values_list("account__slug", flat=True)) == [
        home.slug
    ]
    assert console_admin_client.get(response["Location"]).status_code == 200


# --- assignments ------------------------------------------------------------------


def test_assignment_list_shows_who_may_use_her_accounts_but_no_superuser(
    console_admin_client, cast
):
    response = console_admin_client.get(
        reverse("admin:interactions_accountassignment_changelist")
    )
    rows = {
        (row.user.username, row.account.slug)
        for row in response.context["cl"].result_list
    }
    assert rows == {
        ("ada", "acme"),
        ("agnes", "acme"),
        ("sam", "acme"),
        ("shared", "acme"),
    }


def test_shared_users_row_can_be_revoked_but_not_edited(
    console_admin_client, cast, home, away
):
    row = AccountAssignment.objects.get(user=cast["shared"], account=home)
    change = reverse("admin:interactions_accountassignment_change", args=[row.pk])
    response = console_admin_client.post(
        change, {"user": cast["agnes"].pk, "account": home.pk}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.user == cast["shared"]
    delete = reverse("admin:interactions_accountassignment_delete", args=[row.pk])
    assert console_admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not AccountAssignment.objects.filter(pk=row.pk).exists()
    # Her revocation touches only her account: Shared still works for away.
    assert AccountAssignment.objects.filter(user=cast["shared"], account=away).exists()


def test_account_page_inline_keeps_users_out_of_scope_as_they_are(
    console_admin_client, cast, home
):
    url = reverse("admin:interactions_xplatformaccount_change", args=[home.pk])
    data = form_data(console_admin_client, url)
    # Saving the page unchanged works although Shared is not hers to pick...
    assert console_admin_client.post(url, data).status_code == 302
    # ... and swapping Oscar into a row is refused.
    row = AccountAssignment.objects.get(user=cast["agnes"], account=home)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("assignments-")
        and key.endswith("-id")
        and value == str(row.pk)
    )
    data[f"assignments-{index}-user"] = str(cast["oscar"].pk)
    response = console_admin_client.post(url, data)
    assert response.status_code == 200
    assert not home.assignments.filter(user=cast["oscar"]).exists()


# --- the audit log ----------------------------------------------------------------


def _audit_rows(client: Client) -> set[tuple[str, str]]:
    response = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert response.status_code == 200
    return {
        (entry.content_type.model, entry.object_repr)
        for entry in response.context["cl"].result_list
    }


def test_audit_log_shows_her_only_her_accounts(
    console_admin_client, superuser_client, cast, home, away
):
    home.base_url = "https://acme-eu.gointeract.io"
    home.save()
    away.base_url = "https://globex-eu.gointeract.io"
    away.save()
    gone = AccountAssignment.objects.create(user=cast["oscar"], account=home)
    gone.delete()

    mine = _audit_rows(console_admin_client)
    assert ("xplatformaccount", "Acme Insurance") in mine
    assert ("accountassignment", "agnes → Acme Insurance") in mine
    assert ("accountassignment", "shared → Acme Insurance") in mine
    assert ("accountassignment", "oscar → Acme Insurance") in mine  # removed since
    assert ("user", "agnes") in mine
    names = " ".join(repr for _, repr in mine)
    assert "Globex" not in names
    assert "root" not in names
    assert ("user", "oscar") not in mine
    assert ("user", "shared") not in mine

    everything = _audit_rows(superuser_client)
    assert ("xplatformaccount", "Globex Telecom") in everything
    assert ("accountassignment", "oscar → Globex Telecom") in everything
    assert ("accountassignment", "root → Acme Insurance") in everything


def test_audit_entry_of_another_account_cannot_be_opened(
    console_admin_client, cast, away
):
    entry = LogEntry.objects.get_for_object(away).first()
    assert entry is not None
    response = console_admin_client.get(
        reverse("admin:auditlog_logentry_change", args=[entry.pk])
    )
    assert response.status_code == 302
    assert b"globex" not in response.content.lower()


def test_role_changes_are_audited(console_admin_client, cast):
    agnes = cast["agnes"]
    data = form_data(console_admin_client, user_url(agnes))
    data["groups"] = [group("supervisor").pk]
    console_admin_client.post(user_url(agnes), data)
    entries = LogEntry.objects.get_for_object(agnes)
    assert any("groups" in (entry.changes_dict or {}) for entry in entries)
    serialised = " ".join(repr(entry.changes) for entry in entries)
    assert "password" not in serialised


# --- the application key follows the server ---------------------------------------


def _account_fields(
    client: Client, account: XPlatformAccount
) -> tuple[str, dict[str, Any]]:
    url = reverse("admin:interactions_xplatformaccount_change", args=[account.pk])
    return url, form_data(client, url)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("base_url", "LISTENER"),
        ("account_id", "someone-else"),
        ("environment_name", "STAGING"),
    ],
)
def test_moving_the_key_needs_the_key_again(
    console_admin_client, home, httpserver, field, value
):
    httpserver.expect_request("/").respond_with_data("")  # anything answers
    if value == "LISTENER":
        value = httpserver.url_for("/").rstrip("/")
    url, data = _account_fields(console_admin_client, home)
    data[field] = value
    response = console_admin_client.post(url, data)
    assert response.status_code == 200
    assert b"Enter the application key again to change the" in response.content
    stored = XPlatformAccount.objects.get(pk=home.pk)
    assert getattr(stored, field) == getattr(home, field)
    assert stored.application_key.reveal() == KEY_ACME
    assert httpserver.log == []


def test_with_the_key_the_move_is_accepted_and_only_the_typed_key_travels(
    console_admin_client, home, httpserver
):
    httpserver.expect_request("/").respond_with_data("")
    url, data = _account_fields(console_admin_client, home)
    listener = httpserver.url_for("/").rstrip("/")
    data.update(base_url=listener, new_application_key="the-key-typed-again-42")
    assert console_admin_client.post(url, data).status_code == 302
    stored = XPlatformAccount.objects.get(pk=home.pk)
    assert stored.base_url == listener
    console_admin_client.post(
        reverse("admin:interactions_xplatformaccount_changelist"),
        {"action": "test_connection", "_selected_action": [home.pk]},
    )
    sent = {request.headers.get("Application-Key") for request, _ in httpserver.log}
    assert sent == {"the-key-typed-again-42"}


def test_other_changes_still_need_no_key(console_admin_client, home):
    url, data = _account_fields(console_admin_client, home)
    data.update(name="Acme Insurance Co", base_url=home.base_url + "/", api_version="3")
    assert console_admin_client.post(url, data).status_code == 302
    stored = XPlatformAccount.objects.get(pk=home.pk)
    assert (stored.name, stored.api_version) == ("Acme Insurance Co", "3")
    assert stored.application_key.reveal() == KEY_ACME
