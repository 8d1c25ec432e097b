"""Tests for interactions.images: decode untrusted photos, re-encode safely.

Every input image is generated here with Pillow; nothing is downloaded.
"""

from __future__ import annotations

import io
import logging
import struct
import subprocess
import sys
import time
import warnings
import zlib
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import (
    ExifTags,
    Image,
    ImageCms,
    ImageDraw,
    ImageFile,
    JpegImagePlugin,
    UnidentifiedImageError,
)

from interactions import images
from interactions.images import (
    FULL_VIEW_MAX_SIZE,
    MAX_PIXELS,
    ImageRejected,
    RenderedImage,
    placeholder_image,
    render_photo,
    render_thumbnail,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = b"<script>alert('xss')</script><img src=x onerror=alert(1)>"
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)
PLACEHOLDER_BACKGROUND = 229


# --- helpers ---------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def reopen(rendered: RenderedImage) -> Image.Image:
    image = Image.open(io.BytesIO(rendered.content))
    image.load()
    return image


def close_to(actual, expected, tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def png_bomb(width: int, height: int) -> bytes:
    """A valid mode "1" PNG of all-zero rows: tiny on disk, huge decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    idat = b"".join(compressor.compress(row) for _ in range(height))
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def fits_file() -> bytes:
    cards = [
        "SIMPLE  =                    T",
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        "NAXIS1  =                   16",
        "NAXIS2  =                   16",
        "END",
    ]
    header = "".join(card.ljust(80) for card in cards).ljust(2880)
    return header.encode("ascii") + bytes(2880)


def marked_jpeg_with_metadata() -> bytes:
    """200x100, red marker top-left, Orientation=6, GPS, and HTML payloads."""
    image = Image.new("RGB", (200, 100), BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, 29, 29), fill=RED)

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.ImageDescription] = PAYLOAD.decode()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 41.0)
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.UserComment] = (
        b"ASCII\x00\x00\x00" + PAYLOAD
    )
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        image,
        "JPEG",
        quality=95,
        exif=exif.tobytes(),
        comment=PAYLOAD,
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>" + PAYLOAD + b"</x:xmpmeta>",
        icc_profile=srgb,
    )


def small_jpeg(size: tuple[int, int] = (200, 100)) -> bytes:
    return encode(Image.new("RGB", size, GREEN), "JPEG", quality=95)


@pytest.fixture(scope="module")
def jpeg_12mp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4000x3000 JPEG with noise, so it decodes like a real photo."""
    size = (4000, 3000)
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 40)
    flipped = gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    path = tmp_path_factory.mktemp("photos") / "12mp.jpg"
    Image.merge("RGB", [gradient, noise, flipped]).save(path, "JPEG", quality=90)
    return path


@pytest.fixture(scope="module")
def bomb_20000() -> bytes:
    return png_bomb(20000, 20000)


def peak_memory_growth_kib(data_path: Path, call: str) -> tuple[int, str]:
    """Run `call` on the file's bytes in a fresh interpreter.

    Returns the growth of peak RSS over the RSS just before the call, and
    the call's outcome. tracemalloc cannot see Pillow's pixel buffers (C
    malloc), so the kernel's high-water mark is read instead: VmHWM, which
    unlike ru_maxrss is not inherited from the forking pytest process.
    """
    script = f"""
import sys
from pathlib import Path
from interactions.images import ImageRejected, render_photo, render_thumbnail

def status_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)

data = Path(sys.argv[1]).read_bytes()
try:
    # "5" resets the peak (VmHWM) to the current RSS, dropping import spikes.
    Path("/proc/self/clear_refs").write_text("5")
except OSError:
    pass
before = status_kib("VmRSS")
try:
    outcome = repr({call})[:40]
except ImageRejected as rejected:
    outcome = rejected.code
print(status_kib("VmHWM") - before, outcome)
"""
    # Fixed interpreter, fixed script, a pytest-made path: no untrusted input.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, str(data_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    growth, outcome = result.stdout.split(maxsplit=1)
    return int(growth), outcome.strip()


