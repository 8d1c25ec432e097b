"""GET /api/v1/accounts/<slug>/interactions/<id>/photos/<key>/<thumb|full>."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from interactions import upstream
from interactions.models import XPlatformAccount
from interactions.simulator import data
from tests.api.support import assert_error, detail_url, rows


def _photo_urls(unique_id: str = data.LEADING_ZERO_UNIQUE_ID) -> dict[str, str]:
    """Photo path -> API URL prefix (without the size)."""
    account = XPlatformAccount.objects.get(slug="sim-acme")
    interaction = upstream.interaction_fetch(account=account, unique_id=unique_id)
    return {
        ref.path: f"{detail_url(unique_id)}/photos/{ref.key}"
        for ref in interaction.photos
    }


def test_urls_listed_by_the_interaction_serve_reencoded_jpegs(api):
    photos = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID)).json()["photos"]
    response = api.get(photos[0]["full_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    thumb = api.get(photos[0]["thumbnail_url"])
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 512


def test_accept_image_jpeg_is_honoured(api):
    url = _photo_urls()[data.PNG_PHOTO_PATH] + "/thumb"
    response = api.get(url, HTTP_ACCEPT="image/jpeg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_photo_view_is_recorded_with_source_api(api):
    url = _photo_urls()[data.PNG_PHOTO_PATH] + "/full"
    api.get(url)
    (row,) = rows()
    assert row.action == "photo"
    assert row.outcome == "found"
    assert row.source == "api"
    assert row.interaction_id == data.LEADING_ZERO_UNIQUE_ID


def test_corrupt_photo_is_a_json_error_not_a_placeholder(api, simulator):
    url = _photo_urls()[data.PNG_PHOTO_PATH] + "/thumb"
    simulator.faults.corrupt_image()
    response = api.get(url, HTTP_ACCEPT="image/jpeg")
    error = assert_error(response, 502, "upstream_bad_response")
    assert "damaged" in error["message"]
    assert "no-store" in response["Cache-Control"]
    assert rows()[-1].outcome == "upstream_error"


@pytest.mark.parametrize(
    ("status", "code"),
    [(503, "upstream_unavailable"), (401, "upstream_auth_failed")],
)
def test_photo_upstream_failures_are_mapped(api, simulator, status, code):
    url = _photo_urls()[data.PNG_PHOTO_PATH] + "/full"
    simulator.faults.fail("photo", status=status, times=None)
    assert_error(api.get(url), status if status != 401 else 424, code)


def test_photo_gone_upstream_is_404(api, simulator):
    url = _photo_urls()[data.PNG_PHOTO_PATH] + "/full"
    simulator.faults.fail("photo", status=404, times=None)
    assert_error(api.get(url), 404, "not_found")
    assert rows()[-1].outcome == "not_found"


def test_unknown_photo_key_is_404_without_a_photo_call(api, simulator):
    url = f"{detail_url(data.LEADING_ZERO_UNIQUE_ID)}/photos/{'a' * 20}/thumb"
    error = assert_error(api.get(url), 404, "not_found")
    assert "not part of the interaction" in error["message"]
    assert not [h for h in simulator.hits if "/photo/" in h.path]


def test_photo_of_another_account_is_404_denied_without_a_call(api, simulator):
    url = (
        f"{detail_url(data.ROUTER_UNIQUE_ID, slug='sim-northwind')}"
        f"/photos/{'0' * 20}/thumb"
    )
    assert_error(api.get(url), 404, "not_found")
    assert simulator.hits == []
    (row,) = rows()
    assert (row.outcome, row.action, row.source) == ("denied", "photo", "api")


@pytest.mark.parametrize("tail", ["/photos/xyz/thumb", "/photos/" + "a" * 20 + "/big"])
def test_malformed_photo_url_is_a_json_404(api, simulator, tail):
    response = api.get(detail_url(data.LEADING_ZERO_UNIQUE_ID) + tail)
    assert_error(response, 404, "not_found")
    assert simulator.hits == []
