"""Word's list numbering, read from numbering.xml (with the paragraph styles that carry numbering).

Pandoc numbers ordered lists but drops the numbers Word puts before headings, and nothing in Python
computes them, so this is a small hand-written model of the numbering part (ECMA-376 part 1, 17.9):
``w:num`` instances point at ``w:abstractNum`` definitions whose levels give ``w:start``, ``w:numFmt``,
``w:lvlText`` ("%1.%2."), ``w:lvlRestart`` and ``w:isLgl``; a ``w:lvlOverride`` may replace a level or
restart it (``w:startOverride``). As Word does, the instances of one abstract definition share their
counters, so a list continues across instances unless an instance restarts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .elements import int_attr, int_val, on, val
from .namespaces import W
from .styles import Styles


@dataclass(slots=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart: None restarts after any higher level, 0 never
    legal: bool = False  # w:isLgl: show the numbers of all levels as decimals
    style: str | None = None  # w:pStyle: the paragraph style tied to this level
    suffix: str = "tab"  # w:suff: tab, space or nothing

    @property
    def kind(self) -> str:
        """ "bullet", "number", or "none" when the level shows no label (an indented continuation)."""
        if self.fmt == "none" or not symbol_text(self.text).strip():
            return "none"
        return "bullet" if self.fmt == "bullet" else "number"


def symbol_text(text: str) -> str:
    """A label as it shows: Symbol-font bullets are written in the private use area (U+F0xx)."""
    return "".join(chr(ord(c) - 0xF000) if 0xF000 <= ord(c) <= 0xF0FF else c for c in text)


def level_of(el: etree._Element) -> Level:
    """A w:lvl element read."""
    return Level(
        start=int_val(el.find(W + "start"), 1) or 0,
        fmt=val(el.find(W + "numFmt"), "decimal") or "decimal",
        text=val(el.find(W + "lvlText"), "") or "",
        restart=int_val(el.find(W + "lvlRestart")),
        legal=on(el.find(W + "isLgl")),
        style=val(el.find(W + "pStyle")),
        suffix=val(el.find(W + "suff"), "tab") or "tab",
    )


def num_pr(num: etree._Element | None) -> tuple[str | None, int | None] | None:
    """(numId, ilvl) of a paragraph's own w:numPr, either None when not given; None without a w:numPr."""
    if num is None:
        return None
    return val(num.find(W + "numId")), int_val(num.find(W + "ilvl"))


@dataclass(slots=True, frozen=True)
class Label:
    """What Word shows before a numbered paragraph, and the counter of the paragraph's own level."""

    text: str  # "2.1.", "a)", "•", "" for a level without a visible label
    level: Level
    ilvl: int
    value: int

    @property
    def kind(self) -> str:
        """ "bullet", "number", or "none" when nothing visible is shown (an indented continuation)."""
        return self.level.kind


@dataclass(slots=True)
class _Counters:
    values: list[int | None] = field(default_factory=lambda: [None] * 9)


