"""Single sign-on against a real OpenID provider (docs/security.md, "Single sign-on").

Every sign-in here is the real authorization code flow over real sockets:
the console redirects to oidc-provider on loopback, the test signs in there
as the person, and the console exchanges the code at the provider's token
endpoint and checks the ID token against its JWKS.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from interactions.identity.models import SsoIdentity
from interactions.identity.sso import BACKEND_PATH
from interactions.models import AccountAssignment
from tests.identity.conftest import callback_path, sign_in, start_sign_in
from tests.support.oidc import authorize_at_provider

pytestmark = pytest.mark.django_db

NO_ACCESS = "You have no access to the console; ask your supervisor to add you."
UNVERIFIED = "answer could not be verified"


def _signed_in_user(client: Client) -> User | None:
    user_id = client.session.get(SESSION_KEY)
    return None if user_id is None else User.objects.get(pk=user_id)


def _accounts(user: User) -> set[str]:
    return set(
        AccountAssignment.objects.filter(user=user).values_list(
            "account__slug", flat=True
        )
    )


def _roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_sign_in_creates_the_user_with_the_mapped_role_and_accounts(
    sso_on, mappings, idp, home
):
    client = Client()
    response = sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("interactions:home")
    user = _signed_in_user(client)
    assert user is not None
    assert user.username == "alice"
    assert (user.email, user.first_name, user.last_name) == (
        "alice@example.com",
        "Alice",
        "Arden",
    )
    assert _roles(user) == {"agent"}
    assert _accounts(user) == {home.slug}
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.has_usable_password()
    identity = SsoIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (idp.issuer, "alice")
    assert identity.claim_values == ["acme-agents"]
    assert client.session["_auth_user_backend"] == BACKEND_PATH
    page = client.get("/")
    assert page.status_code == 200
    assert "alice" in page.content.decode()


def test_next_page_is_kept_through_the_provider(sso_on, mappings, idp):
    client = Client()
    next_url = reverse("interactions:review")
    location = authorize_at_provider(start_sign_in(client, next_url), "alice")
    assert client.get(callback_path(location))["Location"] == next_url


def test_authorization_request_carries_state_nonce_and_a_pkce_challenge(sso_on, idp):
    query = parse_qs(urlparse(start_sign_in(Client())).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32


def test_the_provider_enforces_pkce_so_the_console_must_send_it(
    sso_on, mappings, idp, settings
):
    settings.OIDC_USE_PKCE = False
    client = Client()
    location = authorize_at_provider(start_sign_in(client), "alice")
    assert "error=invalid_request" in location
    response = client.get(callback_path(location))
    assert response.status_code == 403
    assert "cancelled or refused" in response.content.decode()
    assert _signed_in_user(client) is None


def test_a_claim_change_takes_effect_at_the_next_sign_in(
    sso_on, mappings, idp, home, away
):
    sign_in(Client())
    alice = User.objects.get(username="alice")
    assert (_roles(alice), _accounts(alice)) == ({"agent"}, {home.slug})

    idp.set_groups("alice", ["away-supervisors"])
    client = Client()
    assert sign_in(client).status_code == 302
    assert (_roles(alice), _accounts(alice)) == ({"supervisor"}, {away.slug})
    assert _signed_in_user(client) == alice

    idp.set_groups("alice", [])
    client = Client()
    response = sign_in(client)
    assert response.status_code == 403
    assert NO_ACCESS in response.content.decode()
    assert (_roles(alice), _accounts(alice)) == (set(), set())
    assert _signed_in_user(client) is None
    assert User.objects.filter(username="alice").count() == 1


def test_removal_from_the_group_ends_access_of_an_open_session(sso_on, mappings, idp):
    first = Client()
    sign_in(first)
    assert first.get("/").status_code == 200
    idp.set_groups("alice", ["some-other-team"])
    sign_in(Client())
    page = first.get("/").content.decode()
    assert "No role yet" in page


def test_the_highest_role_and_all_accounts_of_the_groups_apply(
    sso_on, mappings, idp, home, away
):
    idp.set_groups("alice", ["acme-agents", "away-supervisors"])
    client = Client()
    sign_in(client)
    alice = User.objects.get(username="alice")
    assert _roles(alice) == {"supervisor"}
    assert _accounts(alice) == {home.slug, away.slug}


def test_a_user_whose_groups_map_to_no_role_gets_the_no_access_page(
    sso_on, mappings, idp
):
    idp.set_groups("alice", ["marketing"])
    client = Client()
    response = sign_in(client)
    assert response.status_code == 403
    assert NO_ACCESS in response.content.decode()
    assert _signed_in_user(client) is None
    assert client.get("/").status_code == 302  # to the sign-in page


def test_an_admin_group_makes_staff_but_never_superuser(sso_on, mappings, idp):
    idp.set_groups("alice", ["acme-admins"])
    sign_in(Client())
    alice = User.objects.get(username="alice")
    User.objects.filter(pk=alice.pk).update(is_superuser=True)
    sign_in(Client())
    alice.refresh_from_db()
    assert (_roles(alice), alice.is_staff, alice.is_superuser) == (
        {"admin"},
        True,
        False,
    )

    idp.set_groups("alice", ["acme-agents"])
    sign_in(Client())
    alice.refresh_from_db()
    assert (_roles(alice), alice.is_staff) == ({"agent"}, False)


def test_a_local_user_with_the_same_name_and_email_is_never_taken_over(
    sso_on, mappings, idp
):
    root = User.objects.create_superuser("alice", "alice@example.com", "x" * 20)
    client = Client()
    assert sign_in(client).status_code == 302
    user = _signed_in_user(client)
    assert user is not None
    assert user != root
    assert user.username == "alice-2"
    root.refresh_from_db()
    assert root.is_superuser
    assert _roles(root) == set()
    assert not SsoIdentity.objects.filter(user=root).exists()


def test_a_deactivated_user_is_refused(sso_on, mappings, idp):
    sign_in(Client())
    User.objects.filter(username="alice").update(is_active=False)
    client = Client()
    response = sign_in(client)
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert _signed_in_user(client) is None


@pytest.mark.parametrize(
    "client_id",
    [
        "console-tampered",
        "console-wrong-audience",
        "console-expired",
        "console-wrong-nonce",
        "console-wrong-issuer",
    ],
)
def test_an_id_token_that_fails_a_check_is_refused(sso_on, mappings, idp, client_id):
    sso_on(client_id)
    client = Client()
    response = sign_in(client)
    assert response.status_code == 403
    assert UNVERIFIED in response.content.decode()
    assert _signed_in_user(client) is None
    assert not User.objects.filter(username="alice").exists()


def test_an_expired_token_is_refused_by_the_clock_too(sso_on, mappings, idp):
    from freezegun import freeze_time

    client = Client()
    location = authorize_at_provider(start_sign_in(client), "alice")
    with freeze_time(timedelta_from_now(hours=2)):
        response = client.get(callback_path(location))
    assert response.status_code == 403
    assert UNVERIFIED in response.content.decode()
    assert _signed_in_user(client) is None


def timedelta_from_now(**delta: float) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def test_a_replayed_callback_is_refused(sso_on, mappings, idp):
    client = Client()
    location = authorize_at_provider(start_sign_in(client), "alice")
    assert client.get(callback_path(location)).status_code == 302
    client.logout()

    again = client.get(callback_path(location))
    assert again.status_code == 400
    assert "already used or has expired" in again.content.decode()
    assert _signed_in_user(client) is None

    elsewhere = Client()  # the URL replayed from another browser
    response = elsewhere.get(callback_path(location))
    assert response.status_code == 400
    assert _signed_in_user(elsewhere) is None


def test_a_forged_state_is_refused(sso_on, mappings, idp):
    client = Client()
    location = authorize_at_provider(start_sign_in(client), "alice")
    forged = location.replace("state=", "state=x")
    response = client.get(callback_path(forged))
    assert response.status_code == 400
    assert _signed_in_user(client) is None


def test_an_unreachable_provider_is_a_clear_page(sso_on, mappings, idp, settings):
    client = Client()
    location = authorize_at_provider(start_sign_in(client), "alice")
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"
    response = client.get(callback_path(location))
    assert response.status_code == 502
    assert "could not be reached" in response.content.decode()


def test_sign_out_ends_the_session_and_the_providers(sso_on, mappings, idp):
    client = Client()
    sign_in(client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    end_session = response["Location"]
    assert end_session.startswith(idp.discovery["end_session_endpoint"] + "?")
    query = parse_qs(urlparse(end_session).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["id_token_hint"]
    assert _signed_in_user(client) is None
    assert client.get("/").status_code == 302
    # The provider accepts the hint it issued (a forged one is a 400).
    assert requests.get(end_session, timeout=10).status_code == 200


def test_sign_out_of_a_password_session_goes_to_the_sign_in_page(sso_on, agent_client):
    response = agent_client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert agent_client.get("/").status_code == 302


def test_sign_out_needs_a_post(sso_on, agent_client):
    assert agent_client.get(reverse("logout")).status_code == 405
    assert agent_client.get("/").status_code == 200
