"""What a simulator photo is: its spec (how to draw it) and its encoded bytes.

Shared by the drawing (:mod:`interactions.simulator.drawing`), the library
that caches and scales photos (:mod:`interactions.simulator.photos`) and the
hostile images of the fault switches
(:mod:`interactions.simulator.hostile_images`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["JPEG_QUALITY", "Photo", "PhotoFormat", "PhotoSpec", "Subject"]

PhotoFormat = Literal["JPEG", "PNG", "GIF"]
Subject = Literal[
    "car_front", "car_side", "car_rear", "router_front", "router_back", "router_lights"
]

# Photos are uploaded as JPG, PNG or GIF (Z-PHUP).
JPEG_QUALITY = 85


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
