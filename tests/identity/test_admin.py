"""API tokens in the admin: shown once, never the digest, scoped to the users
an admin manages, revoked not deleted (docs/security.md, R-AC-07)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from interactions.identity.models import ApiToken, token_digest
from tests.support.console import logged_in_verified

ADD = reverse("admin:identity_apitoken_add")
LIST = reverse("admin:identity_apitoken_changelist")
SHOWN = re.compile(r'<textarea id="api-token"[^>]*>(xpc_[a-z0-9]{8}_[A-Za-z0-9]{40})<')


def _change(token: ApiToken) -> str:
    return reverse("admin:identity_apitoken_change", args=[token.pk])


def _add(client, user: User, **extra):
    return client.post(
        ADD, {"user": user.pk, "name": "CTI Genesys prod", "days": "30", **extra}
    )


def test_add_shows_the_token_once_and_stores_only_its_digest(
    console_admin_client, agent, admin_user
):
    response = _add(console_admin_client, agent)
    assert response.status_code == 200
    body = response.content.decode()
    assert "shown only this once" in body
    (plaintext,) = SHOWN.findall(body)
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.created_by) == (
        agent,
        "CTI Genesys prod",
        admin_user,
    )
    assert token.digest == token_digest(plaintext)
    assert (token.expires_at - token.created_at).days == 30

    change = console_admin_client.get(_change(token))
    listing = console_admin_client.get(LIST)
    for page in (change, listing):
        assert page.status_code == 200
        text = page.content.decode()
        assert token.display_prefix in text
        assert plaintext not in text
        assert plaintext.rsplit("_", 1)[1] not in text
        assert token.digest not in text


def test_the_token_works_over_the_api(console_admin_client, supervisor):
    (plaintext,) = SHOWN.findall(
        _add(console_admin_client, supervisor).content.decode()
    )
    client = Client(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert client.get("/api/v1/history").status_code == 200


def test_lifetime_past_the_maximum_is_refused_in_plain_words(
    console_admin_client, agent, settings
):
    settings.XPC_API_TOKEN_MAX_DAYS = 60
    response = _add(console_admin_client, agent, days="61")
    assert response.status_code == 200
    assert "between 1 and 60 days; got 61" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_tenant_admin_cannot_make_a_token_for_a_user_outside_their_scope(
    console_admin_client, agent, outsider
):
    form = console_admin_client.get(ADD).content.decode()
    assert "agnes" in form
    assert "oscar" not in form
    response = _add(console_admin_client, outsider)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_tenant_admin_cannot_see_tokens_of_users_outside_their_scope(
    console_admin_client, agent, outsider
):
    mine, _ = ApiToken.objects.issue(user=agent, name="home CTI")
    theirs, _ = ApiToken.objects.issue(user=outsider, name="away CTI")
    listing = console_admin_client.get(LIST).content.decode()
    assert mine.display_prefix in listing
    assert theirs.display_prefix not in listing
    assert "away CTI" not in listing
    response = console_admin_client.get(_change(theirs))
    assert response.status_code == 302  # the admin's "no such object"
    assert (
        "away CTI"
        not in console_admin_client.get(response["Location"]).content.decode()
    )


def test_superuser_sees_every_token(db, agent, outsider):
    root = User.objects.create_superuser("root", "root@example.com", "x")
    theirs, _ = ApiToken.objects.issue(user=outsider, name="away CTI")
    client = logged_in_verified(root)  # with his second factor (R-AC-08)
    assert theirs.display_prefix in client.get(LIST).content.decode()


def test_revoke_action_revokes_and_records_who(console_admin_client, agent, admin_user):
    token, plaintext = ApiToken.objects.issue(user=agent, name="home CTI")
    response = console_admin_client.post(
        LIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "1 token revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == admin_user
    assert token.state() == "revoked"
    api = Client(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api.get("/api/v1/lookup").status_code == 401


def test_tokens_cannot_be_deleted_from_the_admin(console_admin_client, agent):
    token, _ = ApiToken.objects.issue(user=agent, name="home CTI")
    url = reverse("admin:identity_apitoken_delete", args=[token.pk])
    assert console_admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db  # the client fixture is looked up late, by name
@pytest.mark.parametrize("fixture", ["supervisor_client", "agent_client"])
def test_only_admins_reach_the_token_admin(request, fixture):
    client = request.getfixturevalue(fixture)
    assert client.get(LIST).status_code == 302  # to the admin login
