"""Pixel size and resolution of PNG, JPEG, GIF and BMP files, read from their headers only."""

from __future__ import annotations

import struct
from pathlib import Path

DEFAULT_DPI = 96.0  # what pandoc assumes when a file does not say


def pixel_size(path: Path) -> tuple[int, int, float, float] | None:
    """(width, height, dpi x, dpi y), or None when the format is not one of those read here."""
    try:
        with open(path, "rb") as f:
            head = f.read(64 * 1024)
    except OSError:
        return None
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png(head)
        if head.startswith(b"\xff\xd8"):
            return _jpeg(head, path)
        if head[:6] in (b"GIF87a", b"GIF89a"):
            w, h = struct.unpack("<HH", head[6:10])
            return w, h, DEFAULT_DPI, DEFAULT_DPI
        if head.startswith(b"BM") and len(head) >= 26:
            w, h = struct.unpack("<ii", head[18:26])
            return w, abs(h), DEFAULT_DPI, DEFAULT_DPI
    except struct.error:
        return None
    return None


def _png(data: bytes) -> tuple[int, int, float, float] | None:
    w, h = struct.unpack(">II", data[16:24])
    dpi_x = dpi_y = DEFAULT_DPI
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"pHYs" and length == 9:
            px, py, unit = struct.unpack(">IIB", data[pos + 8 : pos + 17])
            if unit == 1 and px and py:
                dpi_x, dpi_y = px * 0.0254, py * 0.0254
            break
        if kind in (b"IDAT", b"IEND"):
            break
        pos += 12 + length
    return w, h, dpi_x, dpi_y


def _jpeg(data: bytes, path: Path) -> tuple[int, int, float, float] | None:
    dpi_x = dpi_y = DEFAULT_DPI
    pos = 2
    full = data if len(data) < 64 * 1024 else path.read_bytes()
    while pos + 4 <= len(full):
        if full[pos] != 0xFF:
            pos += 1
            continue
        marker = full[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", full[pos + 2 : pos + 4])
        if marker == 0xE0 and full[pos + 4 : pos + 9] == b"JFIF\x00":
            unit, dx, dy = struct.unpack(">BHH", full[pos + 11 : pos + 16])
            if dx and dy and unit in (1, 2):
                scale = 1.0 if unit == 1 else 2.54
                dpi_x, dpi_y = dx * scale, dy * scale
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", full[pos + 5 : pos + 9])
            return w, h, dpi_x, dpi_y
        pos += 2 + length
    return None


def display_size(path: Path, max_width: float, max_height: float) -> tuple[float, float] | None:
    """The size in inches pandoc would give the image, fitted into the text area."""
    size = pixel_size(path)
    if size is None:
        return None
    w, h, dx, dy = size
    if w <= 0 or h <= 0:
        return None
    width, height = w / (dx or DEFAULT_DPI), h / (dy or DEFAULT_DPI)
    scale = min(1.0, max_width / width, max_height / height)
    return width * scale, height * scale