needs_procfs = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="measures RSS through /proc"
)


# --- R-IMG-03: re-encoding strips metadata and payloads --------------------


def test_applies_exif_orientation_to_dimensions():
    rendered = render_photo(marked_jpeg_with_metadata(), max_size=1600)

    assert (rendered.width, rendered.height) == (100, 200)
    assert reopen(rendered).size == (100, 200)


def test_applies_exif_orientation_to_content():
    # Orientation 6 means "rotate 90 degrees clockwise to display", so the
    # stored top-left marker must end up top-right.
    output = reopen(render_photo(marked_jpeg_with_metadata(), max_size=1600))

    assert close_to(output.getpixel((85, 15)), RED)
    assert close_to(output.getpixel((15, 15)), BLUE)


def test_input_fixture_really_carries_gps_and_payload():
    data = marked_jpeg_with_metadata()
    source = Image.open(io.BytesIO(data))

    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert source.info["comment"] == PAYLOAD
    assert "icc_profile" in source.info
    assert data.count(PAYLOAD) >= 3


def test_strips_exif_and_gps():
    output = reopen(render_photo(marked_jpeg_with_metadata(), max_size=1600))

    assert len(output.getexif()) == 0
    assert not output.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in output.info


def test_strips_icc_xmp_and_comment():
    output = reopen(render_photo(marked_jpeg_with_metadata(), max_size=1600))

    assert {"icc_profile", "xmp", "comment"}.isdisjoint(output.info)


def test_output_holds_no_payload_bytes():
    rendered = render_thumbnail(marked_jpeg_with_metadata())

    assert PAYLOAD not in rendered.content
    assert b"<script" not in rendered.content.lower()
    assert b"Exif\x00\x00" not in rendered.content


def test_drops_html_appended_after_the_jpeg():
    polyglot = small_jpeg() + b"<html><body>" + PAYLOAD + b"</body></html>"

    rendered = render_thumbnail(polyglot)

    assert b"<html" not in rendered.content
    assert rendered.content.endswith(b"\xff\xd9")


def test_output_is_a_jpeg_whatever_the_input():
    png = encode(Image.new("RGB", (40, 30), RED), "PNG")

    rendered = render_thumbnail(png)

    assert rendered.content_type == "image/jpeg"
    assert rendered.content.startswith(b"\xff\xd8\xff")
    assert reopen(rendered).format == "JPEG"
    assert (rendered.width, rendered.height) == (40, 30)


def test_png_transparency_becomes_white():
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((50, 0, 99, 99), fill=(*RED, 255))

    output = reopen(render_thumbnail(encode(image, "PNG")))

    assert output.mode == "RGB"
    assert close_to(output.getpixel((10, 50)), WHITE)
    assert close_to(output.getpixel((90, 50)), RED)


def test_gif_transparent_index_becomes_white():
    image = Image.new("P", (60, 40), 0)
    image.putpalette([*BLUE, *RED] + [0, 0, 0] * 254)
    ImageDraw.Draw(image).rectangle((30, 0, 59, 39), fill=1)

    output = reopen(render_thumbnail(encode(image, "GIF", transparency=0)))

    assert close_to(output.getpixel((10, 20)), WHITE)
    assert close_to(output.getpixel((50, 20)), RED)


