"""Drawing the demo photos with Pillow.

The photos look like customers' phone pictures (a car with a marked dent, a
router with its lights), because the console shows them to contact-centre
agents. Drawing is deterministic (no noise, no randomness), so the same
:class:`~interactions.simulator.photo_model.PhotoSpec` always gives the same
bytes with the same Pillow version. A spec with ``orientation=6`` is stored
rotated with the EXIF tag telling viewers to turn it back, and ``gps`` adds
GPS tags, so the console's ``exif_transpose`` and EXIF stripping can be seen
working (docs/security.md, R-IMG-03).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache

from PIL import ExifTags, Image, ImageDraw, ImageFont, TiffImagePlugin

from interactions.simulator.photo_model import JPEG_QUALITY, Photo, PhotoSpec, Subject

__all__ = ["render_photo"]

RGB = tuple[int, int, int]


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
        im.save(out, "JPEG", quality=JPEG_QUALITY, exif=_exif(spec), **extra)
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
