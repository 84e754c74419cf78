"""What a PDF draws, glyph by glyph: each shown character with its font and whether the glyph has a shape.

The text layer (pdftotext) holds a character whether or not anything is drawn for it: LibreOffice 7.4 embeds
Noto Color Emoji's glyphs without outlines, so a ✅ is in the text and invisible on the page. This reads the
page content streams (pikepdf), maps each code to its character through the font's ToUnicode map and to its
glyph through the embedded TrueType subset (fontTools), and calls the glyph drawn when it has contours.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf
from fontTools.ttLib import TTFont

_HEX = re.compile(r"<([0-9A-Fa-f]+)>")
logging.getLogger("fontTools").setLevel(logging.ERROR)  # LibreOffice's subsets have a 1904 'modified' date


@dataclass(frozen=True, slots=True)
class Shown:
    page: int  # 1-based
    char: str
    font: str  # the base font name without its subset prefix: "Symbola"
    drawn: bool


class _Font:
    def __init__(self, font: pikepdf.Dictionary):
        base = str(font.get("/BaseFont", "?"))
        self.name = base.split("+", 1)[-1].lstrip("/")
        self.two_byte = font.get("/Subtype") == "/Type0"
        self.unicode = _to_unicode(font)
        self.outlined: dict[int, bool] | None = _outlines(font)

    def codes(self, data: bytes) -> list[int]:
        if self.two_byte:
            return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
        return list(data)

    def drawn(self, code: int) -> bool:
        return True if self.outlined is None else self.outlined.get(code, False)


def _to_unicode(font: pikepdf.Dictionary) -> dict[int, str]:
    out: dict[int, str] = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return out
    text = stream.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        pairs = _HEX.findall(block)
        for code, uni in zip(pairs[::2], pairs[1::2], strict=False):
            out[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for line in block.strip().splitlines():
            parts = _HEX.findall(line)
            if len(parts) < 3:
                continue
            lo, hi = int(parts[0], 16), int(parts[1], 16)
            if "[" in line:
                for k, uni in enumerate(parts[2:]):
                    out[lo + k] = bytes.fromhex(uni).decode("utf-16-be", "replace")
            else:
                start = bytes.fromhex(parts[2]).decode("utf-16-be", "replace")
                for k in range(hi - lo + 1):
                    out[lo + k] = start[:-1] + chr(ord(start[-1]) + k)
    return out


def _outlines(font: pikepdf.Dictionary) -> dict[int, bool] | None:
    """code -> whether its glyph has contours, for an embedded TrueType subset; None when unknown."""
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") != "/TrueType" or descriptor is None or "/FontFile2" not in descriptor:
        return None
    tt = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()), lazy=True)
    if "glyf" not in tt:
        return {}
    glyf = tt["glyf"]
    cmap = {}
    for table in tt["cmap"].tables:
        for code, name in table.cmap.items():
            cmap.setdefault(code & 0xFF if table.platformID == 3 and code >= 0xF000 else code, name)
    return {code: glyf[name].numberOfContours != 0 for code, name in cmap.items()}


def shown(path: str) -> Iterator[Shown]:
    """Every character the PDF shows, in content order, page by page."""
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            yield from _content(page.obj, page.Resources, number, {})


def _content(obj, resources, number: int, cache: dict) -> Iterator[Shown]:
    fonts = resources.get("/Font", {}) if resources is not None else {}
    current: _Font | None = None
    for operands, op in pikepdf.parse_content_stream(obj):
        name = str(op)
        if name == "Tf":
            key = (id(resources), str(operands[0]))
            if key not in cache and str(operands[0]) in fonts:
                cache[key] = _Font(fonts[str(operands[0])])
            current = cache.get(key)
        elif name in ("Tj", "'", '"', "TJ") and current is not None:
            items = operands[-1] if name != "TJ" else operands[0]
            strings = [items] if name != "TJ" else [i for i in items if isinstance(i, pikepdf.String)]
            for s in strings:
                for code in current.codes(bytes(s)):
                    for ch in current.unicode.get(code, ""):
                        yield Shown(number, ch, current.name, current.drawn(code))
        elif name == "Do" and resources is not None:
            xobject = resources.get("/XObject", {}).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                yield from _content(xobject, xobject.get("/Resources", resources), number, cache)


_WORD = re.compile(r"\w+")


def line_breaks(path: str) -> Iterator[tuple[int, str, str]]:
    """(page, last word of a line, first word of the next line in the same text block), from
    `pdftotext -bbox-layout`: where a word broken in the middle shows as two pieces."""
    import subprocess

    from lxml import etree

    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", path, "-"], capture_output=True, check=True, timeout=600
    ).stdout
    root = etree.fromstring(xhtml, etree.XMLParser(recover=True, huge_tree=True))
    ns = "{http://www.w3.org/1999/xhtml}"
    for number, page in enumerate(root.iter(ns + "page"), 1):
        for block in page.iter(ns + "block"):
            lines = [[w.text or "" for w in line.iter(ns + "word")] for line in block.iter(ns + "line")]
            for upper, lower in zip(lines, lines[1:], strict=False):
                if upper and lower:
                    last, first = _WORD.findall(upper[-1]), _WORD.findall(lower[0])
                    if last and first and upper[-1].endswith(last[-1]) and lower[0].startswith(first[0]):
                        yield number, last[-1], first[0]


def broken_words(path: str, words: set[str], known: set[str]) -> list[tuple[int, str]]:
    """The words of `words` that the PDF breaks across two lines in the middle: their two pieces end one
    line and start the next, and a piece is no word of the document (`known`)."""
    out = []
    for page, a, b in line_breaks(path):
        if a + b in words and (a not in known or b not in known):
            out.append((page, a + b))
    return out


PAINTING = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "BI"}


@dataclass
class Marked:
    """A page's marked content: the text of each MCID, and what is painted outside any marked sequence."""

    text: dict[int, str]
    unmarked: list[str]  # painting operators outside BDC/BMC ... EMC


def marked(pdf: pikepdf.Pdf, page: pikepdf.Page) -> Marked:
    """The text under each MCID of a page (through the fonts' ToUnicode maps) and its unmarked painting."""
    fonts = page.Resources.get("/Font", {})
    cache: dict[str, _Font] = {}
    current: _Font | None = None
    stack: list[int | None] = []  # the MCID of each open marked sequence (None: no MCID, an artifact)
    result = Marked({}, [])
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name == "BDC":
            props = operands[1]
            stack.append(
                int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
            )
        elif name == "BMC":
            stack.append(None)
        elif name == "EMC":
            stack.pop()
        elif name == "Tf":
            key = str(operands[0])
            if key not in cache and key in fonts:
                cache[key] = _Font(fonts[key])
            current = cache.get(key)
        if name in PAINTING and not stack:
            result.unmarked.append(name)
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if name in ("Tj", "'", '"', "TJ") and current is not None and mcid is not None:
            items = operands[0] if name == "TJ" else [operands[-1]]
            text = "".join(
                current.unicode.get(code, "")
                for s in items
                if isinstance(s, pikepdf.String)
                for code in current.codes(bytes(s))
            )
            result.text[mcid] = result.text.get(mcid, "") + text
    return result
