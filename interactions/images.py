"""Turn untrusted photo bytes from the X-Platform into safe images for agents.

Customers upload the photos, so every byte from the upstream is hostile until
Pillow has decoded it and this module has re-encoded it (R-IMG-01..R-IMG-03):

* only JPEG, PNG, GIF and WebP are decoded, whatever the upstream
  ``Content-Type`` says;
* the declared pixel count is checked before any pixel data is read;
* the result is always a fresh JPEG without EXIF, GPS, ICC, XMP or comments,
  with the EXIF orientation applied.

Nothing here touches the network or Django. Callers pass bytes in and get a
:class:`RenderedImage` back, or an :class:`ImageRejected` whose ``reason`` goes
into :func:`placeholder_image`, so a failed photo never shows as an empty box.
"""

from __future__ import annotations

import functools
import io
import logging
import struct
import warnings
from dataclasses import dataclass
from typing import Final, Literal

from PIL import (
    Image,
    ImageDraw,
    ImageFont,
    ImageOps,
    JpegImagePlugin,
    UnidentifiedImageError,
)

__all__ = [
    "ALLOWED_FORMATS",
    "FULL_VIEW_MAX_SIZE",
    "MAX_PIXELS",
    "THUMBNAIL_SIZE",
    "ImageRejected",
    "RejectionCode",
    "RenderedImage",
    "placeholder_image",
    "render_photo",
    "render_thumbnail",
]

logger = logging.getLogger(__name__)

# R-IMG-02: each decoder is attack surface (GHSA-whj4-6x5x-4v2j names an
# allowlist as the workaround). GIF is here because the X-Platform documents
# GIF uploads.
ALLOWED_FORMATS: Final[tuple[str, ...]] = ("JPEG", "PNG", "GIF", "WEBP")

# R-IMG-01: Pillow's default (about 89 MP) only warns, and raises only above
# about 179 MP. 64 MP still covers a 48 MP phone camera.
MAX_PIXELS: Final = 64_000_000

# R-IMG-03: the full view is at most 1600 px on its long side, a thumbnail
# 512 px.
FULL_VIEW_MAX_SIZE: Final = 1600
THUMBNAIL_SIZE: Final = 512
JPEG_QUALITY: Final = 85

# R-IMG-01: tighten Pillow's process-wide limit, never loosen it, so that
# Image.open() itself raises DecompressionBombError above 2 * MAX_PIXELS.
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_PLACEHOLDER_MIN_SIZE: Final = 64
_WHITE: Final = (255, 255, 255)

RejectionCode = Literal["empty", "unsupported_format", "too_large", "corrupt"]

_REASONS: Final[dict[RejectionCode, str]] = {
    "empty": "The photo file is empty.",
    "unsupported_format": (
        "The photo is in a format the console does not show "
        "(only JPEG, PNG, GIF and WebP)."
    ),
    "too_large": "The photo is too large to show safely.",
    "corrupt": "The photo file is damaged and cannot be shown.",
}

# Plain phrases for log lines; R-IMG-02 asks for an "unsupported format" line.
_LOG_PHRASES: Final[dict[RejectionCode, str]] = {
    "empty": "empty file",
    "unsupported_format": "unsupported format",
    "too_large": "too large",
    "corrupt": "corrupt file",
}

# What Pillow raises for files it cannot decode. IndexError, KeyError and
# TypeError come from its pure-Python parsers (EXIF, PNG chunks, GIF blocks).
_CORRUPT_ERRORS: Final = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
)


@dataclass(frozen=True, slots=True)
class RenderedImage:
    """A re-encoded image that is safe to send to a browser."""

    content: bytes
    content_type: str
    width: int
    height: int


class ImageRejected(Exception):
    """A photo that cannot be shown.

    ``code`` is short and stable (for templates, metrics and tests);
    ``reason`` is a plain sentence for an agent; ``detail`` is technical and
    meant for logs only.
    """

    def __init__(self, code: RejectionCode, *, detail: str = "") -> None:
        self.code: RejectionCode = code
        self.reason: str = _REASONS[code]
        self.detail = detail
        super().__init__(self.reason)


def render_photo(data: bytes, *, max_size: int) -> RenderedImage:
    """Re-encode upstream photo bytes as a JPEG for the lightbox.

    The long side is at most ``max_size`` px and never more than
    ``FULL_VIEW_MAX_SIZE`` (R-IMG-03); smaller photos are not upscaled.

    Raises:
        ImageRejected: the bytes are empty, not JPEG/PNG/GIF/WebP, declare
            more than ``MAX_PIXELS`` pixels, or cannot be decoded.
        ValueError: ``max_size`` is less than 1 (a programming error).
    """
    return _render(data, box=_checked_box(max_size, "max_size"))


