"""The console in Spanish and Hebrew: no visible string of the lookup,
interaction, review and error pages is left in English, and Hebrew pages
lay out right to left.

Each page is rendered three times with the browser asking for English,
Spanish and Hebrew (Accept-Language), and the visible text (text nodes and
the attributes people read: aria-label, alt, title, placeholder, the JS
words in data attributes) is compared with the English page's. A string
found in both is a string left untranslated, unless it is customer or
account data (inside dir="auto", or code, kbd, time, bdi), a language's own name
in the language menu, or in ALLOWED: words the same in both languages.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from interactions import services
from interactions.identity.sso import BACKEND_PATH as SSO
from interactions.models import InteractionSnapshot, XPlatformAccount
from interactions.simulator import data
from interactions.xplatform import client as xplatform
from interactions.xplatform.errors import XPlatformUnavailable
from tests.conftest import SIM_NORTHWIND
from tests.support.console import logged_in, logged_in_verified, make_user
from tests.support.redis_server import free_port
from tests.support.simulator import RunningSimulator, running_simulator

if TYPE_CHECKING:
    # What the test client answers (django-stubs only).
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# A page's address, or how to reach it in a language (a result page keeps
# the sentences of the search, said in the language the search was made in).
Url = str | Callable[[str], str]
# A page as a person meets it in a language: the answer to a visit.
Visit = Callable[[str], "Response"]
# A visit and the status its page must have (the state it is meant to be).
Page = tuple[int, Visit]
ATTRIBUTES = (
    "aria-label",
    "alt",
    "title",
    "placeholder",
    "data-busy-label",
    "data-busy-status",
    "data-new-label",
)
# Data and codes, never translated.
SKIPPED = {"script", "style", "code", "kbd", "time", "bdi", "textarea", "pre"}
# The brand mark, account names (data in a Django select), and words that
# are the same in the other language.
DATA = {"XP", "Acme Insurance", "Northwind Traders"}
ALLOWED = {
    "es": {"ID", "Supervisor", "Variable", "Variables", "DNID"},
    "he": {"DNID"},
}
# Units the same in Spanish: "134 ms", "· 2 min 05 s", "45 s".
SAME_UNITS = re.compile(r"^·?[\d\s]+(ms|s|min|h)([\d\s]+(s|min))?$")
# How long the slow X-Platform takes to answer, in seconds.
SLOW_SECONDS = 2.0
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
# Where a sentence or a clause of a longer string ends, and its words.
SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class VisibleText(HTMLParser):
    """The words of a page a person reads, leaving out data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.words: set[str] = set()
        # What is left out as data: customer, designer and account text.
        self.data: set[str] = set()
        self.html_lang = ""
        self.html_dir = ""

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.html_lang = values.get("lang", "")
            self.html_dir = values.get("dir", "")
        skip = (
            tag in SKIPPED
            or values.get("dir") == "auto"
            # A language named in itself (the language menu).
            or ("lang" in values and tag != "html")
        )
        if not self._skipping() and not skip:
            for name in ATTRIBUTES:
                if values.get(name):
                    self._add(values[name])
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source"}:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, _ = self.stack.pop()
            if name == tag:
                break

    def handle_data(self, text: str) -> None:
        if not self._skipping():
            self._add(text)
        elif text.strip():
            self.data.add(" ".join(text.split()))

    def _add(self, text: str) -> None:
        words = " ".join(text.split())
        if LETTERS.search(words):
            self.words.add(words)


def _read(page: Page, language: str, name: str = "") -> VisibleText:
    status, visit = page
    response = visit(language)
    assert response.status_code == status, (name, language, response.status_code)
    text = VisibleText()
    text.feed(response.content.decode())
    return text


def _get(client: Client, url: Url, status: int = 200, *, follow: bool = False) -> Page:
    """A page read at ``url`` (or at the address ``url`` gives in a language)."""

    def visit(language: str) -> Response:
        address = url(language) if callable(url) else url
        return client.get(address, HTTP_ACCEPT_LANGUAGE=language, follow=follow)

    return status, visit


@pytest.fixture
def home(sim_accounts):
    return sim_accounts["acme"]


@pytest.fixture
def nora(sim_accounts) -> Client:
    """An agent of Northwind, whose interactions are live."""
    return logged_in(make_user("nora", "agent", [sim_accounts["northwind"]]))


