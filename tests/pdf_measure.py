"""The measure of a PDF's body text as a reader meets it: characters per full line.

pdftotext -bbox-layout gives every text block with its lines and their words. A paragraph's lines but its
last run to the right edge of the text block; their characters (words and the spaces between them) are the
measure. Body text is told from headings, tables' small print and code by its line height, the most common
one, and from table cells by its block's width (most of the widest). Run as a script: ``python tests/pdf_measure.py FILE.pdf [FIRST LAST]``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

from lxml import etree

NS = {"x": "http://www.w3.org/1999/xhtml"}


def full_lines(pdf: Path, first: int | None = None, last: int | None = None) -> list[str]:
    """The text of every body-text line that is not the last of its block."""
    pages = ["-f", str(first), "-l", str(last)] if first else []
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", *pages, str(pdf), "-"], capture_output=True, check=True
    ).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True, huge_tree=True))
    blocks = []
    for block in root.iterfind(".//x:block", NS):
        lines = []
        width = float(block.get("xMax")) - float(block.get("xMin"))
        for line in block.iterfind("x:line", NS):
            words = [w.text or "" for w in line.iterfind("x:word", NS)]
            height = round(float(line.get("yMax")) - float(line.get("yMin")), 1)
            lines.append((height, " ".join(words)))
        blocks.append((width, lines))
    body = Counter(height for _, lines in blocks for height, _ in lines).most_common(1)[0][0]
    measure = max(width for width, lines in blocks if any(height == body for height, _ in lines))
    return [
        text
        for width, lines in blocks
        if width > 0.8 * measure
        for height, text in lines[:-1]
        if height == body
    ]


def characters_per_line(pdf: Path, first: int | None = None, last: int | None = None) -> dict[str, float]:
    counts = [len(text) for text in full_lines(pdf, first, last)]
    quartiles = statistics.quantiles(counts, n=4)
    return {"lines": len(counts), "median": statistics.median(counts), "q1": quartiles[0], "q3": quartiles[2]}


if __name__ == "__main__":
    span = [int(v) for v in sys.argv[2:4]]
    print(characters_per_line(Path(sys.argv[1]), *span))
