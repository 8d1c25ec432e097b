"""The interaction page's sections rendered once per content and shared
between viewers (interactions/section_cache.py, docs/performance.md)."""

from __future__ import annotations

import copy
import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from interactions import section_cache
from interactions.models import InteractionSnapshot
from interactions.simulator import data
from interactions.views import LIVE_SECTIONS
from tests.review.conftest import detail_url, viewed_page

FIVE = {f"{name}.html" for name in LIVE_SECTIONS}


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The section templates rendered meanwhile (the macros they import
    are not counted)."""
    names: list[str] = []
    render = section_cache._render_section

    def counted(name: str, context: dict[str, object]) -> str:
        names.append(f"{name}.html")
        return render(name, context)

    monkeypatch.setattr(section_cache, "_render_section", counted)
    return names


def test_a_second_viewer_of_the_same_content_renders_no_section(
    agent_client, supervisor_client, renders
):
    first = agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert sorted(renders) == sorted(FIVE)
    renders.clear()
    second = supervisor_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID))
    assert second.status_code == 200
    assert renders == ["status.html"]  # "data as of" is the time of the view
    for name in ("answers", "timeline", "variables", "photos"):
        assert second.context["sections"][name] == first.context["sections"][name]
    # Each page still has its own session's CSRF token, outside the sections.
    assert first.context["csrf_token"] != second.context["csrf_token"]
    for html in second.context["sections"].values():
        assert str(first.context["csrf_token"]) not in html


def test_new_content_is_rendered_again(agent_client, renders):
    page = viewed_page(agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)))
    section_cache.sections(page, False, LIVE_SECTIONS)
    renders.clear()
    later = dataclasses.replace(page, data_as_of=page.data_as_of + timedelta(seconds=5))
    sections, _ = section_cache.sections(later, False, LIVE_SECTIONS)
    assert renders == ["status.html"]
    assert later.data_as_of.strftime("%H:%M:%S") in sections["status"]
    renders.clear()
    fewer = dataclasses.replace(page, answers=page.answers[:-1])
    sections, _ = section_cache.sections(fewer, False, LIVE_SECTIONS)
    assert sorted(renders) == sorted(FIVE)
    assert sections["answers"].count('class="answer"') == len(page.answers) - 1


def test_the_key_stands_for_every_value_of_the_page(agent_client):
    page = viewed_page(agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)))
    assert page.photos
    names = ("photos",)
    key = section_cache._key(page, False, names)
    assert section_cache._key(copy.deepcopy(page), False, names) == key
    photo = page.photos[0]
    moved = dataclasses.replace(photo, full_url=photo.full_url + "?moved")
    other = dataclasses.replace(page, photos=[moved, *page.photos[1:]])
    assert section_cache._key(other, False, names) != key
    renamed = dataclasses.replace(page.answers[0], question="Another question")
    other = dataclasses.replace(page, answers=[renamed, *page.answers[1:]])
    assert section_cache._key(other, False, names) != key
    assert section_cache._key(page, True, names) != key
    assert section_cache._key(page, False, ("answers",)) != key


def test_the_stored_copy_and_another_language_are_rendered_apart(
    agent_client, supervisor_client, renders
):
    page = viewed_page(agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)))
    live, _ = section_cache.sections(page, False, ("status",))
    stored, _ = section_cache.sections(page, True, ("status",))
    assert "Status then" in stored["status"]
    assert "Status then" not in live["status"]
    with translation.override("es"):
        key_es = section_cache._key(page, False, ("answers",))
    assert key_es != section_cache._key(page, False, ("answers",))
    snapshot = InteractionSnapshot.objects.get()
    renders.clear()
    copy = supervisor_client.get(f"/review/snapshots/{snapshot.pk}/")
    assert copy.status_code == 200
    assert "status.html" in renders  # not the live page's sections


def test_a_live_flow_s_time_so_far_is_filled_in_for_each_view_of_one_rendering(
    agent_client, renders
):
    """The time spent so far on the last page grows with every refresh: the
    timeline is still rendered once per content, each view saying its own
    time where the template put it."""
    page = viewed_page(agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)))
    last = page.steps[-1]
    assert last.time is not None

    def so_far(seconds: int) -> Any:
        step = dataclasses.replace(
            last, spent=timedelta(seconds=seconds), spent_so_far=True
        )
        return dataclasses.replace(page, steps=[*page.steps[:-1], step])

    renders.clear()
    first, first_digests = section_cache.sections(so_far(75), False, LIVE_SECTIONS)
    later, later_digests = section_cache.sections(so_far(130), False, LIVE_SECTIONS)
    with translation.override("es"):
        spanish, _ = section_cache.sections(so_far(130), False, ("timeline",))
    just_now, _ = section_cache.sections(so_far(0), False, LIVE_SECTIONS)
    assert renders.count("timeline.html") == 2  # English, then Spanish
    assert "</time> · 1 min 15 s so far</span>" in first["timeline"]
    assert "</time> · 2 min 10 s so far</span>" in later["timeline"]
    assert "</time> · 2 min 10 s hasta ahora</span>" in spanish["timeline"]
    assert "so far" not in just_now["timeline"]  # no time spent yet: none said
    for html in (first["timeline"], later["timeline"], spanish["timeline"]):
        assert section_cache._so_far_marker() not in html
    # Live refresh swaps what changed: the timeline, not the answers.
    assert first_digests["timeline"] != later_digests["timeline"]
    assert first_digests["answers"] == later_digests["answers"]


def test_a_page_without_its_times_says_unknown(agent_client):
    """The status section of a page whose server could not say when: plain
    words, and nothing of the template's own syntax."""
    page = viewed_page(agent_client.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)))
    timeless = dataclasses.replace(
        page, started_at=None, last_activity=None, data_as_of=None
    )
    for stored in (False, True):
        status = section_cache.sections(timeless, stored, ("status",))[0]["status"]
        assert status.count("unknown") == 3
        assert "<time" not in status
        assert "{" not in status


def test_a_release_that_changes_a_section_template_has_new_keys(tmp_path, settings):
    """Old and new processes of a rolling release never serve each other's
    sections: the key holds the sections' templates."""
    source = Path(settings.BASE_DIR) / "templates" / "jinja2" / "interactions"
    copy = tmp_path / "templates" / "jinja2" / "interactions"
    shutil.copytree(source, copy)
    settings.BASE_DIR = tmp_path
    version = section_cache._templates_version.__wrapped__
    before = version()
    timeline = copy / "timeline.html"
    timeline.write_text(timeline.read_text().replace("step-time", "step-clock"))
    assert version() != before
