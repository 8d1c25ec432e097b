"""The screen-pop entry /pop (issue 13, docs/embedding.md): a page that
takes the caller's number from the URL fragment in the browser; the server
side serves the page, its form and its framing headers, and never a number.

Django's test client; the browser half is tests/browser/test_pop.py.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from interactions.models import AccountAssignment
from tests.support.console import logged_in, make_user

POP = reverse("interactions:pop")
LOOKUP = reverse("interactions:lookup")


def test_pop_url_has_no_place_for_a_number():
    assert POP == "/pop"


def test_signed_out_gets_the_page_itself_not_a_redirect(db):
    # A redirect would carry the fragment on to the sign-in page's address.
    response = Client().get(POP)

    assert response.status_code == 200
    assert response.templates[0].name == "interactions/pop.html"
    body = response.content.decode()
    assert 'data-pop="signed-out"' in body
    assert f'href="{reverse("login")}?next={POP}"' in body
    assert "<form" not in body.split("<main", 1)[1]


def test_agent_gets_a_lookup_form_posting_to_the_lookup(agent_client, home):
    response = agent_client.get(POP)

    assert response.status_code == 200
    body = response.content.decode()
    assert f'action="{LOOKUP}"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'<input type="hidden" name="account" value="{home.slug}">' in body
    assert "/static/js/pop.js" in body


def test_a_person_with_several_accounts_may_choose_or_search_all(
    supervisor, home, away
):
    AccountAssignment.objects.create(user=supervisor, account=away)
    body = logged_in(supervisor).get(POP).content.decode()

    assert '<option value="" selected>All my accounts</option>' in body
    assert f'<option value="{away.slug}">' in body


def test_a_user_without_a_role_gets_404(db):
    assert logged_in(make_user("nobody", None, [])).get(POP).status_code == 404


def test_pop_is_never_cached(agent_client, home):
    response = agent_client.get(POP)

    assert "no-store" in response["Cache-Control"]


def test_pop_cannot_be_framed_by_default(agent_client, home):
    response = agent_client.get(POP)

    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_pop_may_be_framed_by_the_configured_desktop_only(agent_client, home, settings):
    settings.FRAME_ANCESTORS = ["https://desktop.example.com"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "frame-ancestors": ["https://desktop.example.com"],
        }
    }
    response = agent_client.get(POP)

    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors https://desktop.example.com;" in csp + ";"
    assert "script-src 'self' 'nonce-" in csp
