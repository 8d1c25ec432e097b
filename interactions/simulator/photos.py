"""The photo library of the simulator: photos drawn on first use, cached, scaled.

Nothing is downloaded or stored in the repository: each photo is drawn
(:mod:`interactions.simulator.drawing`) on first use from a
:class:`PhotoSpec` and cached for the life of the :class:`PhotoLibrary`;
``maxSize`` requests get a down-scaled copy that keeps the EXIF block. One
JPEG of the seed data carries EXIF orientation 6 and GPS tags, one has 12
megapixels, like a modern phone camera.

This module also re-exports the photo model and the hostile images of the
fault switches (:mod:`interactions.simulator.hostile_images`) under their old
names.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Iterable

from PIL import Image

from interactions.simulator.drawing import render_photo
from interactions.simulator.hostile_images import (
    bomb_png,
    foreign_image,
    gzip_bomb,
    sample_jpeg,
    truncated_jpeg,
)
from interactions.simulator.photo_model import (
    JPEG_QUALITY,
    Photo,
    PhotoFormat,
    PhotoSpec,
    Subject,
)

__all__ = [
    "Photo",
    "PhotoFormat",
    "PhotoLibrary",
    "PhotoSpec",
    "Subject",
    "bomb_png",
    "foreign_image",
    "gzip_bomb",
    "render_photo",
    "sample_jpeg",
    "truncated_jpeg",
]

_SCALED_CACHE_SIZE = 32


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
        small.save(out, "JPEG", quality=JPEG_QUALITY, exif=exif)
    elif original.format == "PNG":
        small.save(out, "PNG", exif=exif)
    else:
        small.save(out, "GIF")
    return Photo(out.getvalue(), original.format, small.width, small.height)