def render_thumbnail(data: bytes, *, size: int = THUMBNAIL_SIZE) -> RenderedImage:
    """Re-encode upstream photo bytes as a JPEG thumbnail.

    The result fits in ``size`` x ``size`` px (capped at
    ``FULL_VIEW_MAX_SIZE``) and is never upscaled. A large JPEG is decoded at
    a reduced scale, so a 12 MP photo costs a few MB, not about 50.

    Raises:
        ImageRejected: as :func:`render_photo`.
        ValueError: ``size`` is less than 1 (a programming error).
    """
    return _render(data, box=_checked_box(size, "size"))


def placeholder_image(reason: str, *, size: int = THUMBNAIL_SIZE) -> RenderedImage:
    """Draw a grey ``size`` x ``size`` PNG with a broken-photo sign and ``reason``.

    Shown in place of a photo that failed, so the agent sees why instead of an
    empty box or the browser's broken-image icon. The same arguments always
    give the same bytes (the result is cached).

    Raises:
        ValueError: ``size`` is outside 64..``FULL_VIEW_MAX_SIZE``.
    """
    if not _PLACEHOLDER_MIN_SIZE <= size <= FULL_VIEW_MAX_SIZE:
        msg = (
            f"size must be between {_PLACEHOLDER_MIN_SIZE} and "
            f"{FULL_VIEW_MAX_SIZE}, not {size}"
        )
        raise ValueError(msg)
    return _placeholder(reason, size)


def _checked_box(value: int, name: str) -> int:
    if value < 1:
        msg = f"{name} must be at least 1, not {value}"
        raise ValueError(msg)
    # R-IMG-03: whatever an account asks the upstream for, the console never
    # serves more than FULL_VIEW_MAX_SIZE px.
    return min(value, FULL_VIEW_MAX_SIZE)


def _render(data: bytes, *, box: int) -> RenderedImage:
    try:
        return _render_unlogged(data, box)
    except ImageRejected as rejected:
        # Upstream content, not a console fault: WARNING so an admin can spot
        # a misbehaving flow, but no traceback. Pillow's messages may quote
        # file content, so the detail is logged with %r (no raw newlines)
        # and cut short.
        logger.warning(
            "Photo rejected, %s: %r",
            _LOG_PHRASES[rejected.code],
            rejected.detail[:200],
        )
        raise