@pytest.fixture
def pages(agent_client, supervisor_client, nora, sim_accounts):
    """The lookup, interaction and review pages to compare, each as a visit
    in a language, their state set up."""
    uid = data.LEADING_ZERO_UNIQUE_ID
    detail = reverse("interactions:detail", args=["sim-acme", uid])
    supervisor_client.get(detail)  # a stored copy and access-log rows
    snapshot = InteractionSnapshot.objects.get(interaction_id=uid)

    def search(query: str) -> Callable[[str], str]:
        def result(language: str) -> str:
            response = agent_client.post(
                reverse("interactions:lookup"),
                {"query": query, "kind": "auto", "account": "sim-acme"},
                HTTP_ACCEPT_LANGUAGE=language,
            )
            return str(response["Location"])

        return result

    return {
        "lookup": _get(agent_client, reverse("interactions:home")),
        "lookup candidates": _get(agent_client, search("+1 (212) 555-0100")),
        "lookup nothing found": _get(agent_client, search("+1 (646) 555-0199")),
        "interaction": _get(agent_client, detail),
        "live interaction": _get(
            nora,
            reverse("interactions:detail", args=["sim-northwind", data.LIVE_UNIQUE_ID]),
        ),
        "review history": _get(supervisor_client, reverse("interactions:review")),
        "review access log": _get(
            supervisor_client,
            reverse("interactions:review-access-log", args=["sim-acme", uid]),
        ),
        "review stored copy": _get(supervisor_client, snapshot.get_absolute_url()),
    }


def _afresh() -> None:
    """No cached part and no open breaker: each visit meets the failure
    itself, not what an earlier visit left."""
    cache.clear()
    xplatform.clear_clients()


def _afresh_first(page: Page) -> Page:
    status, visit = page

    def afresh(language: str) -> Response:
        _afresh()
        return visit(language)

    return status, afresh


def _until(status: int, send: Callable[[], Response]) -> Response:
    """Send again until the answer is ``status`` (a limit reached)."""
    for _ in range(5):
        response = send()
        if response.status_code == status:
            return response
    raise AssertionError(f"no {status} after 5 tries")


def _northwind(slug: str, base_url: str, **fields: str) -> XPlatformAccount:
    """Another row of the simulator's Northwind, under its own name and slug."""
    return XPlatformAccount.objects.create(
        name=f"Northwind ({slug})",
        slug=slug,
        base_url=base_url,
        account_id=SIM_NORTHWIND.account_id,
        application_key=fields.pop("application_key", SIM_NORTHWIND.application_key),
        environment_name=SIM_NORTHWIND.environment_name or "",
        variable_sets=",".join(SIM_NORTHWIND.variable_sets),
        time_zone=SIM_NORTHWIND.time_zone,
    )


@pytest.fixture
def slow_sim() -> Iterator[RunningSimulator]:
    """An X-Platform of its own that takes longer than a request may wait."""
    with running_simulator() as running:
        running.faults.latency(SLOW_SECONDS)
        yield running


