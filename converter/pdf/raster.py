"""Raster images, drawn by the merge instead of WeasyPrint: each file becomes one PDF image once.

WeasyPrint decodes and re-encodes every PNG (twice with transparency) each time it renders a part. Here
a part holds an empty box of the image's size (an SVG placeholder with the same intrinsic size, so the
layout is the same), and assemble.py draws the image into that box. Each file is converted once, in a
worker, and kept in the cache by its content hash: JPEG data and plain 8-bit PNG data pass through
untouched; other images are decoded once, their alpha channel dropped when fully opaque.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from PIL import Image as PILImage

from ..html.writer import ImagePolicy, esc
from ..model import Image

RASTER = {"PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"}
DATA_IMAGES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")


@dataclass(slots=True, frozen=True)
class Raster:
    key: str  # content hash
    file: str
    width: int
    height: int


def probe(file: Path) -> Raster | None:
    """Size and hash of a raster image (headers only); None for SVG and what Pillow cannot read."""
    try:
        with PILImage.open(file) as im:
            if im.format not in RASTER:
                return None
            width, height = im.size
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        return None
    key = hashlib.sha256(file.read_bytes()).hexdigest()[:20]
    return Raster(key, str(file), width, height)


class StampedImages(ImagePolicy):
    """Images for the PDF parts: raster files as sized placeholders to be stamped, others by file URL."""

    def __init__(self) -> None:
        self.used: list[Path] = []  # every local file the part uses, for its cache key
        self.rasters: dict[str, Raster] = {}  # stamped in the part, by key
        self._probed: dict[Path, Raster | None] = {}
        self._count = 0

    def start_part(self) -> None:
        self.used, self.rasters, self._count = [], {}, 0

    def src(self, image: Image) -> str | None:
        if image.file is None:
            src = image.src.strip()
            return src if src.startswith(DATA_IMAGES) else None
        self.used.append(image.file)
        return image.file.as_uri()

    def element(self, image: Image, alt: str, attrs: str = "") -> str | None:
        if image.file is None:
            return super().element(image, alt, attrs)
        if image.file not in self._probed:
            self._probed[image.file] = probe(image.file)
        raster = self._probed[image.file]
        if raster is None:
            return super().element(image, alt, attrs)
        self.used.append(image.file)
        self.rasters[raster.key] = raster
        self._count += 1
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' width='{raster.width}' height='{raster.height}'/>"
        src = "data:image/svg+xml," + quote(svg)
        return f'<img id="img-{raster.key}-{self._count}" src="{src}" alt="{esc(alt)}"{attrs}>'


def image_key(anchor: str) -> str | None:
    """The image an anchor of a part stands for: 'img-<key>-<n>' -> key."""
    if not anchor.startswith("img-"):
        return None
    return anchor[4:].rsplit("-", 1)[0]


def convert(raster: Raster, out: str) -> str:
    """Write the image as a PDF image object (in a one-object PDF) that assemble.py copies from."""
    import pikepdf

    pdf = pikepdf.new()
    image = _image_object(pdf, Path(raster.file))
    pdf.Root.AixImage = image
    try:
        pdf.save(out + ".tmp")
        Path(out + ".tmp").replace(out)
    except BaseException:
        Path(out + ".tmp").unlink(missing_ok=True)
        raise
    return raster.key


def _image_object(pdf, file: Path):
    import pikepdf
    from pikepdf import Dictionary, Name

    data = file.read_bytes()
    with PILImage.open(io.BytesIO(data)) as im:
        fmt, mode, (width, height) = im.format, im.mode, im.size
        base = Dictionary(
            Type=Name.XObject, Subtype=Name.Image, Width=width, Height=height, BitsPerComponent=8
        )
        if fmt == "JPEG" and mode in ("RGB", "L", "CMYK"):
            base.ColorSpace = {"RGB": Name.DeviceRGB, "L": Name.DeviceGray, "CMYK": Name.DeviceCMYK}[mode]
            if mode == "CMYK" and "adobe" in im.info:
                base.Decode = pikepdf.Array([1, 0] * 4)  # Adobe's inverted CMYK
            stream = pdf.make_stream(b"", base)
            stream.write(data, filter=Name.DCTDecode)
            return stream
        if fmt == "PNG" and _plain_png(data):
            return _flate(pdf, _idat(data), base, 3 if data[25] == 2 else 1, width)
        im.load()
        picture: PILImage.Image = im
        alpha = None
        if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in im.info):
            picture = picture.convert("RGBA")
            alpha = picture.getchannel("A")
            if alpha.getextrema() == (255, 255):
                alpha = None
        gray = picture.mode in ("L", "LA")
        picture = picture.convert("L" if gray else "RGB")
        stream = _flate(pdf, _encode(picture), base, 1 if gray else 3)
        if alpha is not None:
            mask = Dictionary(
                Type=Name.XObject, Subtype=Name.Image, Width=width, Height=height, BitsPerComponent=8
            )
            stream.SMask = _flate(pdf, _encode(alpha), mask, 1)
        return stream


def _plain_png(data: bytes) -> bool:
    """8-bit gray or RGB, not interlaced, no transparency: its zlib data is a PDF image's as it is."""
    bit_depth, color_type, interlace = data[24], data[25], data[28]  # IHDR, after signature, length, type
    return (
        bit_depth == 8
        and color_type in (0, 2)
        and interlace == 0
        and b"tRNS" not in data[: data.find(b"IDAT")]
    )


def _encode(im) -> bytes:
    """zlib data of a decoded image's samples, at the fastest level: on aix-2026's PNGs 2.3 times as fast
    as Pillow's PNG encoder at its fastest (whose row filters cost more than they save) and 4% smaller."""
    return zlib.compress(im.tobytes(), 1)


def _idat(png: bytes) -> bytes:
    """The concatenated IDAT data of a PNG file: zlib data with PNG row predictors."""
    out, pos = [], 8
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        if kind == b"IDAT":
            out.append(png[pos + 8 : pos + 8 + length])
        pos += 12 + length
    data = b"".join(out)
    zlib.decompressobj().decompress(data[:64])  # fails early on data that is not zlib
    return data


def _flate(pdf, data: bytes, base, colors: int, png_width: int | None = None):
    """An image stream holding zlib data as it is (no decoding, no re-encoding): a PNG's own, with its row
    predictors (`png_width` is the image's width), or plain samples."""
    from pikepdf import Dictionary, Name

    base.ColorSpace = Name.DeviceRGB if colors == 3 else Name.DeviceGray
    stream = pdf.make_stream(b"", base)
    parms = None
    if png_width is not None:
        parms = Dictionary(Predictor=15, Colors=colors, BitsPerComponent=8, Columns=png_width)
    stream.write(data, filter=Name.FlateDecode, decode_parms=parms)
    return stream