class Numbering:
    """Counts numbered paragraphs in document order and gives each the label Word shows."""

    def __init__(self, root: etree._Element | None, styles: Styles):
        self.styles = styles
        self.abstract: dict[str, dict[int, Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNumId -> numbering style id (w:numStyleLink)
        self.nums: dict[str, str] = {}  # numId -> abstractNumId
        self.overrides: dict[str, dict[int, tuple[int | None, Level | None]]] = {}
        self._counters: dict[str, _Counters] = {}
        self._restarted: set[tuple[str, int]] = set()
        for el in root.iterfind(W + "abstractNum") if root is not None else ():
            aid = el.get(W + "abstractNumId", "")
            self.abstract[aid] = {int_attr(lv, W + "ilvl", 0): level_of(lv) for lv in el.iterfind(W + "lvl")}
            link = val(el.find(W + "numStyleLink"))
            if link:
                self.style_link[aid] = link
        for el in root.iterfind(W + "num") if root is not None else ():
            nid = el.get(W + "numId", "")
            self.nums[nid] = val(el.find(W + "abstractNumId"), "") or ""
            for ov in el.iterfind(W + "lvlOverride"):
                # LibreOffice writes a level's override twice, the second one empty: merge them
                lvl = ov.find(W + "lvl")
                ilvl = int_attr(ov, W + "ilvl", 0)
                start, level = self.overrides.setdefault(nid, {}).get(ilvl, (None, None))
                start = int_val(ov.find(W + "startOverride"), start)
                self.overrides[nid][ilvl] = (start, level_of(lvl) if lvl is not None else level)

    def _abstract_id(self, num_id: str) -> str | None:
        aid = self.nums.get(num_id)
        for _ in range(4):  # a numbering style points at another instance; follow a few links
            if aid is None or aid not in self.style_link:
                break
            linked = self.styles.numbering(self.style_link[aid])
            aid = self.nums.get(linked[0]) if linked else None
        return aid if aid in self.abstract else None

    def level(self, num_id: str, ilvl: int) -> Level | None:
        aid = self._abstract_id(num_id)
        if aid is None:
            return None
        override = self.overrides.get(num_id, {}).get(ilvl)
        if override and override[1] is not None:
            return override[1]
        return self.abstract[aid].get(ilvl)

    def paragraph(self, direct: tuple[str | None, int | None] | None, style: str | None):
        """(numId, ilvl) of a paragraph from its direct w:numPr and its style; None when unnumbered."""
        num_id, ilvl = direct if direct else (None, None)
        from_style = self.styles.numbering(style)
        if num_id is None and from_style:
            num_id = from_style[0]
            if ilvl is None:
                ilvl = from_style[1]
        if not num_id or num_id == "0" or self._abstract_id(num_id) is None:
            return None
        if ilvl is None:  # a style tied to a level through w:pStyle
            levels = self.abstract[self._abstract_id(num_id) or ""]
            ilvl = next((i for i, lv in levels.items() if lv.style and lv.style == style), 0)
        return num_id, max(0, min(int(ilvl), 8))

    def next_label(self, num_id: str, ilvl: int) -> Label | None:
        """Count one paragraph of the list and return the text Word shows before it, with its level."""
        aid = self._abstract_id(num_id)
        level = self.level(num_id, ilvl)
        if aid is None or level is None:
            return None
        counters = self._counters.setdefault(aid, _Counters()).values
        override = self.overrides.get(num_id, {}).get(ilvl)
        count = counters[ilvl]
        if override and override[0] is not None and (num_id, ilvl) not in self._restarted:
            self._restarted.add((num_id, ilvl))
            counters[ilvl] = override[0]
        else:
            counters[ilvl] = level.start if count is None else count + 1
        for deeper in range(ilvl + 1, 9):
            lv = self.level(num_id, deeper)
            restart = lv.restart if lv is not None else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        return Label(self._format(num_id, level, counters), level, ilvl, counters[ilvl] or 0)

    def _format(self, num_id: str, level: Level, counters: list[int | None]) -> str:
        if level.fmt == "bullet":
            return level.text
        if level.fmt == "none":
            return ""
        out = level.text
        for i in range(9):
            token = f"%{i + 1}"
            if token in out:
                lv = self.level(num_id, i) or Level()
                count = counters[i]
                value = lv.start if count is None else count
                fmt = "decimal" if level.legal else lv.fmt
                out = out.replace(token, format_number(value, fmt))
        return out


ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
ROMAN += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats; formats Markdown cannot show fall back to decimals."""
    if fmt in ("lowerLetter", "upperLetter") and 0 < n <= 32767:  # Word's largest start; a file's 10**11
        # would repeat a letter 10**11 / 26 times
        letter = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        out, rest = "", n
        for value, digits in ROMAN:
            while rest >= value:
                out, rest = out + digits, rest - value
        return out if fmt == "lowerRoman" else out.upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)