@pytest.fixture
def error_pages(
    agent,
    admin_user,
    supervisor_client,
    nora: Client,
    sim_accounts,
    simulator,
    slow_sim,
    settings,
):
    """Every error state the console renders as a page, each produced for
    real, with the status it answers."""
    settings.XPC_UPSTREAM_RETRIES = 0
    # The console cannot use its own stored key (it cannot go in a header):
    # AccountUnavailable, before any call is made.
    unusable = _northwind(
        "unusable", simulator.base_url, application_key="northwind\u00a0key"
    )
    # Nothing listens on this X-Platform's port.
    gone = _northwind("gone", f"http://127.0.0.1:{free_port()}")
    uma = logged_in(make_user("uma", "agent", [unusable]))
    gus = logged_in(make_user("gus", "agent", [gone]))
    slow = _northwind("slow", slow_sim.base_url)
    sol = logged_in(make_user("sol", "agent", [slow]))
    rita = logged_in(make_user("rita", "agent", [sim_accounts["acme"]]))
    make_user("lena", "agent", [sim_accounts["acme"]])
    billing = data.NORTHWIND_BILLING_UNIQUE_ID

    def northwind_page(faults: dict[str, str]) -> Page:
        """Northwind's interaction page while its X-Platform has ``faults``."""

        def visit(language: str) -> Response:
            simulator.control(SIM_NORTHWIND.account_id, faults=faults)
            _afresh()
            url = reverse("interactions:detail", args=["sim-northwind", billing])
            return nora.get(url, HTTP_ACCEPT_LANGUAGE=language)

        return 200, visit

    def lookup(client: Client, slug: str, query: str, status: int = 200) -> Page:
        def visit(language: str) -> Response:
            _afresh()
            return client.post(
                reverse("interactions:lookup"),
                {"query": query, "kind": "auto", "account": slug},
                HTTP_ACCEPT_LANGUAGE=language,
            )

        return status, visit

    def stale_form(language: str) -> Response:
        client = Client(enforce_csrf_checks=True)
        client.force_login(agent)
        client.cookies["csrftoken"] = "a" * 32  # the token of a tab left open
        return client.post(
            reverse("interactions:lookup"),
            {"query": "959595", "kind": "auto", "csrfmiddlewaretoken": "b" * 32},
            HTTP_ACCEPT_LANGUAGE=language,
        )

    def rate_limited(language: str) -> Response:
        def search() -> Response:
            return rita.post(
                reverse("interactions:lookup"),
                {"query": "+1 (646) 555-0199", "kind": "auto"},
                HTTP_ACCEPT_LANGUAGE=language,
            )

        with override_settings(XPC_RATE_LIMIT_SEARCH=1):
            return _until(429, search)

    def sign_in(user_name: str, address: str, language: str) -> Response:
        return Client().post(
            reverse("login"),
            {"username": user_name, "password": "not-the-password"},
            REMOTE_ADDR=address,
            HTTP_ACCEPT_LANGUAGE=language,
        )

    def locked_out(language: str) -> Response:
        with override_settings(XPC_LOGIN_FAILURE_LIMIT=2):
            return _until(429, lambda: sign_in("lena", "203.0.113.7", language))

    def too_many_sign_ins(language: str) -> Response:
        with override_settings(XPC_LOGIN_IP_RATE=1):
            return _until(429, lambda: sign_in("nobody", "198.51.100.20", language))

    def idle_signed_out(language: str) -> Response:
        client = logged_in(agent)
        session = client.session
        # Last seen longer ago than the idle timeout (interactions/middleware.py).
        idle = settings.XPC_SESSION_IDLE_TIMEOUT + 60
        session["xpc_last_seen"] = time.time() - idle
        session.save()
        return client.get("/", HTTP_ACCEPT_LANGUAGE=language, follow=True)

    def server_error(language: str) -> Response:
        def fails(**_: object) -> None:
            raise RuntimeError("a bug")

        client = logged_in(agent)
        client.raise_request_exception = False
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(services, "interaction_open", fails)
            return client.get(no_such, HTTP_ACCEPT_LANGUAGE=language)

    def too_slow(language: str) -> Response:
        _afresh()
        url = reverse("interactions:detail", args=["slow", billing])
        with override_settings(XPC_REQUEST_DEADLINE=SLOW_SECONDS / 4):
            return sol.get(url, HTTP_ACCEPT_LANGUAGE=language)

    def sso_failed(query: str, status: int) -> Page:
        def visit(language: str) -> Response:
            with override_settings(
                OIDC_RP_CLIENT_ID="console",
                AUTHENTICATION_BACKENDS=[*settings.AUTHENTICATION_BACKENDS, SSO],
            ):
                return Client().get(
                    reverse("oidc_authentication_callback") + query,
                    HTTP_ACCEPT_LANGUAGE=language,
                )

        return status, visit

    no_such = reverse("interactions:detail", args=["sim-acme", "9999999999"])
    return {
        "no such interaction": _get(logged_in(agent), no_such, 404),
        "not found": _get(logged_in(agent), "/no-such-page", 404),
        "not allowed": _get(
            logged_in_verified(admin_user), reverse("admin:auth_group_add"), 403
        ),
        "stale form": (403, stale_form),
        "rate limited": (429, rate_limited),
        "sign-in locked out": (429, locked_out),
        "too many sign-ins": (429, too_many_sign_ins),
        "signed out when idle": (200, idle_signed_out),
        "server error": (500, server_error),
        "unavailable": _get(
            uma, reverse("interactions:detail", args=["unusable", billing]), 503
        ),
        "lookup, unusable credentials": lookup(uma, "unusable", billing, 503),
        "interaction, X-Platform unreachable": _afresh_first(
            _get(gus, reverse("interactions:detail", args=["gone", billing]))
        ),
        "lookup, X-Platform unreachable": lookup(gus, "gone", billing),
        "interaction, X-Platform failing": northwind_page({"*": "fail:503"}),
        "interaction, credentials refused": northwind_page({"*": "fail:401"}),
        "interaction, unreadable answers": northwind_page({"*": "invalid_json"}),
        "interaction, X-Platform too slow": (200, too_slow),
        "lookup, not a number or an ID": lookup(nora, "sim-northwind", "hello?", 400),
        "lookup, expired result": _get(
            nora, reverse("interactions:lookup_result", args=["0" * 32]), follow=True
        ),
        "review, a day out of range": _get(
            supervisor_client, reverse("interactions:review") + "?date_from=1800-01-01"
        ),
        "sign-in refused at the provider": sso_failed("?error=access_denied", 403),
        "sign-in link expired": sso_failed("", 400),
    }


@pytest.fixture
def every_page(pages, error_pages):
    return {**pages, **error_pages}