def test_animated_gif_shows_the_first_frame():
    frames = [Image.new("RGB", (60, 40), colour) for colour in (RED, GREEN, BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 3

    output = reopen(render_thumbnail(data))

    assert output.size == (60, 40)
    assert close_to(output.getpixel((30, 20)), RED)


def test_webp_is_decoded_and_reencoded():
    data = encode(Image.new("RGB", (80, 60), GREEN), "WEBP", lossless=True)

    rendered = render_thumbnail(data)

    assert rendered.content_type == "image/jpeg"
    assert (rendered.width, rendered.height) == (80, 60)
    assert close_to(reopen(rendered).getpixel((40, 30)), GREEN)


@pytest.mark.parametrize(
    ("mode", "fmt", "colour"),
    [
        ("1", "PNG", 1),
        ("L", "PNG", 200),
        ("LA", "PNG", (200, 255)),
        ("P", "PNG", 3),
        ("RGB", "PNG", GREEN),
        ("RGBA", "WEBP", (*GREEN, 255)),
        ("L", "JPEG", 200),
        ("CMYK", "JPEG", (0, 255, 255, 0)),
    ],
)
def test_every_source_mode_comes_out_rgb(mode, fmt, colour):
    data = encode(Image.new(mode, (32, 32), colour), fmt)

    output = reopen(render_thumbnail(data))

    assert output.mode == "RGB"
    assert output.size == (32, 32)


def test_16_bit_greyscale_keeps_its_brightness():
    # A plain convert("RGB") clips 16-bit values to white.
    data = encode(Image.new("I;16", (32, 32), 32768), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I;16")

    output = reopen(render_thumbnail(data))

    assert close_to(output.getpixel((16, 16)), (128, 128, 128), tolerance=4)


def test_cmyk_jpeg_keeps_its_colour():
    data = encode(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), "JPEG")

    output = reopen(render_thumbnail(data))

    assert close_to(output.getpixel((16, 16)), RED)


# --- sizes -----------------------------------------------------------------


def test_thumbnail_of_12_megapixel_jpeg_fits_512(jpeg_12mp):
    rendered = render_thumbnail(jpeg_12mp.read_bytes())

    assert (rendered.width, rendered.height) == (512, 384)
    assert reopen(rendered).size == (512, 384)


def test_thumbnail_decodes_large_jpeg_at_reduced_scale(jpeg_12mp, monkeypatch):
    decoded_sizes = []
    original_load = JpegImagePlugin.JpegImageFile.load

    def spy(self):
        decoded_sizes.append(self.size)
        return original_load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)

    render_thumbnail(jpeg_12mp.read_bytes())

    # draft() picks 1/4 scale: the smallest that still covers 512x384. Later
    # load() calls (by save()) see the already-shrunk image.
    assert decoded_sizes[0] == (1000, 750)
    assert max(decoded_sizes) == (1000, 750)


def test_multi_picture_jpeg_shows_the_first_picture_at_reduced_scale(monkeypatch):
    # Phones store depth maps and previews as MPO: a JPEG with extra pictures.
    first, second = (Image.new("RGB", (2000, 1500), c) for c in (RED, BLUE))
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    decoded_sizes = []
    original_load = JpegImagePlugin.JpegImageFile.load

    def spy(self):
        decoded_sizes.append(self.size)
        return original_load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)

    rendered = render_thumbnail(data)

    assert decoded_sizes[0] == (1000, 750)
    assert close_to(reopen(rendered).getpixel((256, 192)), RED)


def test_thumbnail_of_12_megapixel_jpeg_takes_under_a_second(jpeg_12mp):
    data = jpeg_12mp.read_bytes()

    # CPU time of this thread: the budget is the work, not how long other
    # processes on a shared machine keep it waiting for a core.
    started = time.thread_time()
    render_thumbnail(data)
    elapsed = time.thread_time() - started

    assert elapsed < 1.0


@needs_procfs
def test_thumbnail_of_12_megapixel_jpeg_uses_bounded_memory(jpeg_12mp):
    # A full decode holds 4000x3000x4 bytes (about 46 MiB); the draft about 3.
    growth_kib, outcome = peak_memory_growth_kib(jpeg_12mp, "render_thumbnail(data)")

    assert outcome.startswith("RenderedImage(")
    assert growth_kib < 25 * 1024


def test_full_view_respects_max_size(jpeg_12mp):
    rendered = render_photo(jpeg_12mp.read_bytes(), max_size=800)

    assert (rendered.width, rendered.height) == (800, 600)


def test_full_view_never_exceeds_1600_px(jpeg_12mp):
    rendered = render_photo(jpeg_12mp.read_bytes(), max_size=4096)

    assert max(rendered.width, rendered.height) == FULL_VIEW_MAX_SIZE


