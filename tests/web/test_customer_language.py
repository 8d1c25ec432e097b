"""Customer text in its own direction and language (docs/i18n.md).

The Hebrew claim's pages say ``"language": "he"``: everything the customer
read or typed there (steps, answers, the last answer at a glance, the
customer's name and variables, photo captions) carries ``lang="he"`` and
``dir="auto"`` inside an English console, and the console's own words carry
neither. An English flow's text says ``lang="en"``.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from interactions.models import InteractionSnapshot
from interactions.simulator import data


class TextAttributes(HTMLParser):
    """For each piece of text: the lang and dir of its nearest element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.found: dict[str, tuple[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source"}:
            self.stack.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, text: str) -> None:
        text = " ".join(text.split())
        if text and self.stack:
            values = self.stack[-1][1]
            self.found.setdefault(text, (values.get("lang", ""), values.get("dir", "")))


def _text_attributes(html: bytes) -> dict[str, tuple[str, str]]:
    parser = TextAttributes()
    parser.feed(html.decode())
    return parser.found


HEBREW_TEXT = [
    data.HEBREW_ANSWER,  # typed: in the answers, the timeline, at a glance
    "רחוב הרצל 12, חיפה",  # typed, and a variable's value
    "היכן קרתה התאונה?",  # a question of the flow
    "לא, צריך גרר",  # the chosen option
    "מה קרה?",  # a step's title
    "נועה לוי",  # the customer's name at a glance
    "דיווח על תאונת רכב",  # the flow's name
]


@pytest.fixture
def home(sim_accounts):
    return sim_accounts["acme"]


@pytest.fixture
def hebrew_page(agent_client):
    url = reverse("interactions:detail", args=["sim-acme", data.HEBREW_UNIQUE_ID])
    response = agent_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def test_hebrew_customer_text_says_its_language_in_an_english_page(hebrew_page):
    assert b'<html lang="en" dir="ltr"' in hebrew_page.content
    found = _text_attributes(hebrew_page.content)
    for text in HEBREW_TEXT:
        assert found.get(text) == ("he", "auto"), (text, found.get(text))
    # The console's own words stay in the page's language.
    assert found["Answers"] == ("", "")
    assert found["Last answer:"] == ("", "")


def test_each_occurrence_of_customer_text_carries_the_language(hebrew_page):
    html = hebrew_page.content.decode()
    answer = data.HEBREW_ANSWER
    occurrences = html.count(f">{answer}<")
    assert occurrences >= 2  # in the answers and in the timeline
    assert html.count(f'dir="auto" lang="he">{answer}<') == occurrences
    # The last answer, at a glance and in both lists.
    last = "לא, צריך גרר"
    assert html.count(f'<strong dir="auto" lang="he">{last}</strong>') == 1


def test_an_english_flow_says_english(agent_client):
    url = reverse("interactions:detail", args=["sim-acme", data.LEADING_ZERO_UNIQUE_ID])
    found = _text_attributes(agent_client.get(url).content)
    assert found["Zoë Ångström"] == ("en", "auto")
    assert found["Junction of Main St & 5th Ave, Springfield"] == ("en", "auto")


def test_the_stored_copy_keeps_the_language(agent_client, supervisor_client):
    url = reverse("interactions:detail", args=["sim-acme", data.HEBREW_UNIQUE_ID])
    assert agent_client.get(url).status_code == 200
    snapshot = InteractionSnapshot.objects.get(interaction_id=data.HEBREW_UNIQUE_ID)
    response = supervisor_client.get(snapshot.get_absolute_url())
    assert response.status_code == 200
    found = _text_attributes(response.content)
    assert found[data.HEBREW_ANSWER] == ("he", "auto")