def _left_in_english(
    english: VisibleText, other: VisibleText, language: str
) -> set[str]:
    """The English page's strings found in the other page: whole strings,
    and sentences of four words or more inside a translated one (an English
    message put into a translated sentence, "Respuestas no disponibles: The
    X-Platform server ...")."""
    whole = {
        words
        for words in other.words & english.words
        if words not in DATA | ALLOWED[language] and not SAME_UNITS.match(words)
    }
    inside = {
        sentence
        for words in english.words
        for sentence in SENTENCE_END.split(words)
        if len(WORD.findall(sentence)) >= 4
        and any(sentence in text for text in other.words)
        # Data quoted in a sentence: "Photo 1 of 2, from step 6: <step title>".
        and not any(sentence in data for data in english.data)
    }
    return whole | inside


@pytest.mark.parametrize("language", ["es", "he"])
def test_no_visible_string_is_left_in_english(every_page, language):
    left = {}
    for name, page in every_page.items():
        english = _read(page, "en", name)
        other = _read(page, language, name)
        assert english.html_lang == "en", name
        assert other.html_lang == language, name
        same = _left_in_english(english, other, language)
        if same:
            left[name] = sorted(same)
    assert left == {}, left


# What each error state says in English: the visit reached that state.
SAYS = {
    "no such interaction": "No such interaction",
    "not found": "There is nothing here, or you do not have access to it.",
    "not allowed": "Your role does not allow this.",
    "stale form": "This form was open too long",
    "rate limited": "You reached the limit of 1 per minute",
    "sign-in locked out": "Too many failed sign-ins for this user name",
    "too many sign-ins": "Your address passed the limit of 1 failed sign-in",
    "signed out when idle": "You were signed out after 60 minutes without activity.",
    "server error": "The console hit an unexpected problem.",
    "unavailable": "This account's X-Platform credentials cannot be used",
    "lookup, unusable credentials": "This account's X-Platform credentials cannot",
    "interaction, X-Platform unreachable": "X-Platform server could not be reached.",
    "lookup, X-Platform unreachable": "The lookup failed, so the interaction may",
    "interaction, X-Platform failing": "reported an error (HTTP 503)",
    "interaction, credentials refused": "refused this account's credentials.",
    "interaction, unreadable answers": "sent an answer the console cannot read",
    "interaction, X-Platform too slow": "took too long to answer",
    "lookup, not a number or an ID": "That is neither a phone number nor an",
    "lookup, expired result": "That list of matches has expired.",
    "review, a day out of range": "Choose a day between 1900-01-01 and 9998-12-31.",
    "sign-in refused at the provider": "cancelled or refused at the identity provider",
    "sign-in link expired": "This sign-in link was already used or has expired",
}


def test_each_error_state_is_the_one_named(error_pages):
    assert set(error_pages) == set(SAYS)
    for name, page in error_pages.items():
        words = _read(page, "en", name).words
        assert any(SAYS[name] in text for text in words), (name, sorted(words))


@pytest.mark.parametrize("language", ["es", "he"])
def test_a_failure_told_with_detail_is_said_in_the_language_without_it(
    error_pages, language
):
    """The client's message with the upstream status is English only; another
    language says the failure's own message (interactions/errors.py)."""
    page = error_pages["interaction, X-Platform failing"]
    english = _read(page, "en").words
    assert any("(HTTP 503)" in text for text in english)
    other = _read(page, language).words
    with translation.override(language):
        said = translation.gettext(XPlatformUnavailable.default_message)
    assert said != XPlatformUnavailable.default_message
    assert any(said in text for text in other), sorted(other)
    assert not any("HTTP 503" in text for text in other)


def test_the_pages_follow_the_language_the_browser_asks_for(pages):
    page = pages["interaction"]
    assert _read(page, "en-GB,en;q=0.9").html_lang == "en"
    assert _read(page, "es-MX,es;q=0.9").html_lang == "es"
    # A language the console does not have: English, the default.
    assert _read(page, "fr-FR,fr;q=0.9").html_lang == "en"
    # No Accept-Language at all (the test client's default): English.
    assert _read(page, "").html_lang == "en"


def test_hebrew_pages_are_right_to_left(every_page):
    for name, page in every_page.items():
        hebrew = _read(page, "he", name)
        assert (hebrew.html_lang, hebrew.html_dir) == ("he", "rtl"), name
        english = _read(page, "en", name)
        assert (english.html_lang, english.html_dir) == ("en", "ltr"), name


def test_the_language_menu_keeps_the_choice_over_the_browser(agent_client):
    response = agent_client.post(
        reverse("set_language"), {"language": "he", "next": "/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = _read(_get(agent_client, "/"), "es")
    assert (page.html_lang, page.html_dir) == ("he", "rtl")
    assert "חיפוש המסלול של לקוח" in page.words


def test_the_language_menu_refuses_a_post_without_its_csrf_token(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(reverse("set_language"), {"language": "he", "next": "/"})
    assert response.status_code == 403
