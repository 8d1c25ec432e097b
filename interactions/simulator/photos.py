"""Demo photos drawn with Pillow, plus the hostile images the fault switches serve.

Nothing is downloaded or stored in the repository: each photo is drawn on
first use from a :class:`PhotoSpec` and cached for the life of the
:class:`PhotoLibrary`. Drawing is deterministic (no noise, no randomness), so
the same spec always gives the same bytes with the same Pillow version.

The photos look like customers' phone pictures (a car with a marked dent, a
router with its lights), because the console shows them to contact-centre
agents. One JPEG carries EXIF orientation 6 and GPS tags, so the console's
``exif_transpose`` and EXIF stripping can be seen working (security.md,
R-IMG-03); one JPEG has 12 megapixels, like a modern phone camera.
"""

from __future__ import annotations

import functools
import io
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from PIL import ExifTags, Image, ImageDraw, ImageFont, TiffImagePlugin

__all__ = [
    "Photo",
    "PhotoFormat",
    "PhotoLibrary",
    "PhotoSpec",
    "Subject",
    "bomb_png",
    "foreign_image",
    "gzip_bomb",
    "sample_jpeg",
    "truncated_jpeg",
]

PhotoFormat = Literal["JPEG", "PNG", "GIF"]
Subject = Literal[
    "car_front", "car_side", "car_rear", "router_front", "router_back", "router_lights"
]
ForeignKind = Literal["svg", "html", "fits", "tiff", "bmp", "polyglot"]
FOREIGN_KINDS: tuple[str, ...] = ("svg", "html", "fits", "tiff", "bmp", "polyglot")

# Photos are uploaded as JPG, PNG or GIF (Z-PHUP).
_JPEG_QUALITY = 85
_SCALED_CACHE_SIZE = 32

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class PhotoSpec:
    """How to draw one uploaded photo.

    ``size`` is the upright (display) size. With ``orientation=6`` the pixels
    are stored rotated by 90 degrees and the EXIF tag tells viewers to turn
    them back, as phone cameras do.
    """

    path: str
    format: PhotoFormat
    size: tuple[int, int]
    subject: Subject
    caption: str
    orientation: int = 1
    gps: tuple[float, float] | None = None
    taken: str = "2025:06:01 10:15:12"
    comment: str = ""


@dataclass(frozen=True)
class Photo:
    """Encoded photo bytes and their stored pixel size."""

    data: bytes
    format: PhotoFormat
    width: int
    height: int


class PhotoLibrary:
    """Lazily drawn, cached photos keyed by their device path; thread-safe."""

    def __init__(self, specs: Iterable[PhotoSpec]) -> None:
        self._specs = {spec.path: spec for spec in specs}
        self._photos: dict[str, Photo] = {}
        self._scaled: OrderedDict[tuple[str, int], Photo] = OrderedDict()
        # One lock per photo, so drawing the 12 MP one does not block others.
        self._locks = {path: threading.Lock() for path in self._specs}
        self._scaled_lock = threading.Lock()

    def __contains__(self, path: object) -> bool:
        return path in self._specs

    def paths(self) -> tuple[str, ...]:
        """Every photo path the library can draw."""
        return tuple(self._specs)

    def spec(self, path: str) -> PhotoSpec:
        """The spec of a photo; KeyError for an unknown path."""
        return self._specs[path]

    def get(self, path: str) -> Photo:
        """The photo at ``path`` at its original size (drawn on first use)."""
        photo = self._photos.get(path)
        if photo is not None:
            return photo
        with self._locks[path]:
            photo = self._photos.get(path)
            if photo is None:
                photo = render_photo(self._specs[path])
                self._photos[path] = photo
        return photo

    def scaled(self, path: str, max_size: int) -> Photo:
        """The photo with its largest side at most ``max_size`` pixels.

        When no down-scaling is needed the original bytes come back unchanged,
        EXIF included; when scaled, the EXIF block is kept too, so the
        console's stripping is always exercised.
        """
        original = self.get(path)
        if max(original.width, original.height) <= max_size:
            return original
        key = (path, max_size)
        with self._scaled_lock:
            cached = self._scaled.get(key)
            if cached is not None:
                self._scaled.move_to_end(key)
                return cached
        photo = _downscale(original, max_size)
        with self._scaled_lock:
            self._scaled[key] = photo
            while len(self._scaled) > _SCALED_CACHE_SIZE:
                self._scaled.popitem(last=False)
        return photo

    def warm(self) -> None:
        """Draw every photo now (the demo command does this in the background)."""
        for path in self._specs:
            self.get(path)


