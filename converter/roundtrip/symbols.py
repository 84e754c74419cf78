"""Symbols and emoji in the snapshot get a font that has them, run by run.

The body font (Liberation Sans) has no ✅, ❌ or flags. Word finds them in Segoe UI Emoji (Windows) or
Apple Color Emoji (macOS) by itself, but LibreOffice falls back to Noto Color Emoji, whose colour bitmaps
its PDF export (7.4) does not draw: the tool tables printed as empty grids. So each run of symbols gets a
run font: Word formats characters outside ASCII with the w:hAnsi font (and w:eastAsia with an East Asian
hint), LibreOffice formats them with the w:ascii font (both measured), so w:hAnsi and w:eastAsia name
Segoe UI Emoji and w:ascii names Symbola, an outline font LibreOffice draws (Debian: fonts-symbola;
without it, LibreOffice's own fallback applies).
"""

from __future__ import annotations

import copy
import unicodedata

from lxml import etree

from ..ooxml.elements import parent
from ..ooxml.namespaces import XML_SPACE, W

WORD_FONT = "Segoe UI Emoji"
DRAWN_FONT = "Symbola"
JOINERS = frozenset({0x200D, 0xFE0E, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)})
SYMBOL_BLOCKS = ((0x2190, 0x21FF), (0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF))


def is_symbol(ch: str) -> bool:
    """A pictograph the text fonts lack: emoji, flags, dingbats, symbols of the arrow and technical blocks."""
    cp = ord(ch)
    if 0x1F000 <= cp <= 0x1FAFF or cp in (0x3030, 0x303D, 0x3297, 0x3299):
        return True
    return unicodedata.category(ch) == "So" and any(a <= cp <= b for a, b in SYMBOL_BLOCKS)


def segments(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is symbols); a joiner, variation selector or skin tone stays with the
    symbol it modifies, and a character asked to show as emoji (followed by U+FE0F) counts as one."""
    out: list[tuple[str, bool]] = []
    for i, ch in enumerate(text):
        cp = ord(ch)
        after_joiner = i > 0 and text[i - 1] == "\u200d"
        sym = (
            is_symbol(ch)
            or text[i + 1 : i + 2] == "\ufe0f"
            or (out and out[-1][1] and (cp in JOINERS or after_joiner))
        )
        if out and out[-1][1] == sym:
            out[-1] = (out[-1][0] + ch, sym)
        else:
            out.append((ch, bool(sym)))
    return out


def symbol_fonts(document: etree._Element) -> int:
    """Split every run whose text holds symbols so that the symbols have a run of their own with the symbol
    fonts; the number of symbol runs made."""
    made = 0
    for run in list(document.iter(W + "r")):
        texts = [t for t in run if t.tag == W + "t" and t.text and any(ord(c) >= 0x2190 for c in t.text)]
        if not texts or not any(sym for t in texts for _, sym in segments(t.text or "")):
            continue
        made += _split(run)
    return made


def _split(run: etree._Element) -> int:
    rpr = run.find(W + "rPr")
    pieces: list[tuple[list[etree._Element], bool]] = []  # the run's content in runs to be, with their kind
    for child in run:
        if child is rpr:
            continue
        parts = segments(child.text or "") if child.tag == W + "t" else [("", False)]
        for text, sym in parts:
            if child.tag == W + "t":
                el = etree.Element(W + "t")
                el.text = text
                el.set(XML_SPACE, "preserve")
            else:
                el = child
            if pieces and pieces[-1][1] == sym:
                pieces[-1][0].append(el)
            else:
                pieces.append(([el], sym))
    holder = parent(run)
    at = holder.index(run)
    holder.remove(run)
    for offset, (content, sym) in enumerate(pieces):
        new = etree.Element(W + "r")
        new.attrib.update(run.attrib)
        props = copy.deepcopy(rpr) if rpr is not None else None
        if sym:
            props = props if props is not None else etree.Element(W + "rPr")
            _set_fonts(props)
        if props is not None:
            new.append(props)
        new.extend(content)
        holder.insert(at + offset, new)
    return sum(1 for _, sym in pieces if sym)


def _set_fonts(rpr: etree._Element) -> None:
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        fonts = etree.Element(W + "rFonts")
        style = rpr.find(W + "rStyle")  # w:rFonts follows w:rStyle in the sequence of w:rPr
        rpr.insert(0 if style is None else rpr.index(style) + 1, fonts)
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    fonts.set(W + "ascii", DRAWN_FONT)
    fonts.set(W + "hAnsi", WORD_FONT)
    fonts.set(W + "eastAsia", WORD_FONT)
    fonts.set(W + "cs", WORD_FONT)