def test_full_view_never_upscales():
    rendered = render_photo(small_jpeg((200, 100)), max_size=1600)

    assert (rendered.width, rendered.height) == (200, 100)


def test_thumbnail_never_upscales():
    rendered = render_thumbnail(small_jpeg((120, 90)))

    assert (rendered.width, rendered.height) == (120, 90)


def test_portrait_thumbnail_fits_on_its_long_side():
    rendered = render_thumbnail(small_jpeg((600, 1200)), size=300)

    assert (rendered.width, rendered.height) == (150, 300)


@pytest.mark.parametrize("bad", [0, -1])
def test_rejects_a_non_positive_box_as_a_programming_error(bad):
    with pytest.raises(ValueError, match="at least 1"):
        render_photo(small_jpeg(), max_size=bad)


# --- R-IMG-01: decompression bombs -----------------------------------------


def test_bomb_fixture_really_declares_400_megapixels(bomb_20000, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)

    with Image.open(io.BytesIO(bomb_20000)) as image:
        assert (image.size, image.mode) == ((20000, 20000), "1")
    assert len(bomb_20000) < 200_000


def test_png_bomb_is_too_large(bomb_20000):
    with pytest.raises(ImageRejected, match="too large") as caught:
        render_thumbnail(bomb_20000)

    assert caught.value.code == "too_large"


@needs_procfs
def test_png_bomb_is_refused_with_bounded_memory(bomb_20000, tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_20000)

    growth_kib, outcome = peak_memory_growth_kib(path, "render_thumbnail(data)")

    assert outcome == "too_large"
    assert growth_kib < 50 * 1024  # decoding would need about 400 MB


def test_pillow_limit_is_tightened_to_64_megapixels():
    assert Image.MAX_IMAGE_PIXELS is not None
    assert Image.MAX_IMAGE_PIXELS <= MAX_PIXELS == 64_000_000


def test_image_just_over_the_limit_is_too_large():
    # 72 MP lies between MAX_PIXELS and 2 * MAX_PIXELS, where Pillow only
    # warns; the warning must become a rejection.
    with pytest.raises(ImageRejected) as caught:
        render_thumbnail(png_bomb(9000, 8000))

    assert caught.value.code == "too_large"


def test_decompression_bomb_warning_is_an_error(monkeypatch):
    # With the module's own check out of the way, only Pillow's warning (here
    # turned into an exception) stands between a 72 MP image and a decode.
    monkeypatch.setattr(images, "MAX_PIXELS", 10**12)

    with pytest.raises(ImageRejected) as caught:
        render_thumbnail(png_bomb(9000, 8000))

    assert caught.value.code == "too_large"
    assert isinstance(caught.value.__cause__, Image.DecompressionBombWarning)


def test_declared_size_is_checked_even_if_pillow_limit_is_lifted(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    loads = []

    def refuse_to_load(self):
        # Records the attempt instead of decoding 72 MP.
        loads.append(self.size)

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_load)

    with pytest.raises(ImageRejected) as caught:
        render_thumbnail(png_bomb(9000, 8000))

    assert caught.value.code == "too_large"
    assert loads == []


def test_warning_filters_do_not_leak():
    before = list(warnings.filters)

    with pytest.raises(ImageRejected):
        render_thumbnail(png_bomb(9000, 8000))
    render_thumbnail(small_jpeg())

    assert warnings.filters == before


def test_damaged_exif_still_renders_and_warnings_go_to_the_log(caplog):
    # One IFD0 entry (ImageDescription) pointing far past the end of the data.
    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00"
    exif += struct.pack("<HHII", 0x010E, 2, 0xFFFF, 8) + bytes(4)
    data = encode(Image.new("RGB", (20, 10), RED), "JPEG", exif=exif)

    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        with caplog.at_level(logging.INFO, logger="interactions.images"):
            rendered = render_thumbnail(data)

    assert (rendered.width, rendered.height) == (20, 10)
    assert escaped == []
    assert "Tag data larger than file" in caplog.text


