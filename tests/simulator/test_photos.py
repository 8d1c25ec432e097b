"""Get Interaction Photo: path encodings, maxSize, content types and EXIF."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from PIL import ExifTags, Image, ImageOps

from interactions.simulator import data

ACME = data.ACME_ACCOUNT_ID
NORTHWIND = data.NORTHWIND_ACCOUNT_ID
BASE = f"/interact/agent/version/2/account/{ACME}"
NW_BASE = f"/interact/agent/version/2/account/{NORTHWIND}"


def double_encoded(path: str) -> str:
    """img_path percent-encoded twice into one segment (decision g)."""
    return quote(quote(path, safe="@"), safe="@")


def legacy(path: str) -> str:
    directory, _, name = path.rpartition("/")
    stem, _, extension = name.rpartition(".")
    return f"{directory}/{stem}@@@@@{extension}"


def photo_url(base: str, uid: str, segment: str, max_size: str | None = "1600") -> str:
    query = f"?maxSize={max_size}" if max_size is not None else ""
    return f"{base}/photo/{uid}/{segment}{query}"


def open_image(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    image.load()
    return image


def test_double_encoded_path_returns_the_jpeg(simulator):
    url = photo_url(BASE, "040100713", double_encoded(data.EXIF_PHOTO_PATH), "5000")
    assert "%252Fmnt%252Fsdcard%252FDCIM" in url
    response = simulator.get(url, account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/jpg;charset=UTF-8"
    assert response.body == simulator.dataset.photos.get(data.EXIF_PHOTO_PATH).data


def test_documented_example_path_is_served(simulator):
    # The exact segment of decision g's table.
    segment = "%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579.png"
    response = simulator.get(photo_url(BASE, "040100713", segment), account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"
    assert open_image(response.body).format == "PNG"


def test_legacy_at_sign_form_is_served(simulator):
    segment = "%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579@@@@@png"
    response = simulator.get(photo_url(BASE, "040100713", segment), account=ACME)
    assert response.status == 200
    assert response.body == simulator.dataset.photos.get(data.PNG_PHOTO_PATH).data


def test_legacy_form_replaces_only_the_last_dot(simulator):
    segment = double_encoded(legacy(data.EXIF_PHOTO_PATH))
    assert segment.endswith("IMG_20250601_101512@@@@@jpg")
    response = simulator.get(photo_url(BASE, "040100713", segment), account=ACME)
    assert response.status == 200


def test_legacy_form_with_encoded_at_signs_is_served(simulator):
    segment = quote(quote(legacy(data.PNG_PHOTO_PATH), safe=""), safe="")
    assert "%2540%2540" in segment
    response = simulator.get(photo_url(BASE, "040100713", segment), account=ACME)
    assert response.status == 200


def test_path_without_extension_is_served(simulator):
    # Uniphore's example drops the extension (U-PH).
    segment = "%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579"
    response = simulator.get(photo_url(BASE, "040100713", segment), account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"


def test_single_encoded_path_is_refused(simulator):
    segment = quote(data.PNG_PHOTO_PATH, safe="")
    response = simulator.get(photo_url(BASE, "040100713", segment), account=ACME)
    assert response.status == 400
    assert response.text == "missing or invalid parameter img_path"


def test_unencoded_path_is_not_a_route(simulator):
    response = simulator.get(
        f"{BASE}/photo/040100713{data.PNG_PHOTO_PATH}?maxSize=100", account=ACME
    )
    assert response.status == 404


def test_gif_content_type(simulator):
    url = photo_url(NW_BASE, "959595", double_encoded(data.GIF_PHOTO_PATH))
    response = simulator.get(url, account=NORTHWIND)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/gif"
    assert open_image(response.body).format == "GIF"


@pytest.mark.parametrize("max_size", [None, "", "abc", "-5", "0", "1.5", "1e3"])
def test_missing_or_invalid_max_size_is_400(simulator, max_size):
    url = photo_url(BASE, "040100713", double_encoded(data.PNG_PHOTO_PATH), max_size)
    response = simulator.get(url, account=ACME)
    assert response.status == 400
    assert response.headers["Content-Type"] == "text/plain;charset=UTF-8"
    assert response.text == "missing or invalid parameter maxSize"


def test_max_size_scales_the_largest_side(simulator):
    url = photo_url(BASE, "040100713", double_encoded(data.PNG_PHOTO_PATH), "60")
    image = open_image(simulator.get(url, account=ACME).body)
    assert image.size == (60, 45)
    assert image.format == "PNG"


def test_max_size_at_or_above_the_size_returns_original_bytes(simulator):
    original = simulator.dataset.photos.get(data.PNG_PHOTO_PATH).data
    url = photo_url(BASE, "040100713", double_encoded(data.PNG_PHOTO_PATH), "800")
    assert simulator.get(url, account=ACME).body == original


def test_original_jpeg_keeps_orientation_and_gps(simulator):
    url = photo_url(BASE, "040100713", double_encoded(data.EXIF_PHOTO_PATH), "1600")
    image = open_image(simulator.get(url, account=ACME).body)
    assert image.size == (1200, 1600)  # stored rotated
    exif = image.getexif()
    assert exif[ExifTags.Base.Orientation] == 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert gps[ExifTags.GPS.GPSLongitudeRef] == "W"
    assert ImageOps.exif_transpose(image).size == (1600, 1200)


def test_scaled_jpeg_keeps_its_exif(simulator):
    url = photo_url(BASE, "040100713", double_encoded(data.EXIF_PHOTO_PATH), "400")
    image = open_image(simulator.get(url, account=ACME).body)
    assert image.size == (300, 400)
    exif = image.getexif()
    assert exif[ExifTags.Base.Orientation] == 6
    assert ExifTags.GPS.GPSLatitude in exif.get_ifd(ExifTags.IFD.GPSInfo)


def test_big_photo_is_twelve_megapixels(simulator):
    url = photo_url(
        BASE, data.BIG_PHOTO_UNIQUE_ID, double_encoded(data.BIG_PHOTO_PATH), "4000"
    )
    image = open_image(simulator.get(url, account=ACME).body)
    assert image.size == (4000, 3000)


def test_big_photo_scaled_for_full_view(simulator):
    url = photo_url(
        BASE, data.BIG_PHOTO_UNIQUE_ID, double_encoded(data.BIG_PHOTO_PATH), "1600"
    )
    response = simulator.get(url, account=ACME)
    assert response.headers["Content-Type"] == "image/jpg;charset=UTF-8"
    assert open_image(response.body).size == (1600, 1200)


def test_photo_of_another_instance_is_404(simulator):
    url = photo_url(BASE, data.BIG_PHOTO_UNIQUE_ID, double_encoded(data.PNG_PHOTO_PATH))
    response = simulator.get(url, account=ACME)
    assert response.status == 404
    assert response.text == "photo was not found"


def test_unknown_photo_path_is_404(simulator):
    url = photo_url(BASE, "040100713", double_encoded("/mnt/sdcard/none.jpg"))
    response = simulator.get(url, account=ACME)
    assert response.status == 404
    assert response.text == "photo was not found"


def test_photo_of_unknown_instance_is_404(simulator):
    url = photo_url(BASE, "111", double_encoded(data.PNG_PHOTO_PATH))
    response = simulator.get(url, account=ACME)
    assert response.status == 404
    assert response.text == "photo was not found"


def test_photo_needs_credentials(simulator):
    url = photo_url(BASE, "040100713", double_encoded(data.PNG_PHOTO_PATH))
    response = simulator.get(url, headers={"Tenant-Id": ACME})
    assert response.status == 401
    assert response.headers["Unauthenticated-Reason"] == "missing Application-Key"


def test_every_photo_in_the_full_flows_can_be_fetched(simulator):
    simulator.clock.advance(60)  # the live instance has uploaded both photos
    fetched = set()
    for account in data.DEMO_ACCOUNTS:
        base = f"/interact/agent/version/2/account/{account.account_id}"
        for instance in simulator.dataset.instances_of(account.account_id):
            pages = simulator.get(
                f"{base}/interactiondata/{instance.unique_id}/fullFlow",
                account=account.account_id,
            ).json()
            for page in pages:
                for section in page["pageContent"].get("contentSections", []):
                    for choice in section["sectionChoices"]:
                        for image in choice.get("uploadImageList", {}).get(
                            "images", []
                        ):
                            url = photo_url(
                                base,
                                instance.unique_id,
                                double_encoded(image["imagePath"]),
                                "64",
                            )
                            response = simulator.get(url, account=account.account_id)
                            assert response.status == 200, image["imagePath"]
                            assert max(open_image(response.body).size) == 64
                            fetched.add(image["imagePath"])
    assert fetched == set(simulator.dataset.photos.paths())
