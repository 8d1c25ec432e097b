"""The API reports the upstream failure itself, never a consequence of it
(issue 10, "exact failure reporting")."""

from __future__ import annotations

from django.core.cache import cache

from interactions import upstream
from interactions.models import XPlatformAccount
from interactions.simulator import data
from tests.api.support import assert_error, detail_url, lookup, rows


def _photo_url() -> str:
    account = XPlatformAccount.objects.get(slug="sim-acme")
    interaction = upstream.interaction_fetch(
        account=account, unique_id=data.LEADING_ZERO_UNIQUE_ID
    )
    ref = next(p for p in interaction.photos if p.path == data.PNG_PHOTO_PATH)
    return f"{detail_url(data.LEADING_ZERO_UNIQUE_ID)}/photos/{ref.key}/thumb"


def test_photo_when_the_flow_fails_answers_the_flows_failure(api, simulator):
    url = _photo_url()
    cache.clear()
    simulator.faults.fail("fullFlow", status=503, times=None)
    error = assert_error(api.get(url), 503, "upstream_unavailable")
    assert "not part of the interaction" not in error["message"]
    row = rows()[-1]
    assert (row.action, row.outcome, row.error_kind) == (
        "photo",
        "upstream_error",
        "unavailable",
    )
    assert not [h for h in simulator.hits if "/photo/" in h.path]


def test_lookup_whose_searches_failed_is_an_upstream_error(api, simulator):
    simulator.faults.fail("uniqueId", status=503, times=None)
    response = lookup(api, "2125550100")
    error = assert_error(response, 503, "upstream_unavailable")
    assert (
        "a Call Return Number or a Click-to-Call Caller ID failed" in error["message"]
    )
    (row,) = rows()
    assert (row.outcome, row.error_kind) == ("upstream_error", "unavailable")
