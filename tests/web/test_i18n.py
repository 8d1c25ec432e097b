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
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from interactions.models import InteractionSnapshot
from interactions.simulator import data

# A page's address, or how to reach it in a language (a result page keeps
# the sentences of the search, said in the language the search was made in).
Url = str | Callable[[str], str]
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
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


class VisibleText(HTMLParser):
    """The words of a page a person reads, leaving out data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.words: set[str] = set()
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

    def _add(self, text: str) -> None:
        words = " ".join(text.split())
        if LETTERS.search(words):
            self.words.add(words)


def _read(client: Client, url: Url, language: str) -> VisibleText:
    if callable(url):
        url = url(language)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in {200, 403, 404}, (url, response.status_code)
    page = VisibleText()
    page.feed(response.content.decode())
    return page


@pytest.fixture
def home(sim_accounts):
    return sim_accounts["acme"]


@pytest.fixture
def pages(agent_client, supervisor_client, sim_accounts):
    """The pages to compare, each as (client, url), their state set up."""
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
        "lookup": (agent_client, reverse("interactions:home")),
        "lookup candidates": (agent_client, search("+1 (212) 555-0100")),
        "lookup nothing found": (agent_client, search("+1 (646) 555-0199")),
        "interaction": (agent_client, detail),
        "live interaction": (
            agent_client,
            reverse("interactions:detail", args=["sim-acme", data.LIVE_UNIQUE_ID]),
        ),
        "review history": (supervisor_client, reverse("interactions:review")),
        "review access log": (
            supervisor_client,
            reverse("interactions:review-access-log", args=["sim-acme", uid]),
        ),
        "review stored copy": (supervisor_client, snapshot.get_absolute_url()),
        "no such interaction": (
            agent_client,
            reverse("interactions:detail", args=["sim-acme", "9999999999"]),
        ),
        "not found": (agent_client, "/no-such-page"),
    }


@pytest.mark.parametrize("language", ["es", "he"])
def test_no_visible_string_is_left_in_english(pages, language):
    left = {}
    for name, (client, url) in pages.items():
        english = _read(client, url, "en")
        other = _read(client, url, language)
        assert english.html_lang == "en", name
        assert other.html_lang == language, name
        same = other.words & english.words
        same = {
            words
            for words in same
            if words not in DATA | ALLOWED[language] and not SAME_UNITS.match(words)
        }
        if same:
            left[name] = sorted(same)
    assert left == {}, left


def test_the_pages_follow_the_language_the_browser_asks_for(pages):
    client, url = pages["interaction"]
    assert _read(client, url, "en-GB,en;q=0.9").html_lang == "en"
    assert _read(client, url, "es-MX,es;q=0.9").html_lang == "es"
    # A language the console does not have: English, the default.
    assert _read(client, url, "fr-FR,fr;q=0.9").html_lang == "en"
    # No Accept-Language at all (the test client's default): English.
    assert _read(client, url, "").html_lang == "en"


def test_hebrew_pages_are_right_to_left(pages):
    for name, (client, url) in pages.items():
        page = _read(client, url, "he")
        assert (page.html_lang, page.html_dir) == ("he", "rtl"), name
        english = _read(client, url, "en")
        assert (english.html_lang, english.html_dir) == ("en", "ltr"), name


def test_the_language_menu_keeps_the_choice_over_the_browser(agent_client):
    response = agent_client.post(
        reverse("set_language"), {"language": "he", "next": "/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = _read(agent_client, "/", "es")
    assert (page.html_lang, page.html_dir) == ("he", "rtl")
    assert "חיפוש המסלול של לקוח" in page.words


def test_the_language_menu_refuses_a_post_without_its_csrf_token(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(reverse("set_language"), {"language": "he", "next": "/"})
    assert response.status_code == 403
