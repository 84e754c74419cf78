"""What a reader sees of a PDF's pages: how full each page is, measured on the pixels (pdftoppm)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image

MM = 72 / 25.4


def page_fill(pdf: Path, top_mm: float = 20, bottom_mm: float = 20, dpi: int = 24) -> list[float]:
    """For each page, how far down the text block its content reaches (0 empty, 1 full): the lowest
    non-white pixel row between the top and bottom margins (the running header and the footer lie
    outside them), as a fraction of the text block's height."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{tmp}/p"], check=True)
        fills = []
        for png in sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
            with Image.open(png) as image:
                width, height = image.size
                scale = height / (297 * MM)  # rows per point on A4
                top, bottom = round(top_mm * MM * scale), height - round(bottom_mm * MM * scale)
                pixels = image.load()
                lowest = top
                for y in range(bottom - 1, top - 1, -1):
                    if any(pixels[x, y] < 200 for x in range(width)):
                        lowest = y + 1
                        break
                fills.append((lowest - top) / (bottom - top))
        return fills