def _downscale(original: Photo, max_size: int) -> Photo:
    ratio = max_size / max(original.width, original.height)
    target = (
        max(1, round(original.width * ratio)),
        max(1, round(original.height * ratio)),
    )
    with Image.open(io.BytesIO(original.data)) as im:
        exif = im.getexif()
        if original.format == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale first: the 12 MP
            # photo then scales in a fraction of the time.
            im.draft("RGB", target)
        if original.format == "GIF":
            im.seek(0)
        frame = im.convert("RGB")
    small = frame.resize(target, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if original.format == "JPEG":
        small.save(out, "JPEG", quality=_JPEG_QUALITY, exif=exif)
    elif original.format == "PNG":
        small.save(out, "PNG", exif=exif)
    else:
        small.save(out, "GIF")
    return Photo(out.getvalue(), original.format, small.width, small.height)


# --- drawing -------------------------------------------------------------


def render_photo(spec: PhotoSpec) -> Photo:
    """Draw and encode one photo."""
    width, height = spec.size
    im = _background(spec.size, spec.subject)
    draw = ImageDraw.Draw(im)
    _SUBJECTS[spec.subject](draw, width, height)
    _caption(draw, width, height, spec.caption, spec.taken)
    if spec.orientation == 6:
        # Stored turned 90 degrees anticlockwise; orientation 6 tells viewers
        # to turn it clockwise again (ImageOps.exif_transpose does).
        im = im.rotate(90, expand=True)
    out = io.BytesIO()
    if spec.format == "JPEG":
        extra = {"comment": spec.comment.encode("utf-8")} if spec.comment else {}
        im.save(out, "JPEG", quality=_JPEG_QUALITY, exif=_exif(spec), **extra)
    elif spec.format == "PNG":
        im.save(out, "PNG", optimize=False)
    else:
        im.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "GIF")
    return Photo(out.getvalue(), spec.format, im.width, im.height)


def _exif(spec: PhotoSpec) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Simulated"
    exif[ExifTags.Base.Model] = "X-Platform Demo Phone"
    exif[ExifTags.Base.DateTime] = spec.taken
    exif[ExifTags.Base.Orientation] = spec.orientation
    if spec.gps is not None:
        lat, lon = spec.gps
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        gps[ExifTags.GPS.GPSLatitude] = _dms(abs(lat))
        gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        gps[ExifTags.GPS.GPSLongitude] = _dms(abs(lon))
    return exif


def _dms(value: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    hundredths = round(((value - degrees) * 60 - minutes) * 60 * 100)
    rational = TiffImagePlugin.IFDRational
    return (rational(degrees, 1), rational(minutes, 1), rational(hundredths, 100))


_SKIES: dict[str, tuple[RGB, RGB, RGB, RGB]] = {
    # (top of sky, horizon, near ground, far ground)
    "outdoor": ((96, 150, 214), (200, 222, 240), (92, 96, 100), (140, 142, 146)),
    "indoor": ((236, 230, 214), (214, 204, 184), (150, 112, 80), (184, 146, 108)),
}


def _background(size: tuple[int, int], subject: Subject) -> Image.Image:
    width, height = size
    top, horizon, near, far = _SKIES[
        "indoor" if subject.startswith("router") else "outdoor"
    ]
    horizon_y = int(height * 0.55)
    im = Image.new("RGB", size)
    im.paste(_gradient((width, horizon_y), top, horizon), (0, 0))
    im.paste(_gradient((width, height - horizon_y), far, near), (0, horizon_y))
    return im


def _gradient(size: tuple[int, int], start: RGB, end: RGB) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(
        Image.new("RGB", size, end), Image.new("RGB", size, start), mask
    )


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(8, size))