# --- R-IMG-02: only expected formats ---------------------------------------

UNSUPPORTED = {
    "tiff": encode(Image.new("RGB", (16, 16), RED), "TIFF"),
    "bmp": encode(Image.new("RGB", (16, 16), RED), "BMP"),
    "ppm": encode(Image.new("RGB", (16, 16), RED), "PPM"),
    "fits": fits_file(),
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "html": b"<!DOCTYPE html><html><body>" + PAYLOAD + b"</body></html>",
}


@pytest.mark.parametrize("kind", ["tiff", "bmp", "ppm", "fits"])
def test_unsupported_fixture_is_decodable_by_unrestricted_pillow(kind):
    # Otherwise the rejection below would prove nothing about the allowlist.
    assert Image.open(io.BytesIO(UNSUPPORTED[kind])).format == kind.upper()


@pytest.mark.parametrize("kind", sorted(UNSUPPORTED))
def test_rejects_unsupported_format(kind):
    with pytest.raises(ImageRejected, match="only JPEG, PNG, GIF and WebP") as caught:
        render_thumbnail(UNSUPPORTED[kind])

    assert caught.value.code == "unsupported_format"


def test_logs_unsupported_format(caplog):
    with (
        caplog.at_level(logging.INFO, logger="interactions.images"),
        pytest.raises(ImageRejected),
    ):
        render_thumbnail(UNSUPPORTED["tiff"])

    assert "unsupported format" in caplog.text
    assert "49:49:2a:00" in caplog.text  # the TIFF magic, in hex


# --- broken input ----------------------------------------------------------


