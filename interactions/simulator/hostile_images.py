"""The hostile images and bodies the fault switches serve.

A PNG decompression bomb, truncated JPEG bytes, files in formats the console
must refuse or that carry a script, and a gzip bomb. Each is built without
holding its expanded form in memory and cached, so a test's first request
does not wait for it.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from functools import lru_cache
from typing import Literal

from PIL import Image

from interactions.simulator.drawing import render_photo
from interactions.simulator.photo_model import PhotoSpec

__all__ = [
    "FOREIGN_KINDS",
    "ForeignKind",
    "bomb_png",
    "foreign_image",
    "gzip_bomb",
    "sample_jpeg",
    "truncated_jpeg",
]

ForeignKind = Literal["svg", "html", "fits", "tiff", "bmp", "polyglot"]
FOREIGN_KINDS: tuple[str, ...] = ("svg", "html", "fits", "tiff", "bmp", "polyglot")


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
    bitmap in memory (docs/security.md, R-IMG-01).
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