def _caption(
    draw: ImageDraw.ImageDraw, width: int, height: int, caption: str, taken: str
) -> None:
    bar = max(24, height // 12)
    draw.rectangle((0, height - bar, width, height), fill=(20, 22, 28))
    font = _font(int(bar * 0.5))
    draw.text(
        (bar // 3, height - bar // 2), caption, fill="white", font=font, anchor="lm"
    )
    stamp = taken.replace(":", "-", 2)
    draw.text(
        (width - bar // 3, bar // 2),
        stamp,
        fill=(255, 200, 40),
        font=_font(int(bar * 0.4)),
        anchor="rm",
    )


def _damage_mark(
    draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, label: str
) -> None:
    line = max(2, int(r / 8))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(230, 30, 30), width=line)
    # The dent itself: a darker crease inside the circle.
    draw.arc(
        (cx - r * 0.6, cy - r * 0.35, cx + r * 0.6, cy + r * 0.35),
        200,
        340,
        fill=(40, 40, 40),
        width=line,
    )
    font = _font(int(r * 0.55))
    draw.text(
        (cx + r * 1.1, cy - r * 1.1),
        label,
        fill=(230, 30, 30),
        font=font,
        anchor="ls",
        stroke_width=max(1, line // 2),
        stroke_fill="white",
    )


def _wheel(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(25, 25, 25))
    draw.ellipse(
        (cx - r * 0.55, cy - r * 0.55, cx + r * 0.55, cy + r * 0.55),
        fill=(170, 170, 176),
    )


def _car_side(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    body = (180, 40, 40)
    left, right = w * 0.12, w * 0.88
    top, bottom = h * 0.45, h * 0.72
    draw.rounded_rectangle((left, top, right, bottom), radius=h * 0.06, fill=body)
    cabin = [
        (w * 0.28, top),
        (w * 0.36, h * 0.28),
        (w * 0.64, h * 0.28),
        (w * 0.74, top),
    ]
    draw.polygon(cabin, fill=body)
    draw.polygon(
        [
            (w * 0.31, top - 4),
            (w * 0.375, h * 0.31),
            (w * 0.49, h * 0.31),
            (w * 0.49, top - 4),
        ],
        fill=(170, 210, 235),
    )
    draw.polygon(
        [
            (w * 0.51, top - 4),
            (w * 0.51, h * 0.31),
            (w * 0.625, h * 0.31),
            (w * 0.71, top - 4),
        ],
        fill=(170, 210, 235),
    )
    draw.line(
        (w * 0.5, top, w * 0.5, bottom), fill=(120, 20, 20), width=max(2, w // 300)
    )
    _wheel(draw, w * 0.27, bottom, h * 0.1)
    _wheel(draw, w * 0.73, bottom, h * 0.1)
    # A long scratch along the rear door.
    for offset in (0.0, 0.012, 0.024):
        draw.line(
            (w * 0.54, h * (0.56 + offset), w * 0.7, h * (0.53 + offset)),
            fill=(235, 235, 235),
            width=max(2, w // 400),
        )
    _damage_mark(draw, w * 0.62, h * 0.555, h * 0.09, "SCRATCH")


def _car_front(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    body = (30, 80, 170)
    draw.rounded_rectangle(
        (w * 0.2, h * 0.42, w * 0.8, h * 0.74), radius=h * 0.05, fill=body
    )
    draw.polygon(
        [
            (w * 0.3, h * 0.42),
            (w * 0.36, h * 0.24),
            (w * 0.64, h * 0.24),
            (w * 0.7, h * 0.42),
        ],
        fill=body,
    )
    draw.polygon(
        [
            (w * 0.33, h * 0.41),
            (w * 0.38, h * 0.27),
            (w * 0.62, h * 0.27),
            (w * 0.67, h * 0.41),
        ],
        fill=(170, 210, 235),
    )
    for cx in (w * 0.29, w * 0.71):
        draw.ellipse(
            (cx - w * 0.05, h * 0.5, cx + w * 0.05, h * 0.58), fill=(250, 245, 200)
        )
    draw.rounded_rectangle(
        (w * 0.38, h * 0.55, w * 0.62, h * 0.64), radius=h * 0.015, fill=(30, 30, 34)
    )
    draw.rectangle((w * 0.44, h * 0.66, w * 0.56, h * 0.71), fill=(245, 245, 245))
    draw.text(
        (w * 0.5, h * 0.685),
        "AC 4418",
        fill="black",
        font=_font(int(h * 0.035)),
        anchor="mm",
    )
    for cx in (w * 0.24, w * 0.76):
        draw.rectangle(
            (cx - w * 0.04, h * 0.72, cx + w * 0.04, h * 0.8), fill=(25, 25, 25)
        )
    _damage_mark(draw, w * 0.66, h * 0.62, h * 0.07, "DENT")


def _car_rear(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    body = (200, 200, 205)
    draw.rounded_rectangle(
        (w * 0.2, h * 0.4, w * 0.8, h * 0.74), radius=h * 0.05, fill=body
    )
    draw.polygon(
        [
            (w * 0.3, h * 0.4),
            (w * 0.37, h * 0.24),
            (w * 0.63, h * 0.24),
            (w * 0.7, h * 0.4),
        ],
        fill=body,
    )
    draw.polygon(
        [
            (w * 0.34, h * 0.39),
            (w * 0.39, h * 0.27),
            (w * 0.61, h * 0.27),
            (w * 0.66, h * 0.39),
        ],
        fill=(120, 150, 170),
    )
    for x0 in (w * 0.22, w * 0.68):
        draw.rectangle((x0, h * 0.45, x0 + w * 0.1, h * 0.52), fill=(200, 20, 20))
    draw.rectangle((w * 0.43, h * 0.56, w * 0.57, h * 0.62), fill=(245, 210, 40))
    draw.rectangle((w * 0.22, h * 0.66, w * 0.78, h * 0.72), fill=(60, 60, 64))
    for cx in (w * 0.25, w * 0.75):
        draw.rectangle(
            (cx - w * 0.04, h * 0.72, cx + w * 0.04, h * 0.8), fill=(25, 25, 25)
        )
    # Hail: small dents across the boot lid.
    for i in range(9):
        x = w * (0.3 + 0.05 * i)
        y = h * (0.43 + 0.02 * (i % 3))
        r = h * 0.008
        draw.ellipse(
            (x - r, y - r, x + r, y + r), outline=(90, 90, 95), width=max(1, w // 500)
        )
    _damage_mark(draw, w * 0.3, h * 0.69, h * 0.06, "DENT")


_LEDS = (
    ("Power", (40, 210, 60)),
    ("Broadband", (40, 210, 60)),
    ("Internet", (250, 150, 20)),
    ("Wi-Fi", (70, 70, 70)),
)


def _router_body(
    draw: ImageDraw.ImageDraw, w: int, h: int
) -> tuple[float, float, float, float]:
    box = (w * 0.15, h * 0.38, w * 0.85, h * 0.7)
    draw.rounded_rectangle(
        box,
        radius=h * 0.04,
        fill=(245, 245, 248),
        outline=(160, 160, 170),
        width=max(2, w // 300),
    )
    # Antennas.
    for x in (w * 0.25, w * 0.75):
        draw.rounded_rectangle(
            (x - w * 0.012, h * 0.12, x + w * 0.012, h * 0.39),
            radius=w * 0.01,
            fill=(40, 40, 44),
        )
    return box


def _router_front(
    draw: ImageDraw.ImageDraw, w: int, h: int, *, highlight: bool = False
) -> None:
    x0, y0, x1, y1 = _router_body(draw, w, h)
    draw.text(
        ((x0 + x1) / 2, y0 + (y1 - y0) * 0.25),
        "NORTHWIND",
        fill=(30, 60, 130),
        font=_font(int(h * 0.06)),
        anchor="mm",
    )
    step = (x1 - x0) / (len(_LEDS) + 1)
    r = h * 0.025
    for i, (label, colour) in enumerate(_LEDS, start=1):
        cx, cy = x0 + step * i, y0 + (y1 - y0) * 0.62
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r), fill=colour, outline=(60, 60, 60)
        )
        draw.text(
            (cx, cy + r * 2.2),
            label,
            fill=(40, 40, 40),
            font=_font(int(h * 0.03)),
            anchor="mt",
        )
    if highlight:
        _damage_mark(draw, x0 + step * 3, y0 + (y1 - y0) * 0.62, h * 0.06, "ORANGE")


def _router_lights(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    _router_front(draw, w, h, highlight=True)


def _router_back(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    x0, y0, x1, y1 = _router_body(draw, w, h)
    ports = (
        ("DSL", (120, 120, 125)),
        ("WAN", (40, 90, 200)),
        ("LAN1", (240, 200, 40)),
        ("LAN2", (240, 200, 40)),
        ("POWER", (30, 30, 30)),
    )
    step = (x1 - x0) / (len(ports) + 1)
    for i, (label, colour) in enumerate(ports, start=1):
        cx, cy = x0 + step * i, y0 + (y1 - y0) * 0.45
        draw.rectangle(
            (cx - step * 0.3, cy - h * 0.04, cx + step * 0.3, cy + h * 0.04),
            fill=colour,
            outline=(20, 20, 20),
        )
        draw.text(
            (cx, cy + h * 0.06),
            label,
            fill=(40, 40, 40),
            font=_font(int(h * 0.03)),
            anchor="mt",
        )
    # The grey DSL cable, unplugged and lying beside the router.
    draw.line(
        [
            (x0 + step, y1 + h * 0.12),
            (x0 + step * 0.6, y1 + h * 0.05),
            (x0 - w * 0.05, y1 + h * 0.2),
        ],
        fill=(130, 130, 135),
        width=max(3, w // 120),
    )
    _damage_mark(draw, x0 + step, y0 + (y1 - y0) * 0.45, h * 0.07, "EMPTY")


_SUBJECTS: dict[str, Callable[[ImageDraw.ImageDraw, int, int], None]] = {
    "car_front": _car_front,
    "car_side": _car_side,
    "car_rear": _car_rear,
    "router_front": _router_front,
    "router_back": _router_back,
    "router_lights": _router_lights,
}


# --- hostile images (fault switches) -------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


@lru_cache(maxsize=4)
def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A tiny PNG that declares a huge 1-bit image (a decompression bomb).

    Written by hand, row by row, so building it never holds the decoded
    bitmap in memory (security.md, R-IMG-01).
    """
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte "none", all black
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def truncated_jpeg(data: bytes, keep: float = 0.4) -> bytes:
    """The first part of a JPEG: a valid header followed by missing scan data."""
    return data[: max(64, int(len(data) * keep))]


@lru_cache(maxsize=8)
def foreign_image(kind: str) -> bytes:
    """Bytes a broken or hostile upstream might label as a JPEG.

    ``svg`` and ``html`` carry a script; ``fits``, ``tiff`` and ``bmp`` are
    real images in formats the console must refuse to decode (R-IMG-02);
    ``polyglot`` is a valid JPEG with GPS EXIF and an HTML payload in a
    comment segment (R-IMG-03).
    """
    if kind == "svg":
        return (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
            b'width="100" height="100"><script>alert(1)</script>'
            b'<rect width="100" height="100" fill="red"/></svg>'
        )
    if kind == "html":
        return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    if kind == "fits":
        cards = [
            ("SIMPLE", "T"),
            ("BITPIX", "8"),
            ("NAXIS", "2"),
            ("NAXIS1", "16"),
            ("NAXIS2", "16"),
        ]
        header = "".join(f"{key:<8}= {value:>20}".ljust(80) for key, value in cards)
        header += "END".ljust(80)
        return header.ljust(2880).encode("ascii") + bytes(range(256)).ljust(2880, b"\0")
    if kind in ("tiff", "bmp"):
        out = io.BytesIO()
        Image.new("RGB", (32, 32), (200, 30, 30)).save(out, kind.upper())
        return out.getvalue()
    if kind == "polyglot":
        spec = PhotoSpec(
            path="/polyglot.jpg",
            format="JPEG",
            size=(320, 240),
            subject="car_front",
            caption="polyglot",
            gps=(40.7484, -73.9857),
            comment="<html><script>alert(1)</script></html>",
        )
        return render_photo(spec).data
    raise ValueError(f"unknown foreign image kind {kind!r}; use one of {FOREIGN_KINDS}")


@lru_cache(maxsize=1)
def sample_jpeg() -> bytes:
    """A small valid JPEG, the base of the corrupt and oversized photo faults."""
    spec = PhotoSpec(
        path="/sample.jpg",
        format="JPEG",
        size=(320, 240),
        subject="car_side",
        caption="sample",
    )
    return render_photo(spec).data


@lru_cache(maxsize=4)
@functools.lru_cache(maxsize=4)
def gzip_bomb(expanded: int) -> bytes:
    """A gzip stream that inflates to ``expanded`` bytes of valid JSON (``[  ...  ]``).

    Compressed piece by piece, so the expanded body is never in memory.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip framing
    parts = [compressor.compress(b"[")]
    chunk = b" " * (1024 * 1024)
    remaining = max(0, expanded - 2)
    while remaining > 0:
        piece = chunk if remaining >= len(chunk) else chunk[:remaining]
        parts.append(compressor.compress(piece))
        remaining -= len(piece)
    parts.append(compressor.compress(b"]"))
    parts.append(compressor.flush())
    return b"".join(parts)