def test_truncated_jpeg_is_corrupt():
    noisy = Image.effect_noise((300, 200), 50).convert("RGB")
    data = encode(noisy, "JPEG")

    with pytest.raises(ImageRejected, match="damaged") as caught:
        render_thumbnail(data[: len(data) // 2])

    assert caught.value.code == "corrupt"


def test_truncated_png_is_corrupt():
    data = encode(Image.effect_noise((300, 200), 50), "PNG")

    with pytest.raises(ImageRejected) as caught:
        render_thumbnail(data[: len(data) // 2])

    assert caught.value.code == "corrupt"


def test_empty_bytes_are_rejected():
    with pytest.raises(ImageRejected, match="empty") as caught:
        render_thumbnail(b"")

    assert caught.value.code == "empty"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UnidentifiedImageError("x"), "unsupported_format"),
        (Image.DecompressionBombError("x"), "too_large"),
        (Image.DecompressionBombWarning("x"), "too_large"),
        (MemoryError(), "too_large"),
        (OSError("x"), "corrupt"),
        (ValueError("x"), "corrupt"),
        (SyntaxError("x"), "corrupt"),
        (EOFError(), "corrupt"),
        (struct.error("x"), "corrupt"),
        (RuntimeError("x"), "corrupt"),
    ],
)
def test_pillow_errors_become_image_rejected(monkeypatch, error, code):
    def failing_open(*args, **kwargs):
        raise error

    monkeypatch.setattr(Image, "open", failing_open)

    with pytest.raises(ImageRejected) as caught:
        render_thumbnail(b"\xff\xd8\xff anything")

    assert caught.value.code == code


def test_unexpected_errors_are_logged_with_a_traceback(monkeypatch, caplog):
    def failing_open(*args, **kwargs):
        raise RuntimeError("pillow bug")

    monkeypatch.setattr(Image, "open", failing_open)

    with pytest.raises(ImageRejected):
        render_thumbnail(b"\xff\xd8\xff anything")

    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors
    assert errors[0].exc_info is not None


@pytest.mark.parametrize(
    "code", ["empty", "unsupported_format", "too_large", "corrupt"]
)
def test_every_reason_is_a_plain_sentence(code):
    rejected = ImageRejected(code)

    assert str(rejected) == rejected.reason
    assert rejected.reason.startswith("The photo")
    assert rejected.reason.endswith(".")
    assert "_" not in rejected.reason


# --- placeholder -----------------------------------------------------------


@pytest.mark.parametrize("size", [64, 512, FULL_VIEW_MAX_SIZE])
def test_placeholder_is_a_valid_png_of_the_requested_size(size):
    rendered = placeholder_image(ImageRejected("corrupt").reason, size=size)

    image = reopen(rendered)
    assert image.format == "PNG"
    assert rendered.content_type == "image/png"
    assert image.size == (rendered.width, rendered.height) == (size, size)


def test_placeholder_draws_a_sign_and_the_reason():
    first = placeholder_image(ImageRejected("corrupt").reason)
    second = placeholder_image(ImageRejected("too_large").reason)

    darkest, lightest = cast("tuple[int, int]", reopen(first).getextrema())
    assert darkest < 100 < lightest
    assert first.content != second.content


def test_placeholder_is_deterministic():
    reason = ImageRejected("unsupported_format").reason
    first = placeholder_image(reason)
    images._placeholder.cache_clear()

    assert placeholder_image(reason).content == first.content


def test_placeholder_wraps_long_text_inside_its_margins():
    rendered = placeholder_image("Supercalifragilistic " * 40, size=256)

    image = reopen(rendered)
    margin = 256 // 12
    for strip in (
        image.crop((0, 0, margin - 1, 256)),
        image.crop((256 - margin + 1, 0, 256, 256)),
    ):
        assert strip.getextrema() == (PLACEHOLDER_BACKGROUND, PLACEHOLDER_BACKGROUND)


@pytest.mark.parametrize("size", [0, 63, FULL_VIEW_MAX_SIZE + 1])
def test_placeholder_refuses_unreasonable_sizes(size):
    with pytest.raises(ValueError, match="size must be between"):
        placeholder_image("x", size=size)


# --- properties: nothing but RenderedImage or ImageRejected ----------------

MAGIC_PREFIXES = [
    b"\xff\xd8\xff\xe0",
    b"\xff\xd8\xff\xe1",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"GIF87a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"RIFF\x00\x00\x00\x00WEBPVP8L",
]

SEEDS = [
    encode(Image.effect_noise((24, 16), 60).convert("RGB"), "JPEG", quality=70),
    encode(Image.effect_noise((24, 16), 60), "PNG"),
    encode(Image.effect_noise((24, 16), 60).convert("P"), "GIF"),
    encode(Image.effect_noise((24, 16), 60).convert("RGB"), "WEBP"),
    marked_jpeg_with_metadata(),
]

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def outcome_of(data: bytes) -> RenderedImage | str:
    # Any exception other than ImageRejected propagates and fails the test.
    try:
        return render_thumbnail(data, size=64)
    except ImageRejected as rejected:
        return rejected.code


def assert_rendered_or_rejected(data: bytes) -> None:
    outcome = outcome_of(data)
    if isinstance(outcome, str):
        assert outcome in {"empty", "unsupported_format", "too_large", "corrupt"}
    else:
        assert outcome.content.startswith(b"\xff\xd8\xff")
        assert max(outcome.width, outcome.height) <= 64


@FUZZ
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_render_or_are_rejected(data):
    assert_rendered_or_rejected(data)


@FUZZ
@given(st.sampled_from(MAGIC_PREFIXES), st.binary(max_size=2048))
def test_bytes_behind_a_valid_magic_render_or_are_rejected(prefix, rest):
    assert_rendered_or_rejected(prefix + rest)


@FUZZ
@given(st.data())
def test_mutated_valid_images_render_or_are_rejected(data):
    seed = bytearray(data.draw(st.sampled_from(SEEDS)))
    positions = st.integers(min_value=0, max_value=len(seed) - 1)
    for position, value in data.draw(
        st.lists(st.tuples(positions, st.integers(0, 255)), max_size=12)
    ):
        seed[position] = value
    cut = data.draw(st.integers(min_value=1, max_value=len(seed)))

    assert_rendered_or_rejected(bytes(seed[:cut]))