def _render_unlogged(data: bytes, box: int) -> RenderedImage:
    if not data:
        raise ImageRejected("empty", detail="0 bytes")
    try:
        # R-IMG-01: DecompressionBombWarning (MAX_PIXELS..2*MAX_PIXELS) becomes
        # an exception here only; the global filters are restored on exit.
        # catch_warnings() is not thread-safe before Python 3.14, so the limit
        # does not rely on it: _decode_and_encode() checks the declared size
        # itself.
        with warnings.catch_warnings(record=True) as caught:
            # Pillow warns about damaged EXIF and the like; recorded rather
            # than printed, so hostile files cannot flood stderr.
            warnings.simplefilter("always")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                return _decode_and_encode(data, box)
            finally:
                _log_decoder_warnings(caught)
    except ImageRejected:
        raise
    except UnidentifiedImageError as exc:
        # A subclass of OSError, so it must come before _CORRUPT_ERRORS. The
        # first bytes in hex (colon-separated, so the log filter never takes
        # them for a phone number) tell TIFF, BMP, HTML and the like apart in logs
        # without writing untrusted text into them.
        raise ImageRejected(
            "unsupported_format", detail=f"first bytes {data[:8].hex(':')}"
        ) from exc
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        MemoryError,
    ) as exc:
        raise ImageRejected("too_large", detail=str(exc)) from exc
    except _CORRUPT_ERRORS as exc:
        raise ImageRejected("corrupt", detail=f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:
        # Pillow's parsers are largely Python and a crafted file may trip an
        # error nobody listed. A photo must degrade alone (docs/product.md), never
        # fail the page, so it becomes "corrupt" and the traceback is logged
        # for a developer.
        logger.exception("Unexpected error while decoding a photo")
        raise ImageRejected("corrupt", detail=type(exc).__name__) from exc


def _log_decoder_warnings(caught: list[warnings.WarningMessage]) -> None:
    # One line, however many warnings: a crafted file can produce thousands.
    if caught:
        logger.info(
            "Pillow reported %d warning(s) while decoding a photo, first: %r",
            len(caught),
            str(caught[0].message)[:200],
        )


def _decode_and_encode(data: bytes, box: int) -> RenderedImage:
    # BytesIO shares the bytes object rather than copying it.
    with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as opened:
        width, height = opened.size
        # R-IMG-01: only the header has been read so far; refuse before
        # allocating anything for pixels.
        if width * height > MAX_PIXELS:
            raise ImageRejected("too_large", detail=f"declares {width}x{height} px")
        # MpoImageFile (phones' multi-picture JPEGs, format "MPO") is a
        # JpegImageFile too, and its first picture is the photo.
        if isinstance(opened, JpegImagePlugin.JpegImageFile):
            # R-IMG-03: libjpeg scales by 1/2, 1/4 or 1/8 while decoding, so a
            # 4000x3000 photo for a 512 px thumbnail decodes as 1000x750. The
            # requested box keeps the aspect ratio so that panoramas shrink
            # too; draft() never goes below it.
            opened.draft("RGB", _fit(width, height, box))
        # Only the first frame of an animated GIF, WebP or PNG is decoded:
        # Image.open() positions on frame 0 and nothing seeks further.
        # exif_transpose() loads the pixels and applies EXIF orientation; in
        # place, so no second full-size copy is kept.
        ImageOps.exif_transpose(opened, in_place=True)
        # Each step below replaces the previous image, so at most the decoded
        # image and one derived copy are alive at a time.
        image = _to_resizable_mode(opened)
        image.thumbnail((box, box))
        return _encode_jpeg(_to_rgb(image))


def _fit(width: int, height: int, box: int) -> tuple[int, int]:
    long_side = max(width, height)
    if long_side <= box:
        return width, height
    return max(1, width * box // long_side), max(1, height * box // long_side)


def _to_resizable_mode(image: Image.Image) -> Image.Image:
    # Pillow resizes "P" and "1" with nearest-neighbour only, and 16-bit
    # greyscale would clip to white in a plain convert(), so both are
    # normalised before thumbnail().
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if image.mode == "I" or image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA"):
        # JPEG has no alpha; transparent areas become white, as on a page,
        # rather than whatever colour hides under alpha 0.
        rgba = image.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, _WHITE)
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        return flattened
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _encode_jpeg(image: Image.Image) -> RenderedImage:
    # R-IMG-03: the JPEG encoder copies info["comment"] from the source by
    # default, so a <script> comment would survive; EXIF, ICC and XMP are
    # only written when passed, and none are.
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return RenderedImage(
        content=buffer.getvalue(),
        content_type="image/jpeg",
        width=image.width,
        height=image.height,
    )


@functools.lru_cache(maxsize=32)
def _placeholder(reason: str, size: int) -> RenderedImage:
    background, ink, text_ink = 229, 140, 70
    image = Image.new("L", (size, size), background)
    draw = ImageDraw.Draw(image)
    _draw_broken_photo(draw, size, ink=ink, background=background)

    font = _font(max(11, size // 24))
    _, top, _, bottom = font.getbbox("Ag")
    line_height = round((bottom - top) * 1.45)
    margin = size // 12
    first_line_y = size * 60 // 100
    max_lines = max(1, (size - margin - first_line_y) // line_height)
    lines = _wrap(reason, font, size - 2 * margin, max_lines)
    for number, line in enumerate(lines):
        draw.text(
            (size / 2, first_line_y + number * line_height),
            line,
            font=font,
            fill=text_ink,
            anchor="ma",
        )

    buffer = io.BytesIO()
    # PNG keeps the text crisp; no metadata is written.
    image.save(buffer, format="PNG", optimize=True)
    return RenderedImage(
        content=buffer.getvalue(), content_type="image/png", width=size, height=size
    )


def _draw_broken_photo(
    draw: ImageDraw.ImageDraw, size: int, *, ink: int, background: int
) -> None:
    """A framed landscape (sun and mountains) split by a zigzag crack."""
    line = max(2, size // 96)
    frame_w, frame_h = size * 40 // 100, size * 30 // 100
    x0, y0 = (size - frame_w) // 2, size * 14 // 100
    x1, y1 = x0 + frame_w, y0 + frame_h
    draw.rounded_rectangle((x0, y0, x1, y1), radius=size // 40, outline=ink, width=line)

    sun_r = frame_h // 9
    sun_x, sun_y = x0 + frame_w * 3 // 4, y0 + frame_h // 4
    draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=ink)
    base = y1 - line
    draw.polygon(
        [
            (x0 + line, base),
            (x0 + frame_w * 30 // 100, y0 + frame_h * 45 // 100),
            (x0 + frame_w * 52 // 100, y0 + frame_h * 75 // 100),
            (x0 + frame_w * 68 // 100, y0 + frame_h * 55 // 100),
            (x1 - line, base),
        ],
        fill=ink,
    )

    # The crack: a background-coloured zigzag through the whole frame.
    crack_x = x0 + frame_w * 45 // 100
    amplitude = frame_w // 14
    points = [
        (
            crack_x + (amplitude if i % 2 else -amplitude),
            y0 - 2 * line + i * (frame_h + 4 * line) // 5,
        )
        for i in range(6)
    ]
    draw.line(points, fill=background, width=line * 2, joint="curve")


def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        # Pillow's bundled Aileron Regular: scalable, no font file needed.
        return ImageFont.load_default(size=pixels)
    except ImportError:
        # Pillow built without FreeType: a small bitmap font still beats none.
        return ImageFont.load_default()


def _wrap(
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
    max_lines: int,
) -> list[str]:
    """Greedy word wrap by rendered width; overlong words are split."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if font.getlength(current + char) > width and current:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and font.getlength(last + "...") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "..."
    return lines
